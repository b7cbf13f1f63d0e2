import { Clock, Effect, Option, Queue } from "effect"
import type { StreamSchedule } from "../../domain/cron/schedule.js"
import {
  acceptLine,
  addLine,
  afterSourceExit,
  emptyLineSplit,
  flushLines,
  type LineSplitState,
  type OpenBatch,
  splitLines,
  type StreamLine,
  streamSettings
} from "../../domain/cron/stream.js"
import { describeExit, type GroupExit, spawnGroup } from "./processGroup.js"

/** What a supervised stream source reports. */
export interface StreamSourceHooks {
  /** A closed batch (after its quiet window, at its byte cap, or at the process's end). */
  readonly onBatch: (batch: string) => Effect.Effect<void>
  /** The process (re)started, or exited and waits `delayMs` to restart; `shortRuns` in a row so far. */
  readonly onStatus: (status: "running" | "restarting", shortRuns: number, detail?: string) => Effect.Effect<void>
  /** Five short runs in a row: the source stops in its error state. */
  readonly onExhausted: (error: string, shortRuns: number) => Effect.Effect<void>
}

type Event = { readonly _tag: "Output"; readonly stream: "stdout" | "stderr"; readonly chunk: string } | { readonly _tag: "End"; readonly exit: GroupExit }

/** One run of the source process: its output batched until it exits. Answers how it ended. */
const runOnce = (schedule: StreamSchedule, hooks: StreamSourceHooks) =>
  Effect.scoped(Effect.gen(function*() {
    const settings = streamSettings(schedule)
    const events = yield* Queue.unbounded<Event>()
    const proc = yield* spawnGroup({ argv: schedule.command, cwd: schedule.cwd, onOutput: (stream, chunk) => Queue.unsafeOffer(events, { _tag: "Output", stream, chunk }) })
    yield* Effect.forkScoped(Effect.flatMap(proc.exit, (exit) => Queue.offer(events, { _tag: "End", exit })))
    const split: Record<"stdout" | "stderr", LineSplitState> = { stdout: emptyLineSplit, stderr: emptyLineSplit }
    let open: OpenBatch | undefined
    const take = (lines: ReadonlyArray<StreamLine>) =>
      Effect.forEach(lines, (line) => {
        if (!acceptLine(settings, line)) return Effect.void
        const added = addLine(open, line.text, settings.maxBatchBytes)
        open = added.open
        return added.closed === undefined ? Effect.void : hooks.onBatch(added.closed)
      }, { discard: true })
    const close = Effect.suspend(() => {
      const text = open?.text
      open = undefined
      return text === undefined ? Effect.void : hooks.onBatch(text)
    })
    for (;;) {
      // An open batch closes after `batchMs` of quiet.
      const event = open === undefined ? Option.some(yield* Queue.take(events)) : yield* Queue.take(events).pipe(Effect.timeout(settings.batchMs), Effect.option)
      if (Option.isNone(event)) {
        yield* close
        continue
      }
      if (event.value._tag === "End") {
        yield* take([...flushLines(split.stdout), ...flushLines(split.stderr)])
        yield* close
        return event.value.exit
      }
      const { stream, chunk } = event.value
      const next = splitLines(split[stream], chunk)
      split[stream] = next.state
      yield* take(next.lines)
    }
  }))

/**
 * Keeps a stream schedule's command running: batches its stdout and stderr lines, restarts it when it
 * exits (a short run after `backoffMs(n)`), and stops in the error state after five short runs in a row.
 * Runs until interrupted (which tears the process tree down) or exhausted.
 */
export const superviseStream = (schedule: StreamSchedule, hooks: StreamSourceHooks, options: { readonly shortRuns: number; readonly backoffMs?: ((n: number) => number) | undefined }) =>
  Effect.gen(function*() {
    let shortRuns = options.shortRuns
    for (;;) {
      const startedAt = yield* Clock.currentTimeMillis
      yield* hooks.onStatus("running", shortRuns)
      const exit = yield* runOnce(schedule, hooks)
      const runMs = (yield* Clock.currentTimeMillis) - startedAt
      const decision = afterSourceExit(shortRuns, runMs, options.backoffMs)
      shortRuns = decision.shortRuns
      const detail = `stream source ${describeExit(exit)} after ${runMs} ms`
      if (decision._tag === "Exhausted") return yield* hooks.onExhausted(`${detail}; ${decision.shortRuns} short runs in a row, not restarting (re-enable the job to retry)`, decision.shortRuns)
      yield* hooks.onStatus("restarting", shortRuns, detail)
      yield* Effect.sleep(decision.delayMs)
    }
  })
