import { Duration, Effect, Fiber } from "effect"

/** Progress goes to a person at a terminal; `OPENCLAW_PROGRESS=1` forces it (tests, `script` logs). */
const wantsProgress = () => process.stderr.isTTY === true || process.env["OPENCLAW_PROGRESS"] === "1"

/**
 * Runs `effect`; if it is still running after a second, says what it is waiting for on stderr (one
 * line, never on stdout, so `--json` stays clean). Fast runs print nothing.
 */
export const withProgress = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>, after: Duration.DurationInput = "1 second") =>
  wantsProgress()
    ? Effect.gen(function*() {
      const notice = yield* Effect.fork(Effect.sleep(after).pipe(Effect.zipRight(Effect.sync(() => process.stderr.write(`${label}…\n`)))))
      return yield* effect.pipe(Effect.ensuring(Fiber.interrupt(notice)))
    })
    : effect
