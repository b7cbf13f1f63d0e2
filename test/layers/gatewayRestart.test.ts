import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import * as fs from "node:fs"
import { ActiveWorkLive } from "../../src/layers/gateway/ActiveWorkLive.js"
import { GatewayRestartLive } from "../../src/layers/gateway/GatewayRestartLive.js"
import { ActiveWork } from "../../src/services/ActiveWork.js"
import { GatewayRestart } from "../../src/services/GatewayRestart.js"
import { recordingLog } from "../support/cronTestLayers.js"
import { startGateway, testPolicy } from "../support/gatewayHarness.js"
import { call, connectRaw } from "../support/rawClient.js"

const coordinator = () => {
  const log = recordingLog()
  const work = ActiveWorkLive
  const layer = GatewayRestartLive.pipe(
    Layer.provideMerge(work),
    Layer.provide(log.layer),
    Layer.provide(testPolicy({ restartPoll: "100 millis", restartDrainBudget: "5 minutes" }))
  )
  return { log, layer }
}

const ask = (overrides: Partial<Parameters<GatewayRestart["Type"]["request"]>[0]> = {}) =>
  Effect.flatMap(GatewayRestart, (restart) => restart.request({ reason: "test", skipDeferral: false, waitMs: undefined, ownRequests: 0, ...overrides }))

describe("the gateway's restart coordinator (ActiveWork + GatewayRestart, test clock)", () => {
  it.scoped("with a cron run active: deferred; it waits the run out, then the restart is due (not forced)", () => {
    const { layer, log } = coordinator()
    return Effect.gen(function*() {
      const work = yield* ActiveWork
      const restart = yield* GatewayRestart
      yield* work.begin("cronRuns")
      const first = yield* ask()
      expect(first).toMatchObject({
        ok: true,
        status: "deferred",
        preflight: { safe: false, counts: { activeTasks: 1, totalActive: 1 }, blockers: [{ kind: "task", count: 1, message: "1 running cron job(s)" }] },
        restart: { coalesced: false, drainBudgetMs: 300_000 }
      })
      const due = yield* Effect.fork(restart.due)
      yield* TestClock.adjust("1 minute")
      expect(Option.isNone(yield* Fiber.poll(due))).toBe(true)
      // A second request joins the pending one.
      expect(yield* ask()).toMatchObject({ status: "deferred", restart: { coalesced: true } })
      yield* work.end("cronRuns")
      yield* TestClock.adjust("200 millis")
      expect(yield* Fiber.join(due)).toEqual({ reason: "test", forced: false })
      expect(log.records.map((r) => r.message)).toContain("active work drained; restarting (test)")
    }).pipe(Effect.provide(layer))
  })

  it.scoped("the budget runs out with work still active: the restart is forced; --wait's budget replaces the 5 minutes", () => {
    const { layer } = coordinator()
    return Effect.gen(function*() {
      const work = yield* ActiveWork
      const restart = yield* GatewayRestart
      yield* work.begin("agentRuns")
      expect(yield* ask({ waitMs: 30_000 })).toMatchObject({ status: "deferred", restart: { drainBudgetMs: 30_000 } })
      const due = yield* Effect.fork(restart.due)
      yield* TestClock.adjust("29 seconds")
      expect(Option.isNone(yield* Fiber.poll(due))).toBe(true)
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(due)).toEqual({ reason: "test", forced: true })
    }).pipe(Effect.provide(layer))
  })

  it.scoped("--skip-deferral restarts at once, also cutting a deferred restart short; the request's own RPC is no blocker", () => {
    const { layer } = coordinator()
    return Effect.gen(function*() {
      const work = yield* ActiveWork
      const restart = yield* GatewayRestart
      yield* work.begin("requests")
      // The one request in flight is the caller's own: nothing blocks.
      expect(yield* restart.preflight(1)).toMatchObject({ safe: true, blockers: [], summary: "no active work; restarting now" })
      yield* work.begin("agentRuns")
      expect(yield* ask({ ownRequests: 1 })).toMatchObject({ status: "deferred", preflight: { counts: { queueSize: 0, embeddedRuns: 1 } } })
      expect(yield* ask({ ownRequests: 1, skipDeferral: true })).toMatchObject({ status: "scheduled", restart: { coalesced: true } })
      expect(yield* restart.due).toEqual({ reason: "test", forced: false })
    }).pipe(Effect.provide(layer))
  })
})

describe("gateway.restart.request over the wire (real gateway on loopback)", () => {
  it.live("needs operator.admin; a wrong target is refused; an idle gateway schedules at once", () =>
    Effect.promise(async () => {
      const gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: "tok" } } })
      try {
        const reader = await connectRaw(gw.url, { token: "tok", scopes: ["operator.read"] })
        const denied = await call(reader.client, "gateway.restart.request", { reason: "x" })
        expect(denied).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "missing scope: operator.admin" } })
        reader.client.close()

        const admin = await connectRaw(gw.url, { token: "tok", scopes: ["operator.admin"] })
        const wrong = await call(admin.client, "gateway.restart.request", { target: { pid: process.pid + 1 } })
        expect(wrong).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: `restart target pid ${process.pid + 1} is not this gateway (pid ${process.pid})` } })
        // A config the restart could not start from: refused, the gateway keeps serving.
        const good = fs.readFileSync(gw.configPath)
        fs.writeFileSync(gw.configPath, "{ gateway: { mode: \"local\", port: \"not a port\" } }")
        const broken = await call(admin.client, "gateway.restart.request", {})
        expect(broken).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
        expect(broken.error?.message).toMatch(/^restart refused: the gateway would restart from an invalid config \(.*gateway\.port.*\); fix it first \(openclaw config validate\)$/)
        fs.writeFileSync(gw.configPath, good)
        const preview = await call(admin.client, "gateway.restart.preflight", {})
        expect(preview).toMatchObject({ ok: true, payload: { safe: true, counts: { totalActive: 0 } } })
        // A truthy string is no skipDeferral, and unknown keys are ignored, as the original's handler does.
        const accepted = await call(admin.client, "gateway.restart.request", { reason: "  wire test  ", skipDeferral: "yes", extra: 1 })
        expect(accepted).toMatchObject({
          ok: true,
          payload: { ok: true, status: "scheduled", preflight: { safe: true }, restart: { pid: process.pid, mode: "in-process", coalesced: false } }
        })
        const lines = await gw.logLines()
        expect(lines.some((line) => line.includes("restart scheduled (wire test)"))).toBe(true)
        admin.client.close()
      } finally {
        await gw.stop()
      }
    }), 30_000)
})
