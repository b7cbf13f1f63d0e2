import { Context, type Effect } from "effect"
import type { BrowserError } from "../domain/browser/errors.js"

/** One request to the browser control service, shaped like the original's control routes (`GET /`, `POST /act`). */
export interface BrowserRequest {
  readonly method: "GET" | "POST" | "DELETE"
  readonly path: string
  readonly query?: Readonly<Record<string, unknown>> | undefined
  readonly body?: unknown
  readonly timeoutMs?: number | undefined
}

/**
 * The browser control service behind `browser.request`, the `openclaw browser` CLI and the agent's
 * `browser` tool: profiles, the Chromium processes it launched, tabs, snapshots and actions.
 */
export class BrowserControl extends Context.Tag("openclaw/BrowserControl")<BrowserControl, {
  readonly request: (request: BrowserRequest) => Effect.Effect<unknown, BrowserError>
}>() {}
