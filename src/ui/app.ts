import { type ConnectionState, GatewayClient } from "./core/gatewayClient.js"
import { ROUTES, type Route, routeOf } from "./core/launchParams.js"
import { renderConnection } from "./connectionPanel.js"
import { rememberedSessionKey, rememberSessionKey } from "./core/settings.js"
import { h } from "./dom.js"
import { automationsView } from "./views/automations.js"
import { channelsView } from "./views/channels.js"
import { chatView } from "./views/chat.js"
import { configView } from "./views/config.js"
import { devicesView } from "./views/devices.js"
import { logsView } from "./views/logs.js"
import { overviewView } from "./views/overview.js"
import { sessionsView } from "./views/sessions.js"
import type { View } from "./views/view.js"

const VIEWS: Record<Route, { readonly label: string; readonly view: View }> = {
  overview: { label: "Overview", view: overviewView },
  chat: { label: "Chat", view: chatView },
  sessions: { label: "Sessions", view: sessionsView },
  channels: { label: "Channels", view: channelsView },
  devices: { label: "Devices & nodes", view: devicesView },
  logs: { label: "Logs", view: logsView },
  automations: { label: "Automations", view: automationsView },
  config: { label: "Config", view: configView }
}

/** The page: header, navigation, the connection screen, and the current view (path routing below the base path). */
export const startApp = (root: HTMLElement, basePath: string, gatewayUrl: string, makeClient: (onState: (s: ConnectionState) => void, onEvent: (e: string, p: unknown) => void) => GatewayClient) => {
  const listeners = new Set<(event: string, payload: unknown) => void>()
  const badge = h("span", { class: "badge", role: "status", "aria-live": "polite" }, "connecting")
  const nav = h("nav", { "aria-label": "Views" })
  const panel = h("div", { class: "connection", id: "connection" })
  const viewRoot = h("div", { class: "view", id: "view" })
  const main = h("main", { id: "main", tabindex: -1 }, panel, viewRoot)
  root.replaceChildren(
    h("a", { class: "skip", href: "#main" }, "Skip to content"),
    h("header", {}, h("span", { class: "brand" }, "OpenClaw Control"), badge),
    h("div", { class: "layout" }, nav, main)
  )
  const href = (path: string) => `${basePath}/${path}`
  let cleanup: () => void = () => undefined
  let connected = false
  const current = () => routeOf(location.pathname.startsWith(basePath) ? location.pathname.slice(basePath.length) : location.pathname)
  const mount = () => {
    cleanup()
    cleanup = () => undefined
    const { route, rest } = current()
    for (const link of Array.from(nav.querySelectorAll("a"))) {
      if (link.dataset["route"] === route) link.setAttribute("aria-current", "page")
      else link.removeAttribute("aria-current")
    }
    document.title = `${VIEWS[route].label} · OpenClaw Control`
    viewRoot.replaceChildren()
    if (!connected) return
    const container = h("div", { class: `view-${route}`, "data-view": route })
    viewRoot.append(h("h1", {}, VIEWS[route].label), container)
    cleanup = VIEWS[route].view(container, {
      client,
      rest,
      href,
      session: { remembered: () => rememberedSessionKey(localStorage, gatewayUrl), remember: (key) => rememberSessionKey(localStorage, gatewayUrl, key) },
      navigate,
      onEvent: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      }
    })
  }
  const navigate = (path: string) => {
    history.pushState(null, "", href(path))
    mount()
    main.focus()
  }
  for (const route of ROUTES) {
    nav.append(h("a", { href: href(route), "data-route": route }, VIEWS[route].label))
  }
  // Links inside the page navigate without reloading; modified clicks keep the browser's behaviour.
  root.addEventListener("click", (event) => {
    const link = (event.target as Element | null)?.closest?.("a[data-route]")
    if (!(link instanceof HTMLAnchorElement) || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(link.dataset["route"] ?? "overview")
  })
  window.addEventListener("popstate", mount)
  const client = makeClient(
    (state) => {
      badge.textContent = state.kind === "connected" ? "connected" : state.kind === "failed" ? state.screen.title : state.kind === "connecting" ? "connecting" : "reconnecting"
      badge.dataset["state"] = state.kind
      renderConnection(panel, state, client, gatewayUrl)
      const nowConnected = state.kind === "connected"
      if (nowConnected !== connected || nowConnected) {
        connected = nowConnected
        // A (re)connect reloads the view; a drop keeps it on screen (with the panel above) until then.
        if (connected) mount()
      }
    },
    (event, payload) => {
      for (const listener of listeners) listener(event, payload)
    }
  )
  mount()
  performance.mark("openclaw:first-render")
  window.addEventListener("pagehide", () => client.stop())
  client.start()
  return client
}
