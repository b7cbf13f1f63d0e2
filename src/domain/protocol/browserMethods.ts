import { Schema } from "effect"
import { opt } from "../opt.js"
import type { MethodSpec } from "./methods.js"

/**
 * `browser.request` params, as the original CLI sends them: one control route (`GET /`, `POST /act`)
 * with its query and body; `timeoutMs` bounds the call.
 */
export const BrowserRequestParams = Schema.Struct({
  method: Schema.Literal("GET", "POST", "DELETE"),
  path: Schema.String.pipe(Schema.startsWith("/")),
  query: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  body: opt(Schema.Unknown),
  timeoutMs: opt(Schema.Int.pipe(Schema.positive()))
})
export type BrowserRequestParams = typeof BrowserRequestParams.Type

/**
 * The browser plugin's gateway method. Admin only: it drives a browser on the gateway host (evaluate,
 * uploads of host files), as node `browser.proxy*` commands need admin.
 */
export const BrowserMethods = {
  request: {
    name: "browser.request",
    access: "operator.admin",
    params: BrowserRequestParams as Schema.Schema<BrowserRequestParams, unknown>,
    result: Schema.Unknown as Schema.Schema<unknown, unknown>
  } satisfies MethodSpec<BrowserRequestParams, unknown>
}
