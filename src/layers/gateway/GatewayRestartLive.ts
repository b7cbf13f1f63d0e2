import { Deferred, Duration, Effect, Layer, Ref, Schedule } from "effect"
import { type ActiveWorkCounts, restartPreflight, totalActive } from "../../domain/gateway/restartPreflight.js"
import type { RestartRequestResult } from "../../domain/protocol/restartMethods.js"
import { ActiveWork } from "../../services/ActiveWork.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"
import { GatewayRestart, type RestartDue } from "../../services/GatewayRestart.js"

interface Pending {
  readonly status: "scheduled" | "deferred"
  readonly budgetMs: number | null
}

/**
 * One coalesced restart per gateway run: a request with no active work (or `skipDeferral`) makes the
 * restart due at once; otherwise a fiber of the gateway's scope waits for the work to drain, up to the
 * budget, then forces it.
 */
export const GatewayRestartLive = Layer.scoped(
  GatewayRestart,
  Effect.gen(function*() {
    const work = yield* ActiveWork
    const log = yield* GatewayLog
    const policy = yield* GatewayPolicy
    const scope = yield* Effect.scope
    const due = yield* Deferred.make<RestartDue>()
    const pending = yield* Ref.make<Pending | undefined>(undefined)

    const countsExcluding = (ownRequests: number) =>
      Effect.map(work.counts, (c): ActiveWorkCounts => ({ ...c, requests: Math.max(0, c.requests - ownRequests) }))
    const note = (message: string) => log.write({ level: "info", message, fields: { subsystem: "gateway/restart" } })
    const fire = (reason: string, forced: boolean) => Deferred.succeed(due, { reason, forced })

    const info = (coalesced: boolean, budgetMs: number | null): RestartRequestResult["restart"] => ({
      ok: true,
      pid: process.pid,
      delayMs: 0,
      mode: "in-process",
      coalesced,
      cooldownMsApplied: 0,
      drainBudgetMs: budgetMs
    })

    const waitForDrain = (reason: string, budgetMs: number | null) => {
      const drained = work.counts.pipe(Effect.repeat({ schedule: Schedule.spaced(policy.restartPoll), until: (c) => totalActive(c) === 0 }))
      const bounded = budgetMs === null
        ? Effect.as(drained, false)
        : drained.pipe(Effect.timeoutTo({ duration: Duration.millis(budgetMs), onSuccess: () => false, onTimeout: () => true }))
      return Effect.gen(function*() {
        const forced = yield* bounded
        if (forced) yield* log.write({ level: "warn", message: `restart drain budget of ${budgetMs}ms spent with work still active; restarting anyway (${reason})`, fields: { subsystem: "gateway/restart" } })
        else yield* note(`active work drained; restarting (${reason})`)
        yield* fire(reason, forced)
      })
    }

    return {
      preflight: (ownRequests) => Effect.map(countsExcluding(ownRequests), restartPreflight),
      request: (request) =>
        Effect.gen(function*() {
          const preflight = restartPreflight(yield* countsExcluding(request.ownRequests))
          const budgetMs = request.waitMs === undefined ? Duration.toMillis(policy.restartDrainBudget) : request.waitMs === 0 ? null : request.waitMs
          const current = yield* Ref.get(pending)
          if (current !== undefined) {
            // A later --skip-deferral cuts a deferred restart short; anything else joins the one already coming.
            if (request.skipDeferral && current.status === "deferred") {
              yield* Ref.set(pending, { budgetMs: current.budgetMs, status: "scheduled" } satisfies Pending)
              yield* note(`deferred restart made immediate (${request.reason})`)
              yield* fire(request.reason, false)
              return { ok: true, status: "scheduled", preflight, restart: info(true, current.budgetMs) } satisfies RestartRequestResult
            }
            return { ok: true, status: current.status, preflight, restart: info(true, current.budgetMs) } satisfies RestartRequestResult
          }
          if (request.skipDeferral || preflight.safe) {
            yield* Ref.set(pending, { status: "scheduled", budgetMs } satisfies Pending)
            yield* note(`restart scheduled (${request.reason})${preflight.safe ? "" : `: skipping deferral; ${preflight.summary}`}`)
            yield* fire(request.reason, false)
            return { ok: true, status: "scheduled", preflight, restart: info(false, budgetMs) } satisfies RestartRequestResult
          }
          yield* Ref.set(pending, { status: "deferred", budgetMs } satisfies Pending)
          yield* note(`${preflight.summary} (${request.reason}; budget ${budgetMs === null ? "unlimited" : `${budgetMs}ms`})`)
          yield* Effect.forkIn(waitForDrain(request.reason, budgetMs), scope)
          return { ok: true, status: "deferred", preflight, restart: info(false, budgetMs) } satisfies RestartRequestResult
        }),
      due: Deferred.await(due)
    }
  })
)
