import { Context, type Effect } from "effect"
import type { ProbeReport } from "../domain/probe/report.js"

/** What to probe and how long to wait. */
export interface ProbeOptions {
  readonly url?: string | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
  /** Loopback port (and SSH remote port); without `url`, only loopback is probed. */
  readonly port?: number | undefined
  /** `user@host[:port]`: probe the remote gateway through a local SSH port-forward. */
  readonly ssh?: string | undefined
  /** `--ssh-identity <path>`: the key file ssh uses for the tunnel. */
  readonly sshIdentity?: string | undefined
  /** `--ssh-auto`: derive the SSH target from Bonjour discovery (which this version does not run). */
  readonly sshAuto?: boolean | undefined
  readonly timeoutMs: number
  /** Only the default target (no remote, no explicit fan-out): the fast path of `status`. */
  readonly primaryOnly?: boolean | undefined
}

/**
 * `gateway probe`: connects to every candidate gateway route with the credentials of that route,
 * runs the read diagnostics, and reports reachability and capability. It never creates a device
 * identity or a pairing request.
 */
export class GatewayProbe extends Context.Tag("openclaw/GatewayProbe")<GatewayProbe, {
  readonly run: (options: ProbeOptions) => Effect.Effect<ProbeReport>
}>() {}
