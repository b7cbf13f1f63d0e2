import { duration, facts, h, isRecord, list, str, table, when } from "../dom.js"
import { button, loadInto, section, type View } from "./view.js"

/** Health, status and presence: what the gateway is and who is connected. */
export const overviewView: View = (root, ctx) => {
  const health = h("div", {})
  const status = h("div", {})
  const presence = h("div", {})
  const hello = ctx.client.hello
  root.append(
    section("Gateway", [button("Refresh", () => { reloadHealth(); reloadStatus(); reloadPresence() })],
      hello === undefined ? null : facts([
        ["Version", hello.server.version],
        ["Signed in as", `${hello.auth.role} (${hello.auth.method ?? "token"})`],
        ["Scopes", hello.auth.scopes.join(", ") || "none"]
      ])),
    section("Health", [], health),
    section("Status", [], status),
    section("Presence", [], presence)
  )
  const reloadHealth = loadInto(health, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("health", {})
    const channels = isRecord(result["channels"]) ? Object.entries(result["channels"]) : []
    return [
      h("p", { class: result["ok"] === true ? "ok-line" : "bad-line", "data-testid": "health-state" }, result["ok"] === true ? "Healthy" : "Unhealthy",
        ` · checked ${when(Number(result["ts"]))} in ${str(result["durationMs"])} ms`),
      facts([
        ["Default agent", str(result["defaultAgentId"]) || "—"],
        ["Heartbeat", typeof result["heartbeatSeconds"] !== "number" || result["heartbeatSeconds"] <= 0 ? "off" : `every ${str(result["heartbeatSeconds"])} s`],
        ["Uptime", duration(Number(result["uptimeMs"]))],
        ["Channels", channels.length === 0 ? "none configured" : channels.map(([name, value]) => `${name}: ${isRecord(value) && value["configured"] === false ? "not configured" : "configured"}`).join(", ")]
      ])
    ]
  })
  const reloadStatus = loadInto(status, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("status", {})
    const scalar = Object.entries(result).filter(([, value]) => value === null || typeof value !== "object")
    return facts(scalar.slice(0, 16).map(([key, value]) => [key, str(value)] as const))
  })
  const reloadPresence = loadInto(presence, async () => {
    const entries = list(await ctx.client.request("system-presence", {}))
    return table(["Host", "Mode", "Platform", "Version", "Seen"], entries.map((e) => [str(e["host"]), str(e["mode"]), str(e["platform"]), str(e["version"]), when(Number(e["ts"]))]), "Nobody connected")
  })
  const off = ctx.onEvent((event) => {
    if (event === "presence") reloadPresence()
  })
  return off
}
