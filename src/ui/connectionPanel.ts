import type { ConnectionState, GatewayClient } from "./core/gatewayClient.js"
import { h } from "./dom.js"

/** The connection screen for the current state: failures with meaning, next step, token field. */
export const renderConnection = (panel: HTMLElement, state: ConnectionState, client: GatewayClient, gatewayUrl: string) => {
  panel.dataset["state"] = state.kind
  switch (state.kind) {
    case "connected":
      panel.replaceChildren()
      panel.hidden = true
      return
    case "connecting":
      // A retry behind a failure screen (waiting for approval, origin) keeps that screen: no flicker.
      if (state.attempt > 1 && panel.dataset["screen"] !== undefined && panel.dataset["screen"] !== "" && panel.dataset["screen"] !== "reconnecting") return
      panel.hidden = false
      panel.dataset["screen"] = ""
      panel.replaceChildren(h("p", { class: "muted", role: "status" }, state.attempt > 1 ? `Reconnecting to ${gatewayUrl}…` : `Connecting to ${gatewayUrl}…`))
      return
    case "disconnected":
      panel.hidden = false
      panel.dataset["screen"] = "reconnecting"
      panel.replaceChildren(h("div", { class: "screen", role: "status" }, h("h2", {}, "Reconnecting…"), h("p", {}, state.reason),
        h("button", { type: "button", onclick: () => client.retryNow() }, "Retry now")))
      return
    case "failed": {
      const s = state.screen
      panel.hidden = false
      panel.dataset["screen"] = s.kind
      const tokenField = h("input", { type: "password", id: "token-input", autocomplete: "off", "aria-label": "Gateway token" })
      const waiting = s.kind === "pairing" ? h("p", { class: "waiting", role: "status" }, "Waiting for approval…") : null
      panel.replaceChildren(h("div", { class: `screen screen-${s.kind}`, role: "alert", "data-code": s.detailsCode },
        h("h2", {}, s.title),
        h("p", {}, s.meaning),
        h("p", {}, s.nextStep),
        s.command === undefined ? null : h("pre", { class: "command" }, h("code", {}, s.command)),
        waiting,
        s.askToken
          ? h("form", { class: "token-form", onsubmit: (event: SubmitEvent) => { event.preventDefault(); client.useToken(tokenField.value) } },
              h("label", { for: "token-input" }, "Gateway token"), tokenField, h("button", { type: "submit" }, "Connect"))
          : null,
        s.keepRetrying || s.kind === "pairing"
          ? h("button", { type: "button", onclick: () => client.retryNow() }, "Check now")
          : s.kind === "build-mismatch" || s.kind === "protocol-mismatch" || s.kind === "device-identity-required"
            ? h("button", { type: "button", onclick: () => location.reload() }, "Reload page")
            : null,
        h("details", {}, h("summary", {}, "Gateway said"), h("code", {}, `${s.detailsCode || "error"}: ${s.serverMessage}`))))
      return
    }
  }
}
