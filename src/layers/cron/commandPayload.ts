import { Effect } from "effect"
import { spawn } from "node:child_process"

/** Output kept per stream of a command payload. */
const MAX_OUTPUT_BYTES = 64 * 1024

/** What a command payload's process did. */
export type CommandRun =
  | { readonly kind: "exited"; readonly code: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string }
  | { readonly kind: "spawn-failed"; readonly message: string }
  | { readonly kind: "timed-out"; readonly stdout: string; readonly stderr: string }

/**
 * Runs argv as a real child process (no shell unless argv says `sh -lc`), with its own cwd, env
 * overrides and stdin; output capped; killed (SIGTERM, then SIGKILL) on timeout or interruption.
 */
export const runCommand = (input: {
  readonly argv: ReadonlyArray<string>
  readonly cwd?: string | undefined
  readonly env?: Readonly<Record<string, string>> | undefined
  readonly stdin?: string | undefined
  readonly timeoutMs?: number | undefined
}): Effect.Effect<CommandRun> =>
  Effect.async<CommandRun>((resume) => {
    const [command, ...args] = input.argv
    if (command === undefined) {
      resume(Effect.succeed({ kind: "spawn-failed", message: "empty argv" }))
      return
    }
    const child = spawn(command, args, { cwd: input.cwd, env: { ...process.env, ...input.env }, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    let timedOut = false
    let settled = false
    const collect = (which: "out" | "err") => (chunk: Buffer) => {
      if (which === "out" && stdout.length < MAX_OUTPUT_BYTES) stdout += chunk.toString("utf8")
      if (which === "err" && stderr.length < MAX_OUTPUT_BYTES) stderr += chunk.toString("utf8")
    }
    child.stdout.on("data", collect("out"))
    child.stderr.on("data", collect("err"))
    child.stdin.on("error", () => {})
    child.stdin.end(input.stdin ?? "")
    const kill = () => {
      child.kill("SIGTERM")
      setTimeout(() => child.kill("SIGKILL"), 2000).unref()
    }
    const timer = input.timeoutMs !== undefined && input.timeoutMs > 0
      ? setTimeout(() => {
        timedOut = true
        kill()
      }, input.timeoutMs)
      : undefined
    child.on("error", (error) => {
      if (settled) return
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      resume(Effect.succeed({ kind: "spawn-failed", message: error.message }))
    })
    child.on("close", (code, signal) => {
      if (settled) return
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      resume(Effect.succeed(timedOut ? { kind: "timed-out", stdout, stderr } : { kind: "exited", code, signal, stdout, stderr }))
    })
    return Effect.sync(() => {
      if (!settled) kill()
    })
  })
