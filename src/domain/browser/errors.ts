import { Schema } from "effect"
import { opt } from "../opt.js"

/**
 * A browser action failed: the spec's message, the HTTP status the original's control route answers
 * with, and for `/act` route failures its `ACT_*` code (spec 5.2).
 */
export class BrowserError extends Schema.TaggedError<BrowserError>()("BrowserError", {
  message: Schema.String,
  status: Schema.Number,
  code: opt(Schema.String),
  /** Stable machine reason (`no_display_for_headed_profile`). */
  reason: opt(Schema.String)
}) {}

export const browserError = (message: string, status = 500, code?: string) =>
  new BrowserError({ message, status, ...(code === undefined ? {} : { code }) })

/** `/act` route failures (spec 5.2). */
export const actError = (code: "ACT_KIND_REQUIRED" | "ACT_INVALID_REQUEST" | "ACT_SELECTOR_UNSUPPORTED" | "ACT_EVALUATE_DISABLED" | "ACT_TARGET_ID_MISMATCH" | "ACT_EXISTING_SESSION_UNSUPPORTED", message: string) =>
  new BrowserError({
    message,
    code,
    status: code === "ACT_EVALUATE_DISABLED" || code === "ACT_TARGET_ID_MISMATCH" ? 403 : code === "ACT_EXISTING_SESSION_UNSUPPORTED" ? 501 : 400
  })

/** The original's hint for an extension profile whose Chrome extension is not set up. */
export const EXTENSION_PAIRING_HINT = "Run `openclaw browser extension install`, load the printed unpacked directory once, and wait for automatic setup."

/** The original's answer (HTTP 409) when an extension (`chrome`) profile has no connected Chrome extension. */
export const extensionNotConnected = (profile: string) =>
  `The OpenClaw Chrome extension is not connected for profile "${profile}". Open Chrome on this machine and check the extension popup shows "Connected". ${EXTENSION_PAIRING_HINT}`
