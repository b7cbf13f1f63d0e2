import { h, list, str, table, when } from "../dom.js"
import { button, errorBox, loadInto, section, type View } from "./view.js"

/** Paired devices and their pairing requests (`device.pair.*`, `device.token.*`), nodes (`node.list`, `node.pair.*`). */
export const devicesView: View = (root, ctx) => {
  const devices = h("div", {})
  const nodes = h("div", {})
  const notice = h("div", { role: "status" })
  root.append(notice,
    section("Devices", [button("Refresh", () => reloadDevices())], devices),
    section("Nodes", [button("Refresh", () => reloadNodes())], nodes))
  const act = (method: string, params: Record<string, unknown>, after: () => void, confirmText?: string) => async () => {
    if (confirmText !== undefined && !window.confirm(confirmText)) return
    notice.replaceChildren()
    try {
      const result = await ctx.client.request<Record<string, unknown>>(method, params)
      notice.replaceChildren(h("p", { class: "ok-line" }, `${method}: done${typeof result?.["token"] === "string" ? " (new token delivered to that device)" : ""}`))
      after()
    } catch (error) {
      notice.replaceChildren(errorBox(error))
    }
  }
  const reloadDevices = loadInto(devices, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("device.pair.list", {})
    const pending = list(result["pending"])
    const paired = list(result["paired"])
    return [
      h("h3", {}, `Pending requests (${pending.length})`),
      table(["Request", "Device", "Client", "Role / scopes", "From", ""], pending.map((p) => [
        h("code", {}, str(p["requestId"])), str(p["displayName"]) || str(p["deviceId"]).slice(0, 12), `${str(p["clientId"])} ${str(p["platform"])}`.trim(),
        `${str(p["role"])}: ${Array.isArray(p["scopes"]) ? p["scopes"].map(str).join(", ") : ""}`, str(p["remoteIp"]),
        h("span", { class: "row-actions" },
          button("Approve", act("device.pair.approve", { requestId: p["requestId"] }, reloadDevices), { "data-request-id": str(p["requestId"]) }),
          button("Reject", act("device.pair.reject", { requestId: p["requestId"] }, reloadDevices), { class: "danger" }))
      ]), "No pending requests"),
      h("h3", {}, `Paired (${paired.length})`),
      table(["Device", "Client", "Roles", "Scopes", "Approved", ""], paired.map((d) => {
        const deviceId = str(d["deviceId"])
        return [
          h("span", { title: deviceId }, str(d["displayName"]) || str(d["operatorLabel"]) || deviceId.slice(0, 12),
            deviceId === ctx.client.deviceId ? h("strong", { class: "this-device" }, " (this browser)") : null),
          `${str(d["clientId"])} ${str(d["platform"])}`.trim(),
          Array.isArray(d["roles"]) ? d["roles"].map(str).join(", ") : "", Array.isArray(d["approvedScopes"]) ? d["approvedScopes"].map(str).join(", ") : "", when(Number(d["approvedAtMs"])),
          h("span", { class: "row-actions" },
            button("Rotate token", act("device.token.rotate", { deviceId, role: "operator" }, reloadDevices)),
            button("Revoke token", act("device.token.revoke", { deviceId, role: "operator" }, reloadDevices, "Revoke this device's operator token? It will have to pair again.")),
            button("Remove", act("device.pair.remove", { deviceId }, reloadDevices, "Remove this device? It will have to pair again."), { class: "danger" }))
        ]
      }), "No paired devices")
    ]
  })
  const reloadNodes = loadInto(nodes, async () => {
    const [known, pairs] = await Promise.all([
      ctx.client.request<Record<string, unknown>>("node.list", {}),
      ctx.client.request<Record<string, unknown>>("node.pair.list", {})
    ])
    const pending = list(pairs["pending"])
    return [
      table(["Node", "Platform", "Connected", "Commands", ""], list(known["nodes"]).map((n) => [
        str(n["displayName"]) || str(n["nodeId"]), str(n["platform"]), n["connected"] === true ? "yes" : "no",
        Array.isArray(n["commands"]) ? String(n["commands"].length) : "0",
        button("Remove", act("node.pair.remove", { nodeId: n["nodeId"] }, reloadNodes, "Remove this node's pairing?"), { class: "danger" })
      ]), "No nodes"),
      pending.length === 0 ? null : h("h3", {}, `Pending node requests (${pending.length})`),
      pending.length === 0 ? null : table(["Request", "Node", "Commands", ""], pending.map((p) => [
        h("code", {}, str(p["requestId"])), str(p["displayName"]) || str(p["nodeId"]), Array.isArray(p["commands"]) ? p["commands"].map(str).join(", ") : "",
        h("span", { class: "row-actions" },
          button("Approve", act("node.pair.approve", { requestId: p["requestId"] }, reloadNodes)),
          button("Reject", act("node.pair.reject", { requestId: p["requestId"] }, reloadNodes), { class: "danger" }))
      ]), "")
    ]
  })
  return ctx.onEvent((event) => {
    if (event === "device.pair.requested" || event === "device.pair.resolved") reloadDevices()
    if (event === "node.pair.requested" || event === "node.pair.resolved") reloadNodes()
  })
}
