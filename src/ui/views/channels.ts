import { RpcError } from "../core/gatewayClient.js"
import { h, isRecord, list, str, table, when } from "../dom.js"
import { button, errorBox, loadInto, section, type View } from "./view.js"

const accountState = (a: Record<string, unknown>) =>
  [a["enabled"] === false ? "disabled" : "enabled", a["configured"] === true ? "configured" : "not configured", a["running"] === true ? "running" : "stopped",
    a["connected"] === true ? "connected" : "disconnected"].join(", ")

const probeText = (a: Record<string, unknown>) => {
  const probe = a["probe"]
  if (!isRecord(probe)) return "—"
  return probe["ok"] === true ? "works" : `failed: ${str(probe["error"] ?? probe["status"])}`
}

/** Channel accounts (`channels.status`, with a probe on demand) and pending DM pairing requests. */
export const channelsView: View = (root, ctx) => {
  const status = h("div", {})
  const pairing = h("div", {})
  let probe = false
  root.append(
    section("Channels", [button("Refresh", () => { probe = false; reloadStatus() }), button("Probe", () => { probe = true; reloadStatus() })], status),
    section("Pairing requests", [button("Refresh", () => reloadPairing())], pairing)
  )
  const reloadStatus = loadInto(status, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("channels.status", probe ? { probe: true, timeoutMs: 8000 } : { probe: false })
    const labels = isRecord(result["channelLabels"]) ? result["channelLabels"] : {}
    const accounts = isRecord(result["channelAccounts"]) ? result["channelAccounts"] : {}
    const order = Array.isArray(result["channelOrder"]) ? result["channelOrder"].map(str) : Object.keys(accounts)
    const rows = order.flatMap((channel) => list(accounts[channel]).map((a) => [
      str(labels[channel]) || channel, str(a["accountId"]), accountState(a), str(a["lastError"]) || "—", when(Number(a["lastInboundAt"])), probe ? probeText(a) : "—"
    ]))
    const issues = list(result["statusIssues"])
    return [
      table(["Channel", "Account", "State", "Last error", "Last inbound", "Probe"], rows, "No channels configured (openclaw channels add)"),
      issues.length === 0 ? null : h("ul", { class: "issues" }, issues.map((issue) => h("li", {}, `${str(issue["channel"])}: ${str(issue["message"])}`)))
    ]
  })
  const reloadPairing = loadInto(pairing, async () => {
    let result: Record<string, unknown>
    try {
      result = await ctx.client.request<Record<string, unknown>>("channels.pairing.list", {})
    } catch (error) {
      if (error instanceof RpcError && error.message.startsWith("unknown method")) {
        return h("p", { class: "muted" }, "This gateway lists DM pairing requests on the command line: ", h("code", {}, "openclaw pairing list <channel>"), " then ", h("code", {}, "openclaw pairing approve <channel> <code>"), ".")
      }
      throw error
    }
    const decide = (method: "channels.pairing.approve" | "channels.pairing.dismiss", r: Record<string, unknown>) => async () => {
      try {
        await ctx.client.request(method, { channel: r["channel"], accountId: r["accountId"], requestId: r["requestId"] })
        reloadPairing()
      } catch (error) {
        pairing.prepend(errorBox(error))
      }
    }
    return table(["Channel", "Account", "Sender", "Requested", ""], list(result["requests"]).map((r) => [
      str(r["channelLabel"]) || str(r["channel"]), str(r["accountLabel"]) || str(r["accountId"]), str(r["senderId"]), str(r["createdAt"]),
      h("span", { class: "row-actions" }, button("Approve", decide("channels.pairing.approve", r)), button("Reject", decide("channels.pairing.dismiss", r), { class: "danger" }))
    ]), "No pending pairing requests")
  })
  return () => undefined
}
