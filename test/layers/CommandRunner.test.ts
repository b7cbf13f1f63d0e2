import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { CommandRunnerLive, TIMEOUT_EXIT_CODE } from "../../src/layers/supervisor/CommandRunnerLive.js"
import { CommandRunner } from "../../src/services/CommandRunner.js"

const node = process.execPath

/** Waits until some fiber sleeps on the TestClock (here: the runner's timeout), so adjusting it counts. */
const awaitSleeping = Effect.repeat(TestClock.sleeps(), { until: (sleeps) => sleeps.length > 0 })

describe("CommandRunnerLive (real child processes)", () => {
  it.live("returns exit code, stdout and stderr; a non-zero exit is a result", () =>
    Effect.gen(function*() {
      const runner = yield* CommandRunner
      const result = yield* runner.run(node, ["-e", "process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"])
      expect(result).toEqual({ code: 3, stdout: "out", stderr: "err" })
      expect(yield* runner.run(node, ["-e", "console.log(process.argv.slice(1).join('|'))", "a b", "$HOME", "'q'"])).toEqual({ code: 0, stdout: "a b|$HOME|'q'\n", stderr: "" })
    }).pipe(Effect.provide(CommandRunnerLive)))

  it.live("adds env on top of the process environment", () =>
    Effect.gen(function*() {
      const result = yield* (yield* CommandRunner).run(node, ["-e", "process.stdout.write(`${process.env.CLAWGATE_T}:${typeof process.env.PATH}`)"], { env: { CLAWGATE_T: "yes" } })
      expect(result.stdout).toBe("yes:string")
    }).pipe(Effect.provide(CommandRunnerLive)))

  it.live("a missing program fails with CommandUnavailable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* CommandRunner).run("clawgate-no-such-program", ["--user"]))
      expect(error._tag).toBe("CommandUnavailable")
      expect(error.command).toBe("clawgate-no-such-program")
      expect(error.message).toContain("ENOENT")
    }).pipe(Effect.provide(CommandRunnerLive)))

  // On the TestClock: the timeout elapses when the test says so, however slow the machine is.
  it.effect("a command that outlives its timeout is killed and reported as exit 124", () =>
    Effect.gen(function*() {
      const runner = yield* CommandRunner
      const fiber = yield* Effect.fork(runner.run(node, ["-e", "setTimeout(() => {}, 20000)"], { timeoutMs: 300 }))
      yield* awaitSleeping
      yield* TestClock.adjust("300 millis")
      const result = yield* Fiber.join(fiber)
      expect(result.code).toBe(TIMEOUT_EXIT_CODE)
      expect(result.stderr).toContain("timed out after 300ms")
    }).pipe(Effect.provide(CommandRunnerLive)))
})
