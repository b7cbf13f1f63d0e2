import { Options } from "@effect/cli"
import { Option } from "effect"
import type { ConnectOptions } from "../../services/GatewayClient.js"

/** `--url --token --password --timeout`, shared by every command that talks to the gateway. */
export const connectionOptions = {
  url: Options.text("url").pipe(Options.optional, Options.withDescription("Gateway WebSocket URL (an explicit URL uses only the credentials given here)")),
  token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token")),
  password: Options.text("password").pipe(Options.optional, Options.withDescription("Gateway password")),
  timeout: Options.integer("timeout").pipe(Options.withDefault(10_000), Options.withDescription("Timeout in milliseconds"))
}

export const toConnectOptions = (o: {
  readonly url: Option.Option<string>
  readonly token: Option.Option<string>
  readonly password: Option.Option<string>
  readonly timeout: number
}): ConnectOptions => ({
  url: Option.getOrUndefined(o.url),
  token: Option.getOrUndefined(o.token),
  password: Option.getOrUndefined(o.password),
  timeoutMs: o.timeout
})


/**
 * The original's gateway-client options of the `cron` and `system` commands: the connection, `--port`
 * (a local gateway on another port) and `--expect-final` (accepted; these methods answer at once).
 */
export const gatewayClientOptions = {
  ...connectionOptions,
  port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local Gateway port")),
  expectFinal: Options.boolean("expect-final").pipe(Options.withDescription("Wait for final response (agent); these methods answer at once"))
}

export const toGatewayClientOptions = (o: Parameters<typeof toConnectOptions>[0] & { readonly port: Option.Option<number> }): ConnectOptions => ({
  ...toConnectOptions(o),
  port: Option.getOrUndefined(o.port)
})
