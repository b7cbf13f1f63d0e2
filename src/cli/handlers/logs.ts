import { Console, Effect, Either, Schema } from "effect"
import { clampTailOptions } from "../../domain/logFile.js"
import { formatLogLine, parseLogLine } from "../../domain/logs/formatLogLine.js"
import type { GatewayClientError } from "../../domain/protocol/clientErrors.js"
import { LogsTailResult } from "../../domain/protocol/methods.js"
import { type ClientConfigError, type ConnectOptions, GatewayClient, type GatewayConnection } from "../../services/GatewayClient.js"
import { GatewayLog, type LogTail } from "../../services/GatewayLog.js"
import { CliExit } from "../CliExit.js"

export interface LogsOptions {
  readonly follow: boolean
  readonly limit: number
  readonly maxBytes: number
  readonly intervalMs: number
  readonly json: boolean
  readonly utc: boolean
  readonly connect: ConnectOptions
}

// Follow reconnects: up to 8 tries in a row, backing off to at most 30 s.
const MAX_RECONNECTS = 8
const backoffMs = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt)

const decodeTail = Schema.decodeUnknown(LogsTailResult)

/** `logs` output: human lines on stdout, or one JSON object per line (errors on stderr). */
const printer = (options: LogsOptions) => {
  const offsetMinutesOf = (iso: string) => -new Date(iso).getTimezoneOffset()
  const emit = (value: Record<string, unknown>) => Console.log(JSON.stringify(value))
  return {
    meta: (tail: LogTail, sourceKind: "file" | "gateway") =>
      options.json ? emit({ type: "meta", file: tail.file, sourceKind, cursor: tail.cursor, size: tail.size }) : Console.log(`Log file: ${tail.file}`),
    lines: (lines: ReadonlyArray<string>) =>
      Effect.forEach(lines, (raw) => {
        const line = parseLogLine(raw)
        if (options.json) return line.kind === "log" ? emit({ type: "log", ...line.record }) : emit({ type: "raw", line: line.line })
        return Console.log(formatLogLine(line, { utc: options.utc, offsetMinutesOf }))
      }, { discard: true }),
    notice: (message: string) => (options.json ? emit({ type: "notice", message }) : Console.error(message)),
    error: (message: string) => (options.json ? Console.error(JSON.stringify({ type: "error", message })) : Console.error(message))
  }
}

const tailVia = (connection: GatewayConnection, params: { cursor?: number; limit: number; maxBytes: number }, timeoutMs: number | undefined) =>
  connection.request("logs.tail", params, timeoutMs).pipe(Effect.flatMap((payload) => decodeTail(payload).pipe(Effect.orDie)))

const isConfigError = (error: GatewayClientError | ClientConfigError): error is ClientConfigError =>
  error._tag === "ConfigInvalid" || error._tag === "ConfigParseError" || error._tag === "ConfigIoError"

/** Why the file is read directly: the gateway did not answer, or the config naming it is unusable. */
const whyDirect = (error: GatewayClientError | ClientConfigError) =>
  isConfigError(error)
    ? `Config unusable (${error.message}; \`openclaw config validate\` lists the problems): not asking a gateway; reading the log file directly`
    : `Gateway not reachable (${error.message}); reading the log file directly`

/** Follows the log file itself by polling from `cursor` (a byte offset, the same the gateway hands out), until Ctrl-C. */
const followFile = (options: LogsOptions, out: ReturnType<typeof printer>, from: number, maxBytes: number) =>
  Effect.gen(function*() {
    const log = yield* GatewayLog
    let cursor = from
    while (true) {
      yield* Effect.sleep(`${options.intervalMs} millis`)
      const page = yield* log.tail({ cursor, limit: 5000, maxBytes })
      if (page.reset === true) yield* out.notice(`[logs] log file rotated; continuing with ${page.file}`)
      yield* out.lines(page.lines)
      cursor = page.cursor
    }
  })

/** The gateway is down (or the config unusable): the tail read from the file itself, then followed with `--follow`. */
const readFileDirectly = (options: LogsOptions, out: ReturnType<typeof printer>, why: string, limit: number, maxBytes: number) =>
  Effect.gen(function*() {
    const tail = yield* Effect.flatMap(GatewayLog, (log) => log.tail({ limit, maxBytes }))
    yield* out.notice(options.follow ? `${why}; following it (Ctrl-C stops).` : `${why}.`)
    yield* out.meta(tail, "file")
    yield* out.lines(tail.lines)
    if (tail.truncated === true) yield* out.notice("Log tail truncated (increase --limit or --max-bytes).")
    if (options.follow) yield* followFile(options, out, tail.cursor, maxBytes)
  })

/**
 * `openclaw logs`: the last lines through the gateway (cursor kept for `--follow`); when the implicit
 * local gateway does not answer, the file is read directly and the output says so.
 */
export const logs = (options: LogsOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const out = printer(options)
    const { limit, maxBytes } = clampTailOptions({ limit: options.limit, maxBytes: options.maxBytes })
    if (options.connect.url !== undefined && options.connect.token === undefined && options.connect.password === undefined) {
      yield* out.error("gateway url override requires explicit credentials (pass --token or --password with --url)")
      return yield* new CliExit({ code: 1 })
    }

    const first = yield* Effect.scoped(
      Effect.flatMap(client.connect(options.connect), (c) => tailVia(c, { limit, maxBytes }, options.connect.timeoutMs))
    ).pipe(Effect.either)
    if (Either.isLeft(first)) {
      // Only the implicit local gateway has a file we can read ourselves.
      if (options.connect.url !== undefined) return yield* first.left
      return yield* readFileDirectly(options, out, whyDirect(first.left), limit, maxBytes)
    }
    const tail = first.right
    yield* out.meta(tail, "gateway")
    yield* out.lines(tail.lines)
    if (tail.truncated === true) yield* out.notice("Log tail truncated (increase --limit or --max-bytes).")
    if (!options.follow) return

    let cursor = tail.cursor
    let failures = 0
    // One connection per session; a dropped gateway is retried with backoff, the cursor kept.
    while (true) {
      const session = yield* Effect.scoped(Effect.gen(function*() {
        const connection = yield* client.connect(options.connect)
        if (failures > 0) yield* out.notice("[logs] gateway reconnected")
        failures = 0
        while (true) {
          const page = yield* tailVia(connection, { cursor, limit: 5000, maxBytes }, options.connect.timeoutMs)
          if (page.reset === true) yield* out.notice(`[logs] log file rotated; continuing with ${page.file}`)
          yield* out.lines(page.lines)
          cursor = page.cursor
          yield* Effect.sleep(`${options.intervalMs} millis`)
        }
      })).pipe(Effect.flip)
      const error: GatewayClientError | ClientConfigError = session
      // A config made invalid while following: reconnecting cannot help until it is fixed, the file can.
      if (isConfigError(error) && options.connect.url === undefined) {
        yield* out.notice(`[logs] ${whyDirect(error)}; following it (Ctrl-C stops).`)
        return yield* followFile(options, out, cursor, maxBytes)
      }
      failures += 1
      if (failures > MAX_RECONNECTS) return yield* error
      yield* out.notice(`[logs] gateway connection lost (${error.message}); reconnecting in ${Math.round(backoffMs(failures - 1) / 1000)}s`)
      yield* Effect.sleep(`${backoffMs(failures - 1)} millis`)
    }
  })
