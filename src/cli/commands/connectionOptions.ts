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

