import { Context, type Effect } from "effect"

export type LogLevelName = "fatal" | "error" | "warn" | "info" | "debug" | "trace"

/** One structured log record (written as one JSON line). */
export interface LogRecord {
  readonly level: LogLevelName
  readonly message: string
  /** Extra fields: subsystem, method, durationMs, errorCode, connId, ... Secrets are redacted on write. */
  readonly fields?: Readonly<Record<string, unknown>>
}

/** A page of the log file for `logs.tail`. */
export interface LogTail {
  readonly file: string
  readonly cursor: number
  readonly size: number
  readonly lines: ReadonlyArray<string>
  readonly truncated?: boolean
  /** The file was rotated or replaced since the caller's cursor: lines start from the new file. */
  readonly reset?: boolean
}

/** The gateway's JSON-lines file log: daily files, size rotation, pruning, redaction, tailing. */
export class GatewayLog extends Context.Tag("openclaw/GatewayLog")<GatewayLog, {
  /** Queues one record; it reaches the file within milliseconds, never blocking the caller on disk I/O. */
  readonly write: (record: LogRecord) => Effect.Effect<void>
  /** `write` as plain code, for the request path (one record per RPC, often with no fiber to run an effect in). */
  readonly unsafeWrite: (record: LogRecord) => void
  /** Waits until every record written so far is in the file. */
  readonly flush: Effect.Effect<void>
  readonly tail: (options: { readonly cursor?: number; readonly limit?: number; readonly maxBytes?: number }) => Effect.Effect<LogTail>
  /** The file written today. */
  readonly currentFile: Effect.Effect<string>
}>() {}
