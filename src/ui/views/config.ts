import { RpcError } from "../core/gatewayClient.js"
import { h, list, str } from "../dom.js"
import { button, errorText, loadInto, section, type View } from "./view.js"

/**
 * The config as the gateway shows it (secrets already redacted by `config.get`), and a JSON5 merge patch
 * sent with the snapshot's `baseHash` (`config.patch`): the gateway validates it through its write guard;
 * a refusal is shown with the path it names.
 */
export const configView: View = (root, ctx) => {
  const current = h("div", {})
  let baseHash: string | undefined
  const patch = h("textarea", { id: "config-patch", rows: 8, spellcheck: "false", "aria-label": "Merge patch (JSON5)", placeholder: '{ logging: { level: "debug" } }' })
  const result = h("div", { role: "status", "aria-live": "polite", id: "config-result" })
  const apply = async () => {
    result.replaceChildren(h("p", { class: "muted" }, "Validating…"))
    try {
      const outcome = await ctx.client.request<Record<string, unknown>>("config.patch", { raw: patch.value, ...(baseHash === undefined ? {} : { baseHash }) })
      const paths = Array.isArray(outcome["paths"]) ? outcome["paths"].map(str) : []
      result.replaceChildren(h("p", { class: "ok-line", "data-testid": "patch-ok" },
        outcome["changed"] === true ? `Saved: ${paths.join(", ") || "config"} changed.` : "No change.", outcome["hint"] === undefined ? "" : ` ${str(outcome["hint"])}`))
      reload()
    } catch (error) {
      const details = error instanceof RpcError ? error.details : undefined
      const issues = list(details?.["issues"])
      result.replaceChildren(h("div", { class: "error", role: "alert", "data-testid": "patch-refused" },
        h("strong", {}, "Refused: "), errorText(error),
        issues.length === 0 ? null : h("ul", {}, issues.map((issue) => h("li", {}, h("code", {}, str(issue["path"])), ": ", str(issue["message"]))))))
    }
  }
  root.append(
    section("Change config", [],
      h("p", { class: "muted" }, "A JSON5 merge patch (null deletes a key). The gateway validates it, keeps a backup and hot-reloads what it can."),
      h("form", { class: "patch", onsubmit: (event: SubmitEvent) => { event.preventDefault(); void apply() } }, patch, h("div", { class: "actions" }, h("button", { type: "submit" }, "Validate and save"))),
      result),
    section("Current config", [button("Refresh", () => reload())], current)
  )
  const reload = loadInto(current, async () => {
    const snapshot = await ctx.client.request<Record<string, unknown>>("config.get", {})
    baseHash = typeof snapshot["hash"] === "string" ? snapshot["hash"] : undefined
    const issues = list(snapshot["issues"])
    return [
      h("p", { class: "muted" }, `${str(snapshot["path"])} · ${snapshot["valid"] === true ? "valid" : "INVALID"} · hash ${(baseHash ?? "none").slice(0, 12)}`),
      issues.length === 0 ? null : h("ul", { class: "issues" }, issues.map((issue) => h("li", {}, h("code", {}, str(issue["path"])), ": ", str(issue["message"])))),
      h("pre", { class: "config", tabindex: 0, "aria-label": "Current config (secrets redacted)" }, JSON.stringify(snapshot["config"] ?? snapshot["parsed"] ?? {}, null, 2))
    ]
  })
  return () => undefined
}
