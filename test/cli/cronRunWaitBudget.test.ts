import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, TestClock } from "effect"
import { RunWaitTimedOut, waitForRun } from "../../src/cli/handlers/cronRunWait.js"
import { GatewayConnectFailed, GatewayTimeout } from "../../src/domain/protocol/clientErrors.js"
import { GatewayClient } from "../../src/services/GatewayClient.js"

/** A client whose every poll uses up the time it is given, then fails as `failure` says. */
const slowClient = (failure: (timeoutMs: number) => GatewayConnectFailed | GatewayTimeout) =>
  Layer.succeed(GatewayClient, {
    call: (_spec: unknown, _params: unknown, options: { readonly timeoutMs?: number }) =>
      Effect.zipRight(Effect.sleep(options.timeoutMs ?? 0), Effect.fail(failure(options.timeoutMs ?? 0)))
  } as unknown as GatewayClient["Type"])

const wait = (failure: (timeoutMs: number) => GatewayConnectFailed | GatewayTimeout) =>
  Effect.gen(function*() {
    const waiting = yield* Effect.fork(Effect.either(waitForRun({ jobId: "j1", runId: "manual:1", timeoutMs: 400, pollIntervalMs: 100, options: { timeoutMs: 10_000 } })))
    yield* TestClock.adjust(1_000)
    return yield* waiting
  }).pipe(Effect.provide(slowClient(failure)))

const url = "ws://127.0.0.1:1"

describe("cron run --wait: the wait's own budget running out", () => {
  it.effect("a poll whose reply is cut short by what is left of the wait is the wait timing out", () =>
    Effect.gen(function*() {
      const result = yield* wait(() => new GatewayTimeout({ message: "timed out", url }))
      expect(Either.isLeft(result) && result.left).toEqual(RunWaitTimedOut.of("manual:1"))
    }))

  it.effect("so is a poll whose connect handshake is cut short (a busy machine), not a gateway that cannot be reached", () =>
    Effect.gen(function*() {
      const result = yield* wait(() => new GatewayConnectFailed({ message: "gateway connect failed: Opening handshake has timed out", url }))
      expect(Either.isLeft(result) && result.left).toEqual(RunWaitTimedOut.of("manual:1"))
    }))

  it.effect("a gateway that closed the socket is reported as such, whenever it happens", () =>
    Effect.gen(function*() {
      const result = yield* wait(() => new GatewayConnectFailed({ message: "closed", url, close: { code: 1008, reason: "unauthorized" } }))
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "GatewayConnectFailed", close: { code: 1008 } })
    }))
})
