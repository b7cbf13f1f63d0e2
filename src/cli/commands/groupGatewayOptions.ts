import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"

/**
 * The gateway options a command group takes before its subcommand (`openclaw cron --url <u> list`), as
 * the original's `cron`/`automations`. No defaults: only what the user typed overrides the subcommand.
 */
export const groupGatewayOptions = {
  url: Options.text("url").pipe(Options.optional, Options.withDescription("Gateway WebSocket URL for every subcommand (an explicit URL uses only the credentials given here)")),
  token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token for every subcommand")),
  password: Options.text("password").pipe(Options.optional, Options.withDescription("Gateway password for every subcommand")),
  port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local Gateway port for every subcommand")),
  timeout: Options.integer("timeout").pipe(Options.optional, Options.withDescription("Timeout in milliseconds for every subcommand")),
  expectFinal: Options.boolean("expect-final").pipe(Options.withDescription("Wait for final response (agent); these methods answer at once"))
}

type GroupValues = {
  readonly url: Option.Option<string>
  readonly token: Option.Option<string>
  readonly password: Option.Option<string>
  readonly port: Option.Option<number>
  readonly timeout: Option.Option<number>
}

/** The subcommand's connection with the group's given options laid over it (the original: the group's win). */
export const withGroupOptions = (own: ConnectOptions, group: GroupValues): ConnectOptions => {
  const given = {
    ...Option.match(group.url, { onNone: () => ({}), onSome: (url) => ({ url }) }),
    ...Option.match(group.token, { onNone: () => ({}), onSome: (token) => ({ token }) }),
    ...Option.match(group.password, { onNone: () => ({}), onSome: (password) => ({ password }) }),
    ...Option.match(group.port, { onNone: () => ({}), onSome: (port) => ({ port }) }),
    ...Option.match(group.timeout, { onNone: () => ({}), onSome: (timeoutMs) => ({ timeoutMs }) })
  }
  // A group `--url` is a new target: the subcommand's own `--port` no longer applies.
  return { ...own, ...(group.url._tag === "Some" ? { port: undefined } : {}), ...given }
}

/**
 * Makes a group's own gateway options reach every subcommand: the subcommands' gateway calls (through
 * `GatewayClient`) connect with them laid over their own.
 */
export const applyGroupGatewayOptions = <Name extends string, R, E, A extends GroupValues>(command: Command.Command<Name, R, E, A>) =>
  Command.transformHandler(command, (effect, config: A) =>
    Effect.updateService(effect, GatewayClient, (client) =>
      GatewayClient.of({
        connect: (options) => client.connect(withGroupOptions(options, config)),
        call: (spec, params, options) => client.call(spec, params, withGroupOptions(options, config)),
        callRaw: (method, params, options) => client.callRaw(method, params, withGroupOptions(options, config))
      })))
