import type { GatewayClient } from "../core/gatewayClient.js"
import { append, h, type Child } from "../dom.js"
import { RpcError } from "../core/gatewayClient.js"

/** What a view gets: the client, event subscription, navigation. */
export interface ViewContext {
  readonly client: GatewayClient
  /** Subscribes to gateway events; returns the unsubscribe. */
  readonly onEvent: (listener: (event: string, payload: unknown) => void) => () => void
  readonly navigate: (path: string) => void
  /** The page URL of a route path (below the base path). */
  readonly href: (path: string) => string
  /** What follows the route in the path (e.g. the chat's session key). */
  readonly rest: string
  /** The chat session remembered for this gateway, and remembering another. */
  readonly session: { readonly remembered: () => string | undefined; readonly remember: (key: string) => void }
}

/** A mounted view: renders into `root` (already connected) and returns its cleanup. */
export type View = (root: HTMLElement, ctx: ViewContext) => () => void

/** An RPC failure as a line a user reads, with the path when the gateway named one. */
export const errorText = (error: unknown): string => {
  if (error instanceof RpcError) {
    const code = typeof error.details?.["code"] === "string" ? ` (${error.details["code"]})` : ""
    return `${error.code}${code}: ${error.message}`
  }
  return error instanceof Error ? error.message : String(error)
}

export const errorBox = (error: unknown, retry?: () => void): HTMLElement =>
  h("div", { class: "error", role: "alert" }, h("span", {}, errorText(error)), retry === undefined ? null : h("button", { type: "button", onclick: retry }, "Retry"))

export const section = (title: string, actions: ReadonlyArray<Child>, ...body: Array<Child>) =>
  h("section", { class: "card", "aria-label": title }, h("div", { class: "card-head" }, h("h2", {}, title), h("div", { class: "actions" }, actions)), ...body)

export const button = (label: string, onclick: () => void | Promise<void>, extra: Record<string, string> = {}) =>
  h("button", { type: "button", ...extra, onclick: () => void onclick() }, label)

/** Runs a load, showing "Loading…" then the result or the error with Retry. */
export const loadInto = (target: HTMLElement, load: () => Promise<Child>) => {
  const run = () => {
    target.setAttribute("aria-busy", "true")
    target.replaceChildren(h("p", { class: "muted" }, "Loading…"))
    load().then(
      (content) => {
        target.replaceChildren()
        append(target, [content])
      },
      (error: unknown) => target.replaceChildren(errorBox(error, run))
    ).finally(() => target.removeAttribute("aria-busy"))
  }
  run()
  return run
}
