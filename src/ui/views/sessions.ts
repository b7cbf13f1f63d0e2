import { h, list, str, table, when } from "../dom.js"
import { button, loadInto, section, type View } from "./view.js"

/** The sessions the gateway knows (`sessions.list`); a row opens its chat. */
export const sessionsView: View = (root, ctx) => {
  const body = h("div", {})
  root.append(section("Sessions", [button("Refresh", () => reload())], body))
  const reload = loadInto(body, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("sessions.list", { includeGlobal: true, includeUnknown: true, includeDerivedTitles: true, includeLastMessage: true, limit: 200 })
    const rows = list(result["sessions"])
    return table(["Session", "Kind", "Agent", "Updated", "Last message"], rows.map((row) => [
      h("a", { href: ctx.href(`chat/${encodeURIComponent(str(row["key"]))}`), "data-route": `chat/${encodeURIComponent(str(row["key"]))}` }, str(row["displayName"]) || str(row["derivedTitle"]) || str(row["key"])),
      str(row["kind"]), str(row["agentId"]), when(Number(row["updatedAt"])), str(row["lastMessagePreview"] ?? row["lastMessage"]).slice(0, 120)
    ]), "No sessions yet")
  })
  return () => undefined
}
