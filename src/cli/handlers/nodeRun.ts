import { Effect } from "effect"
import { isLoopbackAddress } from "../../domain/net/ip.js"
import { runNodeHost } from "../../layers/nodes/host/nodeHost.js"
import { Host } from "../../services/Host.js"

const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000

/**
 * `openclaw node run [--host --port]`: the headless node host in the foreground until Ctrl-C. A loopback
 * (or absent) host is the local gateway with this config's credentials; another host is a URL, with
 * `--token` or `OPENCLAW_GATEWAY_TOKEN`.
 */
export const nodeRun = (args: {
  readonly host: string | undefined
  readonly port: number | undefined
  readonly tls: boolean
  readonly token: string | undefined
  readonly displayName: string | undefined
}) =>
  Effect.gen(function*() {
    const env = (yield* Host).env
    const timeout = Number(env["OPENCLAW_NODE_APPROVAL_TIMEOUT_MS"] ?? "")
    const approvalTimeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_APPROVAL_TIMEOUT_MS
    const local = args.host === undefined || args.host === "localhost" || isLoopbackAddress(args.host)
    const connect = local && !args.tls
      ? { port: args.port, token: args.token, timeoutMs: 15_000 }
      : { url: `${args.tls ? "wss" : "ws"}://${args.host ?? "127.0.0.1"}:${args.port ?? 18789}`, token: args.token ?? env["OPENCLAW_GATEWAY_TOKEN"], timeoutMs: 15_000 }
    return yield* runNodeHost({ connect, displayName: args.displayName, approvalTimeoutMs })
  })
