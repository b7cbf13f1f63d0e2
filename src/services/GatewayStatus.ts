import { Context, type Effect } from "effect"
import type { GatewayStatusReport } from "../domain/status/gatewayStatus.js"

export interface GatewayStatusOptions {
  readonly url?: string | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
  /** The original's `--port`: the local gateway on this port (no remote URL). */
  readonly port?: number | undefined
  readonly timeoutMs: number
  /** `--no-probe` turns this off: service view only. */
  readonly probe: boolean
  /** `--require-rpc`: the probe must also pass the read diagnostics. */
  readonly requireRpc: boolean
  readonly deep: boolean
}

/** Gathers the supervisor, config, process, port, probe and log facts behind `gateway status`. */
export class GatewayStatus extends Context.Tag("openclaw/GatewayStatus")<GatewayStatus, {
  readonly collect: (options: GatewayStatusOptions) => Effect.Effect<GatewayStatusReport>
}>() {}
