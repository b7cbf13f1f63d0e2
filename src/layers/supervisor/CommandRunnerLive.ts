import { Duration, Effect, Layer } from "effect"
import { execFile } from "node:child_process"
import * as os from "node:os"
import { type CommandResult, CommandRunner, CommandUnavailable } from "../../services/CommandRunner.js"

/** Exit code reported when a command ran out of time (as coreutils `timeout` does). */
export const TIMEOUT_EXIT_CODE = 124

const DEFAULT_TIMEOUT_MS = 15_000

const errnoCode = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause ? (cause as { code: unknown }).code : undefined

/**
 * Runs programs with `execFile` (no shell): stdout and stderr collected, a non-zero exit returned as
 * a result, a timeout (on the Effect clock) killing the child and reported as exit 124 with the output
 * so far, and a program that cannot be started (ENOENT, EACCES) failing with CommandUnavailable.
 * Interrupting the effect kills the child.
 */
export const CommandRunnerLive = Layer.succeed(CommandRunner, {
  run: Effect.fn("CommandRunner.run")(function*(command, args, options) {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS
    // What the child printed so far, for the timeout report.
    const partial = { stdout: "", stderr: "" }
    const exited = Effect.async<CommandResult, CommandUnavailable>((resume) => {
      const child = execFile(
        command,
        [...args],
        {
          env: options?.env === undefined ? process.env : { ...process.env, ...options.env },
          killSignal: "SIGKILL",
          maxBuffer: 16 * 1024 * 1024,
          windowsHide: true,
          encoding: "utf8"
        },
        (error, stdout, stderr) => {
          if (error === null) return resume(Effect.succeed({ code: 0, stdout, stderr }))
          const code = errnoCode(error)
          if (code === "ENOENT" || code === "EACCES" || code === "ENOTDIR") {
            return resume(Effect.fail(new CommandUnavailable({ command, message: `${command}: ${error.message}` })))
          }
          if (error.killed === true && typeof code !== "number") {
            return resume(Effect.succeed({ code: TIMEOUT_EXIT_CODE, stdout, stderr: `${stderr}${command} timed out after ${timeoutMs}ms`.trim() }))
          }
          const signal = error.signal === undefined || error.signal === null ? undefined : os.constants.signals[error.signal]
          return resume(Effect.succeed({ code: typeof code === "number" ? code : signal === undefined ? 1 : 128 + signal, stdout, stderr }))
        }
      )
      child.stdout?.on("data", (chunk) => {
        partial.stdout += String(chunk)
      })
      child.stderr?.on("data", (chunk) => {
        partial.stderr += String(chunk)
      })
      return Effect.sync(() => {
        child.kill("SIGKILL")
      })
    })
    return yield* Effect.timeoutTo(exited, {
      duration: Duration.millis(timeoutMs),
      onSuccess: (result): CommandResult => result,
      onTimeout: (): CommandResult => ({
        code: TIMEOUT_EXIT_CODE,
        stdout: partial.stdout,
        stderr: `${partial.stderr}${command} timed out after ${timeoutMs}ms`.trim()
      })
    })
  })
})
