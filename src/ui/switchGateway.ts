import { h } from "./dom.js"

const hostOf = (url: string) => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/**
 * Asks before a link's `gatewayUrl` points the page at another gateway (spec control-ui 2.2): a link must
 * not silently send this browser's identity and the link's token elsewhere. Resolves true to switch.
 */
export const confirmGatewaySwitch = (target: string, current: string): Promise<boolean> =>
  new Promise((resolve) => {
    const dialog = h("dialog", { class: "switch", "aria-labelledby": "switch-title" })
    const done = (answer: boolean) => {
      dialog.close()
      dialog.remove()
      resolve(answer)
    }
    dialog.append(
      h("h2", { id: "switch-title" }, "Switch to a different Gateway?"),
      h("p", {}, "This link points the Control UI at ", h("code", {}, target), " instead of ", h("code", {}, current), ". Only switch if you trust that gateway."),
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => done(true) }, `Switch to ${hostOf(target)}`),
        h("button", { type: "button", class: "secondary", onclick: () => done(false) }, "Keep current Gateway"))
    )
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault()
      done(false)
    })
    document.body.append(dialog)
    dialog.showModal()
  })
