import { Clock, Data, Effect, Either } from "effect"
import { isTerminal } from "../../domain/cron/runWait.js"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"

/** `cron run --wait` gave up: the run had not finished within `--wait-timeout`. */
export class RunWaitTimedOut extends Data.TaggedError("RunWaitTimedOut")<{ readonly runId: string; readonly message: string }> {
  static of = (runId: string) => new RunWaitTimedOut({ runId, message: `timed out waiting for cron run ${runId}` })
}

/** A call that ran out of time: its reply, or on a busy machine its connect handshake (not a socket the gateway closed). */
const outOfTime = (error: { readonly _tag: string; readonly close?: unknown }) =>
  error._tag === "GatewayTimeout" || (error._tag === "GatewayConnectFailed" && error.close === undefined)

/**
 * Polls `cron.runs` for exactly this run until its history row is final, at least once and for at most
 * `timeoutMs`; each poll's own timeout is capped by what is left of the wait.
 */
export const waitForRun = (input: {
  readonly jobId: string
  readonly runId: string
  readonly timeoutMs: number
  readonly pollIntervalMs: number
  readonly options: ConnectOptions
}) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const startedAt = yield* Clock.currentTimeMillis
    const elapsed = Effect.map(Clock.currentTimeMillis, (now) => now - startedAt)
    for (let polled = false;; polled = true) {
      const before = yield* elapsed
      if (polled && before >= input.timeoutMs) return yield* Effect.fail(RunWaitTimedOut.of(input.runId))
      const remaining = Math.max(1, input.timeoutMs - before)
      const timeoutMs = Math.min(input.options.timeoutMs ?? remaining, remaining)
      const polledPage = yield* Effect.either(client.call(CronMethods.runs, { id: input.jobId, runId: input.runId, limit: 1 }, { ...input.options, timeoutMs }))
      // A poll cut short by what was left of the wait is the wait running out, not the gateway failing.
      if (Either.isLeft(polledPage) && outOfTime(polledPage.left) && timeoutMs === remaining && (yield* elapsed) >= input.timeoutMs) {
        return yield* Effect.fail(RunWaitTimedOut.of(input.runId))
      }
      const page = yield* polledPage
      const entry = page.entries[0] as Record<string, unknown> | undefined
      if (entry !== undefined && isTerminal(entry)) return entry
      const after = yield* elapsed
      if (after >= input.timeoutMs) return yield* Effect.fail(RunWaitTimedOut.of(input.runId))
      yield* Effect.sleep(Math.min(input.pollIntervalMs, input.timeoutMs - after))
    }
  })
