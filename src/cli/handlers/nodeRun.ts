import { Console, Effect } from "effect"
import { CliExit } from "../CliExit.js"
import { isLoopbackAddress } from "../../domain/net/ip.js"
import { NODE_HOST_COMMANDS, runNodeHost } from "../../layers/nodes/host/nodeHost.js"
import { Host } from "../../services/Host.js"

const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000

/**
 * `openclaw node run [--host --port]`: the headless node host in the foreground until Ctrl-C. A loopback
 * (or absent) host is the local gateway with this config's credentials; another host is a URL, with
 * `--token` or `OPENCLAW_GATEWAY_TOKEN` (as is a `--context-path` behind a reverse proxy).
 */
export const nodeRun = (args: {
  readonly host: string | undefined
  readonly port: number | undefined
  readonly tls: boolean
  readonly token: string | undefined
  readonly displayName: string | undefined
  /** A reverse proxy's path in front of the gateway's WebSocket (`--context-path /openclaw-gw`). */
  readonly contextPath?: string | undefined
  /** `--commands`: advertise only these of the host's commands (undefined: all of them). */
  readonly commands?: ReadonlyArray<string> | undefined
}) =>
  Effect.gen(function*() {
    const env = (yield* Host).env
    const timeout = Number(env["OPENCLAW_NODE_APPROVAL_TIMEOUT_MS"] ?? "")
    const approvalTimeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_APPROVAL_TIMEOUT_MS
    const local = args.host === undefined || args.host === "localhost" || isLoopbackAddress(args.host)
    const contextPath = args.contextPath === undefined || args.contextPath.trim() === "" ? "" : `/${args.contextPath.trim().replace(/^\/+/, "")}`
    const connect = local && !args.tls && contextPath === ""
      ? { port: args.port, token: args.token, timeoutMs: 15_000 }
      : { url: `${args.tls ? "wss" : "ws"}://${args.host ?? "127.0.0.1"}:${args.port ?? 18789}${contextPath}`, token: args.token ?? env["OPENCLAW_GATEWAY_TOKEN"], timeoutMs: 15_000 }
    const unknown = (args.commands ?? []).filter((command) => !(NODE_HOST_COMMANDS as ReadonlyArray<string>).includes(command))
    if (unknown.length > 0) {
      yield* Console.error(`openclaw node run: --commands names ${unknown.join(", ")}, which this node host does not serve (it serves ${NODE_HOST_COMMANDS.join(", ")})`)
      return yield* new CliExit({ code: 1 })
    }
    return yield* runNodeHost({ connect, displayName: args.displayName, approvalTimeoutMs, commands: args.commands })
  })
