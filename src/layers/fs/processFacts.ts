import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import type { PidFacts } from "../../domain/lock/lockOwner.js"
import { pidAlive } from "./pidAlive.js"

/** The start time of a process (clock ticks since boot, Linux /proc), to tell a live owner from a reused pid; undefined elsewhere. */
export const processStartTime = (pid: number) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(`/proc/${pid}/stat`)).pipe(
    Effect.map((stat): string | undefined => stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]),
    // Field 22 counts from after the parenthesised command name, which may itself hold spaces; a
    // vanished or unreadable /proc entry counts as unknown.
    Effect.orElseSucceed(() => undefined)
  )

/** Whether `pid` runs and, when it does, its start time: what a lock's staleness is judged on. */
export const pidFacts = (pid: number): Effect.Effect<PidFacts, never, FileSystem.FileSystem> =>
  pidAlive(pid) ? Effect.map(processStartTime(pid), (startTime) => ({ alive: true, startTime })) : Effect.succeed({ alive: false, startTime: undefined })
