import { Effect } from "effect"
import { spawn } from "node:child_process"

/** Output kept per stream of a command payload when the job sets no `outputMaxBytes`. */
const MAX_OUTPUT_BYTES = 64 * 1024

/** The last `max` bytes of a stream (a cut multi-byte character at the start is dropped), and how many were cut. */
const tailOf = (chunks: ReadonlyArray<Buffer>, max: number) => {
  const all = Buffer.concat(chunks)
  if (all.byteLength <= max) return { text: all.toString("utf8"), truncatedBytes: 0 }
  return { text: all.subarray(all.byteLength - max).toString("utf8").replace(/^\uFFFD+/, ""), truncatedBytes: all.byteLength - max }
}

/** What a command payload's process did. */
export type CommandRun =
  | { readonly kind: "exited"; readonly code: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string }
  | { readonly kind: "spawn-failed"; readonly message: string }
  | { readonly kind: "timed-out"; readonly stdout: string; readonly stderr: string }
  | { readonly kind: "no-output-timeout"; readonly stdout: string; readonly stderr: string }

/**
 * Runs argv as a real child process (no shell unless argv says `sh -lc`), with its own cwd, env
 * overrides and stdin; each stream keeps its last `maxOutputBytes`; killed (SIGTERM, then SIGKILL) on
 * timeout, after `noOutputTimeoutMs` without any output, or on interruption.
 */
export const runCommand = (input: {
  readonly argv: ReadonlyArray<string>
  readonly cwd?: string | undefined
  readonly env?: Readonly<Record<string, string>> | undefined
  readonly stdin?: string | undefined
  readonly timeoutMs?: number | undefined
  readonly noOutputTimeoutMs?: number | undefined
  readonly maxOutputBytes?: number | undefined
}): Effect.Effect<CommandRun> =>
  Effect.async<CommandRun>((resume) => {
    const [command, ...args] = input.argv
    if (command === undefined) {
      resume(Effect.succeed({ kind: "spawn-failed", message: "empty argv" }))
      return
    }
    // Its own process group, so a timeout stops what `sh -lc` started too (not only the shell).
    const child = spawn(command, args, { cwd: input.cwd, env: { ...process.env, ...input.env }, stdio: ["pipe", "pipe", "pipe"], detached: true })
    const max = input.maxOutputBytes ?? MAX_OUTPUT_BYTES
    // Whole chunks are kept until they exceed twice the limit, then trimmed to the tail.
    const streams = { out: { chunks: [] as Array<Buffer>, bytes: 0 }, err: { chunks: [] as Array<Buffer>, bytes: 0 } }
    let timedOut: "timeout" | "no-output" | undefined
    let settled = false
    const collect = (which: "out" | "err") => (chunk: Buffer) => {
      const stream = streams[which]
      stream.chunks.push(chunk)
      stream.bytes += chunk.byteLength
      if (stream.bytes > 2 * max) {
        const all = Buffer.concat(stream.chunks)
        stream.chunks = [all.subarray(all.byteLength - max)]
        stream.bytes = max
      }
      armSilence()
    }
    child.stdout.on("data", collect("out"))
    child.stderr.on("data", collect("err"))
    child.stdin.on("error", () => {})
    child.stdin.end(input.stdin ?? "")
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal)
        else child.kill(signal)
      } catch {
        child.kill(signal)
      }
    }
    const kill = () => {
      signalGroup("SIGTERM")
      setTimeout(() => signalGroup("SIGKILL"), 2000).unref()
    }
    const timer = input.timeoutMs !== undefined && input.timeoutMs > 0
      ? setTimeout(() => {
        timedOut ??= "timeout"
        kill()
      }, input.timeoutMs)
      : undefined
    // The silence timer restarts with every chunk of output, on either stream.
    let silence: ReturnType<typeof setTimeout> | undefined
    function armSilence() {
      if (input.noOutputTimeoutMs === undefined || input.noOutputTimeoutMs <= 0 || settled) return
      if (silence !== undefined) clearTimeout(silence)
      silence = setTimeout(() => {
        timedOut ??= "no-output"
        kill()
      }, input.noOutputTimeoutMs)
    }
    armSilence()
    const stopTimers = () => {
      if (timer !== undefined) clearTimeout(timer)
      if (silence !== undefined) clearTimeout(silence)
    }
    const output = () => ({ stdout: tailOf(streams.out.chunks, max).text, stderr: tailOf(streams.err.chunks, max).text })
    child.on("error", (error) => {
      if (settled) return
      settled = true
      stopTimers()
      resume(Effect.succeed({ kind: "spawn-failed", message: error.message }))
    })
    child.on("close", (code, signal) => {
      if (settled) return
      settled = true
      stopTimers()
      const kind = timedOut === "timeout" ? "timed-out" as const : timedOut === "no-output" ? "no-output-timeout" as const : undefined
      resume(Effect.succeed(kind === undefined ? { kind: "exited", code, signal, ...output() } : { kind, ...output() }))
    })
    return Effect.sync(() => {
      if (!settled) kill()
    })
  })
