import { Console, Effect } from "effect"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { cliFailure, viaGateway } from "./cron.js"

const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

/** `system heartbeat last`: the raw event as JSON (or `null`), with or without `--json`, as the original. */
export const heartbeatLast = (options: ConnectOptions) =>
  Effect.flatMap(GatewayClient, (client) => viaGateway(client.call(CronMethods.lastHeartbeat, {}, options))).pipe(Effect.flatMap(printJson))

/** `system heartbeat enable|disable`: `set-heartbeats`. */
export const setHeartbeats = (enabled: boolean, options: ConnectOptions) =>
  Effect.flatMap(GatewayClient, (client) => viaGateway(client.call(CronMethods.setHeartbeats, { enabled }, options))).pipe(Effect.flatMap(printJson))

/**
 * `system event --text <t> [--mode now|next-heartbeat] [--session-key <k>]`: queues a `System:` line for
 * the main session (or that session, which is then woken at once), maybe waking the heartbeat now.
 */
export const systemEvent = (text: string, mode: string, options: ConnectOptions, sessionKey?: string) =>
  Effect.gen(function*() {
    if (text.trim() === "") return yield* cliFailure("--text is required")
    if (mode !== "now" && mode !== "next-heartbeat") return yield* cliFailure(`Invalid --mode "${mode}": use now or next-heartbeat`)
    if (sessionKey !== undefined && sessionKey.trim() === "") return yield* cliFailure("--session-key must not be blank")
    const client = yield* GatewayClient
    yield* printJson(yield* viaGateway(client.call(CronMethods.wake, { text, mode, ...(sessionKey === undefined ? {} : { sessionKey: sessionKey.trim() }) }, options)))
  })
