import { Effect } from "effect"
import { resolveClientTarget } from "../domain/protocol/clientCredentials.js"
import { ConfigStore } from "../services/ConfigStore.js"
import type { ConnectOptions } from "../services/GatewayClient.js"
import { Host } from "../services/Host.js"
import { Paths } from "../services/Paths.js"

const sourceLabel = (source: string, bind: string) =>
  source === "flag" ? "--url" : source === "env" ? "OPENCLAW_GATEWAY_URL" : source === "remote-config" ? "gateway.remote.url" : bind === "loopback" ? "local loopback" : `local ${bind}`

/** Where a command with these options connects, resolved as the client does. An unreadable config resolves as none (the call itself reports it). */
export const resolvedGateway = (options: ConnectOptions) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const host = yield* Host
    const paths = yield* Paths
    const config = (yield* store.load.pipe(Effect.orElseSucceed(() => undefined)))?.config
    const target = resolveClientTarget({ flags: options, env: host.env, config, dev: paths.dev })
    const bind = config?.gateway?.bind ?? "loopback"
    return { url: target.url, source: sourceLabel(target.source, bind), configPath: paths.configPath, bind }
  })

/** The original's `--verbose` block for `health` and `status`, printed before the report. */
export const gatewayConnectionLines = (options: ConnectOptions) =>
  Effect.map(resolvedGateway(options), (gateway) => [
    "Gateway connection:",
    `  Gateway target: ${gateway.url}`,
    `  Source: ${gateway.source}`,
    `  Config: ${gateway.configPath}`,
    `  Bind: ${gateway.bind}`
  ])

const normalUrl = (url: string) => {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`
  } catch {
    return url.trim()
  }
}

/** `--expect-url`: whether the resolved gateway is the one the caller expects (scheme, host, port, path). */
export const sameGatewayUrl = (a: string, b: string) => normalUrl(a) === normalUrl(b)
