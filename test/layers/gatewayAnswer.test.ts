import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Schema } from "effect"
import { InvalidRequest } from "../../src/domain/protocol/errors.js"
import type { MethodSpec } from "../../src/domain/protocol/methods.js"
import { type Answer, answer } from "../../src/layers/gateway/dispatch.js"
import { AuthRateLimiter } from "../../src/services/AuthRateLimiter.js"
import type { CallContext, MethodHandler, MethodRegistry, RegisteredMethod } from "../../src/services/MethodRegistry.js"

const caller: CallContext = { connId: "c1", requestId: "r1", role: "operator", scopes: ["operator.read"], deviceId: undefined, authMethod: "token", clientIp: "127.0.0.1", clientId: "cli" }

const spec = (name: string, result: Schema.Schema<any, any>, extra: Partial<MethodSpec> = {}): MethodSpec => ({
  name,
  access: "any",
  params: Schema.Struct({ n: Schema.optional(Schema.Number) }) as unknown as MethodSpec["params"],
  result: result as MethodSpec["result"],
  ...extra
})

/** A registry of the given methods, found in plain code as the socket's request path does. */
const registryOf = (...methods: ReadonlyArray<readonly [MethodSpec, MethodHandler<any, any>]>): MethodRegistry["Type"] => {
  const table = new Map<string, RegisteredMethod>(methods.map(([s, handler]) => [s.name, { spec: s, handler }]))
  return { register: () => Effect.void, find: (name) => table.get(name), names: Effect.succeed([...table.keys()]) }
}

const request = (method: string, params: unknown = {}) => ({ type: "req" as const, id: "r1", method, params })

// A limiter that lets everything through: only control-plane writes ask it.
const openLimiter = Layer.succeed(AuthRateLimiter, { controlPlaneWrite: () => Effect.void } as unknown as AuthRateLimiter["Type"])
const settle = (answered: Answer) => Effect.runPromise(Effect.provide(Effect.isEffect(answered) ? answered : Effect.succeed(answered), openLimiter))

const Counted = Schema.Struct({ n: Schema.Number })

describe("answer: a request answered in plain code when nothing has to wait", () => {
  it("a handler answering with an Exit (a cache hit) is answered at once: a result, not an effect to run in a fiber", () => {
    const registry = registryOf([spec("test.cached", Counted), () => Exit.succeed({ n: 7 })])
    const answered = answer(registry, request("test.cached"), caller)
    expect(Effect.isEffect(answered)).toBe(false)
    expect(answered).toEqual({ ok: true, payload: { n: 7 } })
  })

  it("a handler that has to run is an effect; it settles to the same reply", async () => {
    const registry = registryOf([spec("test.run", Counted), () => Effect.succeed({ n: 8 }).pipe(Effect.delay("1 millis"))])
    const answered = answer(registry, request("test.run"), caller)
    expect(Effect.isEffect(answered)).toBe(true)
    expect(await settle(answered)).toEqual({ ok: true, payload: { n: 8 } })
  })

  it("refusals known before any handler runs are plain: unknown method, bad params, a failed Exit", () => {
    const registry = registryOf([spec("test.fails", Counted), () => Exit.fail(new InvalidRequest({ message: "no such thing" }))])
    // An unknown method is a missing scope to callers without admin, as the original answers.
    expect(answer(registry, request("test.nope"), caller)).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: "missing scope: operator.admin" } })
    expect(answer(registry, request("test.nope"), { ...caller, scopes: ["operator.admin"] })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: "unknown method: test.nope" } })
    expect(answer(registry, request("test.fails", { n: "x" }), caller)).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } })
    expect(answer(registry, request("test.fails"), caller)).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: "no such thing" } })
  })

  it("a handler that throws, or answers what its result schema refuses, is a defect: UNAVAILABLE, never an exception out of the socket", async () => {
    const registry = registryOf(
      [spec("test.throws", Counted), () => {
        throw new Error("boom")
      }],
      [spec("test.badResult", Counted), () => Exit.succeed({ n: "not a number" })]
    )
    for (const method of ["test.throws", "test.badResult"]) {
      const answered = answer(registry, request(method), caller)
      expect(await settle(answered)).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: `internal error in ${method}`, retryable: true }, unauthorizedRole: false })
    }
  })

  it("a control-plane write asks the rate limiter first, so it always runs as an effect", async () => {
    const registry = registryOf([spec("test.write", Counted, { controlPlaneWrite: true }), () => Exit.succeed({ n: 9 })])
    const answered = answer(registry, request("test.write"), caller)
    expect(Effect.isEffect(answered)).toBe(true)
    expect(await settle(answered)).toEqual({ ok: true, payload: { n: 9 } })
  })
})
