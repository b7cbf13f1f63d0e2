import type { EditOp } from "../config/edits.js"
import { isRecord } from "../isRecord.js"
import { valueAt } from "../valueAt.js"

/** The gateway flags `setup` and `onboard` take (the original's names). */
export interface SetupFlags {
  readonly port?: number | undefined
  readonly bind?: "loopback" | "lan" | "tailnet" | "auto" | "custom" | undefined
  readonly auth?: "token" | "password" | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
}

/** What setup writes: the edits, the paths they set (for the report), whether it made a new token. */
export interface SetupPlan {
  readonly ops: ReadonlyArray<EditOp>
  readonly paths: ReadonlyArray<string>
  readonly generatedToken: boolean
}

const hasSecret = (value: unknown) => (typeof value === "string" && value.trim() !== "") || isRecord(value)

/**
 * The baseline a local gateway needs, keeping what the config already has: `gateway.mode: "local"`,
 * the flags given, and a shared secret (the given token or password, the configured one, else
 * `newToken`). Never touches anything else.
 */
export const planSetup = (authored: unknown, flags: SetupFlags, newToken: string): SetupPlan => {
  const edits: Array<[ReadonlyArray<string>, unknown]> = []
  const set = (path: ReadonlyArray<string>, value: unknown) => {
    if (valueAt(authored, ...path) !== value) edits.push([path, value])
  }
  set(["gateway", "mode"], "local")
  if (flags.port !== undefined) set(["gateway", "port"], flags.port)
  if (flags.bind !== undefined) set(["gateway", "bind"], flags.bind)
  const mode = flags.auth ?? (flags.password !== undefined ? "password" : flags.token !== undefined ? "token" : valueAt(authored, "gateway", "auth", "mode"))
  let generatedToken = false
  if (mode === "password") {
    set(["gateway", "auth", "mode"], "password")
    if (flags.password !== undefined) set(["gateway", "auth", "password"], flags.password)
  } else if (mode === "none" || mode === "trusted-proxy") {
    // An explicit choice of the user's: left as it is.
  } else {
    if (flags.auth !== undefined || valueAt(authored, "gateway", "auth", "mode") === undefined) set(["gateway", "auth", "mode"], "token")
    if (flags.token !== undefined) set(["gateway", "auth", "token"], flags.token)
    else if (!hasSecret(valueAt(authored, "gateway", "auth", "token"))) {
      set(["gateway", "auth", "token"], newToken)
      generatedToken = true
    }
  }
  return {
    ops: edits.map(([path, value]) => ({ _tag: "Set", path, value, mode: "plain" })),
    paths: edits.map(([path]) => path.join(".")),
    generatedToken
  }
}
