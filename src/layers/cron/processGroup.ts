import { Deferred, Duration, Effect, Exit, type Scope } from "effect"
import { spawn } from "node:child_process"

/** How a supervised process ended. */
export type GroupExit =
  | { readonly _tag: "Exited"; readonly code: number | null; readonly signal: string | null }
  | { readonly _tag: "SpawnFailed"; readonly message: string }

/** Grace between SIGTERM and SIGKILL when a process group is torn down. */
const TERM_GRACE = Duration.seconds(2)

const signalGroup = (pid: number | undefined, signal: NodeJS.Signals) => {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the whole group is already gone.
  }
}

/**
 * Starts argv as the leader of its own process group, handing output chunks to `onOutput`. `exit`
 * waits until it has exited and its output is drained. Closing the scope tears the whole tree down
 * (SIGTERM to the group, SIGKILL after a grace period) and waits for it, leftovers of an exited leader included.
 */
export const spawnGroup = (input: {
  readonly argv: ReadonlyArray<string>
  readonly cwd?: string | undefined
  readonly onOutput: (stream: "stdout" | "stderr", chunk: string) => void
}): Effect.Effect<{ readonly pid: number | undefined; readonly exit: Effect.Effect<GroupExit> }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const done = yield* Deferred.make<GroupExit>()
    const [command, ...args] = input.argv
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        if (command === undefined) {
          Deferred.unsafeDone(done, Exit.succeed({ _tag: "SpawnFailed", message: "empty argv" }))
          return undefined
        }
        const child = spawn(command, args, { cwd: input.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true })
        child.stdout.setEncoding("utf8")
        child.stderr.setEncoding("utf8")
        child.stdout.on("data", (chunk: string) => input.onOutput("stdout", chunk))
        child.stderr.on("data", (chunk: string) => input.onOutput("stderr", chunk))
        child.on("error", (error) => Deferred.unsafeDone(done, Exit.succeed({ _tag: "SpawnFailed", message: error.message })))
        child.on("close", (code, signal) => Deferred.unsafeDone(done, Exit.succeed({ _tag: "Exited", code, signal })))
        return child
      }),
      (child) =>
        Effect.gen(function*() {
          const pid = child?.pid
          if (pid === undefined) return
          signalGroup(pid, "SIGTERM")
          const ended = yield* Deferred.await(done).pipe(Effect.timeout(TERM_GRACE), Effect.option)
          // The leader may be gone while children it started still run: kill the group in any case.
          signalGroup(pid, "SIGKILL")
          if (ended._tag === "None") yield* Deferred.await(done).pipe(Effect.timeout(TERM_GRACE), Effect.ignore)
        })
    )
    return { pid: child?.pid, exit: Deferred.await(done) }
  })

/** `exited with code 0`, `killed by SIGTERM`, `failed to start: ...`. */
export const describeExit = (exit: GroupExit): string =>
  exit._tag === "SpawnFailed" ? `failed to start: ${exit.message}` : exit.code !== null ? `exited with code ${exit.code}` : `killed by ${exit.signal ?? "a signal"}`
