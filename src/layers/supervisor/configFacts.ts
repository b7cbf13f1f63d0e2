import { Effect } from "effect"
import { resolveGatewayPort } from "../../domain/Paths.js"
import type { ResolvedPaths } from "../../domain/Paths.js"
import type { HostFacts } from "../../domain/Paths.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import { isRecord } from "../../domain/isRecord.js"
import { valueAt } from "../../domain/valueAt.js"

/** What the service actions need from the current config. */
export interface ConfigFacts {
  /** `meta.lastTouchedVersion` (read from the file even when the config is invalid). */
  readonly touchedVersion: string | undefined
  /** The port the current CLI resolves: `OPENCLAW_GATEWAY_PORT` > `gateway.port` > 19001 with --dev > 18789. */
  readonly port: number
  /** `gateway.auth.token` when it is a plain string. */
  readonly token: string | undefined
  /** Both a token and a password are configured but `gateway.auth.mode` is not: install must not guess. */
  readonly ambiguousAuth: boolean
  /** Why the config could not be read at all (the file exists but is unreadable). */
  readonly readError: string | undefined
}

const validPort = (value: unknown) => (typeof value === "number" && Number.isInteger(value) && value > 0 && value < 65536 ? value : undefined)

/**
 * Reads the config without judging it: a missing, broken or invalid file still yields facts (the
 * authored values where they make sense), so status works and the version guard still sees the stamp.
 */
export const readConfigFacts = (store: ConfigStore["Type"], host: HostFacts, paths: ResolvedPaths): Effect.Effect<ConfigFacts> =>
  Effect.map(Effect.either(store.read), (read) => {
    const snapshot = read._tag === "Right" ? read.right : undefined
    const source: unknown = snapshot?.config ?? snapshot?.authored
    const touched = valueAt(snapshot?.authored, "meta", "lastTouchedVersion")
    const auth = valueAt(source, "gateway", "auth")
    const token = valueAt(auth, "token")
    const password = valueAt(auth, "password")
    const present = (value: unknown) => (typeof value === "string" && value.trim() !== "") || isRecord(value)
    return {
      touchedVersion: typeof touched === "string" ? touched : undefined,
      port: resolveGatewayPort({ env: host.env, configPort: validPort(valueAt(source, "gateway", "port")), dev: paths.dev }).port,
      token: typeof token === "string" && token.trim() !== "" ? token : undefined,
      ambiguousAuth: present(token) && present(password) && valueAt(auth, "mode") === undefined,
      readError: read._tag === "Left" ? read.left.message : undefined
    }
  })
