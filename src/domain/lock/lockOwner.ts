/** The owner record of a cross-process state lock, and the pure verdict on whether it is stale. */
import { Option, Schema } from "effect"
import { opt } from "../opt.js"

/**
 * What a state lock file (`openclaw.json.lock`, `devices/.lock`, `sessions.json.lock`) holds. The start
 * time tells a live owner from a process that got the same pid later; the nonce tells one acquisition
 * from another by the same process, so a holder never removes a lock it no longer owns.
 */
export const LockOwner = Schema.Struct({
  pid: Schema.Int.pipe(Schema.positive()),
  /** `/proc/<pid>/stat` field 22 (clock ticks since boot); absent where the OS does not tell. */
  startTime: opt(Schema.String),
  nonce: opt(Schema.String),
  /** ISO time the lock was taken, for doctor's report. */
  createdAt: opt(Schema.String)
})
export type LockOwner = typeof LockOwner.Type

const decodeOwner = Schema.decodeUnknownOption(Schema.parseJson(LockOwner))

/** The owner record in a lock file's text; undefined for anything else (empty, a bare pid, garbage). */
export const parseLockOwner = (text: string): LockOwner | undefined => Option.getOrUndefined(decodeOwner(text))

/** The lock file's text for an owner record. */
export const renderLockOwner = (owner: LockOwner): string => `${JSON.stringify(owner)}\n`

/** What the OS says now about the pid a lock names. */
export interface PidFacts {
  readonly alive: boolean
  /** Start time of the process that has this pid now, when the OS tells. */
  readonly startTime: string | undefined
}

export type LockVerdict =
  | { readonly _tag: "Held"; readonly pid: number }
  | { readonly _tag: "Stale"; readonly reason: string }

/**
 * Whether a lock is still held. Writers publish the whole record at once (link of a complete temp
 * file), so a lock without a readable record was never a live writer's: it is stale at once.
 */
export const judgeLock = (owner: LockOwner | undefined, facts: PidFacts | undefined): LockVerdict => {
  if (owner === undefined || facts === undefined) return { _tag: "Stale", reason: "unreadable owner record" }
  if (!facts.alive) return { _tag: "Stale", reason: `pid ${owner.pid} is not running` }
  if (owner.startTime !== undefined && facts.startTime !== undefined && owner.startTime !== facts.startTime) {
    return { _tag: "Stale", reason: `pid ${owner.pid} now belongs to another process` }
  }
  return { _tag: "Held", pid: owner.pid }
}
