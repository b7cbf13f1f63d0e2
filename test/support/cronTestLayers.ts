import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Clock, Effect, Layer, Option, Ref } from "effect"
import type { CronJob } from "../../src/domain/cron/job.js"
import { appendPayloadText } from "../../src/domain/cron/script.js"
import { EventBusLive } from "../../src/layers/EventBusLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { ChannelDelivery, DeliveryFailed, type DeliveryTarget } from "../../src/services/ChannelDelivery.js"
import { CronExecutor, type ExecutionOutcome } from "../../src/services/CronExecutor.js"
import { GatewayLog, type LogRecord } from "../../src/services/GatewayLog.js"

/** A GatewayLog that keeps its records in memory for assertions. */
export const recordingLog = () => {
  const records: Array<LogRecord> = []
  const layer = Layer.succeed(GatewayLog, {
    write: (record) => Effect.sync(() => void records.push(record)),
    unsafeWrite: (record) => void records.push(record),
    flush: Effect.void,
    tail: () => Effect.succeed({ file: "", cursor: 0, size: 0, lines: [] }),
    currentFile: Effect.succeed("")
  })
  return { records, layer }
}

/** One call of the scripted executor: which job, at what (test clock) time. */
export interface Execution {
  readonly jobId: string
  readonly name: string
  readonly runId: string
  readonly atMs: number
  /** The payload as it ran (an event source's text appended). */
  readonly payload: CronJob["payload"]
  /** A stream batch handed to the executor, and whether the run evaluates the job's trigger. */
  readonly streamBatch?: string
  readonly evaluateTrigger?: boolean
}

/**
 * A CronExecutor whose outcome per run comes from `script` (default ok), optionally taking `durationMs`
 * of clock time; it records every execution and every alert.
 */
export const scriptedExecutor = (script: (job: CronJob, n: number) => ExecutionOutcome & { readonly durationMs?: number } = () => ({ status: "ok", deliveryStatus: "not-requested" })) => {
  const executions: Array<Execution> = []
  const alerts: Array<string> = []
  const layer = Layer.succeed(CronExecutor, {
    execute: (job, runId, options) =>
      Effect.gen(function*() {
        const atMs = yield* Clock.currentTimeMillis
        // A stream batch reaches the payload as the real executor appends it.
        const payload = options?.streamBatch === undefined ? job.payload : appendPayloadText(job.payload, options.streamBatch)
        executions.push({ jobId: job.id, name: job.name, runId, atMs, payload, ...(options?.streamBatch === undefined ? {} : { streamBatch: options.streamBatch }), ...(options?.evaluateTrigger === true ? { evaluateTrigger: true } : {}) })
        const { durationMs, ...outcome } = script(job, executions.length)
        if (durationMs !== undefined) yield* Effect.sleep(durationMs)
        return outcome
      }),
    alert: (job) => Effect.sync(() => void alerts.push(job.name)).pipe(Effect.as({ status: "delivered" as const }))
  })
  return { executions, alerts, layer }
}

/** The foundation a scheduler needs besides its executor: real files, the bus, a recording log. */
export const cronBase = (fileSystem: Layer.Layer<FileSystem.FileSystem> = NodeFileSystem.layer) => {
  const log = recordingLog()
  const layer = Layer.mergeAll(StateFilesLive.pipe(Layer.provide(fileSystem)), EventBusLive, log.layer)
  return { log, layer }
}

/**
 * A ChannelDelivery over in-memory channels: their accounts, the last inbound route of sessions, and
 * every send recorded (an unknown channel or account fails as the channel layer would).
 */
export const recordingDelivery = (channels: Readonly<Record<string, ReadonlyArray<string>>>, lastRoutes: Readonly<Record<string, DeliveryTarget>> = {}) => {
  const sent: Array<{ readonly target: DeliveryTarget; readonly text: string }> = []
  const failNext = Ref.unsafeMake<string | undefined>(undefined)
  const layer = Layer.succeed(ChannelDelivery, {
    send: (target, text) =>
      Effect.gen(function*() {
        const accounts = channels[target.channel]
        if (accounts === undefined) return yield* new DeliveryFailed({ code: "CHANNEL_UNKNOWN", message: `unknown channel: ${target.channel}` })
        if (target.accountId !== undefined && !accounts.includes(target.accountId)) return yield* new DeliveryFailed({ code: "ACCOUNT_UNKNOWN", message: `unknown account: ${target.accountId}` })
        const failure = yield* Ref.getAndSet(failNext, undefined)
        if (failure !== undefined) return yield* new DeliveryFailed({ code: "SEND_FAILED", message: failure })
        sent.push({ target, text })
        return { messageIds: [String(sent.length)] }
      }),
    accountIds: (channel) => Effect.succeed(channels[channel] ?? []),
    lastRoute: (sessionKey) => Effect.succeed(Option.fromNullable(lastRoutes[sessionKey]))
  })
  return { sent, layer, failNext: (message: string) => Ref.set(failNext, message) }
}
