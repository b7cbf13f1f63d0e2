import { Context, type Effect, type Stream } from "effect"
import type { OpenClawConfig } from "../domain/config/ConfigSchema.js"
import type { EditOp } from "../domain/config/edits.js"
import type {
  ConfigInvalid,
  ConfigIoError,
  ConfigIssue,
  ConfigParseError,
  ConfigWriteBlocked,
  ConfigWriteConflict,
  ConfigWriteRejected
} from "../domain/errors.js"

/** What is on disk right now, read without judging: a missing, broken or invalid file is a snapshot too. */
export interface ConfigSnapshot {
  readonly path: string
  readonly exists: boolean
  /** The file text as read (undefined when missing). */
  readonly text: string | undefined
  /** sha256 of the file bytes; the base hash a later write must still match. */
  readonly hash: string | undefined
  /** The parsed JSON5 as the user wrote it (`${VAR}` not substituted): what writes start from. */
  readonly authored: unknown
  readonly parseError: ConfigParseError | undefined
  /** Schema problems of the env-substituted config; empty when valid. */
  readonly issues: ReadonlyArray<ConfigIssue>
  /** The validated config (env substituted); undefined when missing, unparseable or invalid. */
  readonly config: OpenClawConfig | undefined
  /** Preserved paths this version does not implement. */
  readonly unsupported: ReadonlyArray<string>
  /** Things worth telling a person once: missing env vars, newer-writer notice, observe anomalies. */
  readonly warnings: ReadonlyArray<string>
}

/** A config that exists and validates. */
export interface LoadedConfig {
  readonly snapshot: ConfigSnapshot
  readonly config: OpenClawConfig
}

export interface WriteRequest {
  /** The whole authored config to write (OpenClaw stamps `meta.lastTouchedVersion` itself). */
  readonly next: unknown
  /** The snapshot hash the change was computed from (undefined: the file was missing); a different file on disk is a conflict. */
  readonly baseHash: string | undefined
  /** Skips the destructive-write checks (doctor repair, explicit replace); never skips validation. */
  readonly allowDestructive?: boolean
  /**
   * The edit `next` came from and the authored config it was applied to. When the file changed since
   * `baseHash`, the edit is re-applied to the fresh file under the lock, and the write is a conflict only
   * when a path the edit touches changed underneath.
   */
  readonly rebase?: { readonly base: unknown; readonly ops: ReadonlyArray<EditOp> }
}

export interface WriteResult {
  readonly path: string
  readonly hash: string
  readonly bytes: number
  /** Non-blocking anomalies (`missing-meta-before-write`). */
  readonly anomalies: ReadonlyArray<string>
}

export type PromoteResult =
  | { readonly _tag: "Promoted"; readonly hash: string }
  | { readonly _tag: "Skipped"; readonly reason: string }

/** The user's `openclaw.json`: reading, validating, guarded atomic writes, last-known-good and hot reload. */
export class ConfigStore extends Context.Tag("openclaw/ConfigStore")<ConfigStore, {
  readonly path: string
  /** Reads and judges the file; fails only when the file cannot be read at all. */
  readonly read: Effect.Effect<ConfigSnapshot, ConfigIoError>
  /** Reads and requires a valid config (a missing file counts as the empty config). */
  readonly load: Effect.Effect<LoadedConfig, ConfigParseError | ConfigInvalid | ConfigIoError>
  /** The OpenClaw-owned write path: conflict check, validation, write guard, `.bak` ring, atomic replace. */
  readonly write: (
    request: WriteRequest
  ) => Effect.Effect<
    WriteResult,
    ConfigInvalid | ConfigWriteRejected | ConfigWriteConflict | ConfigWriteBlocked | ConfigIoError
  >
  /** Copies a valid snapshot to `<path>.last-good` unless it holds redacted placeholders. */
  readonly promoteLastGood: (snapshot: ConfigSnapshot) => Effect.Effect<PromoteResult, ConfigIoError>
  /** Valid configs as the file changes; invalid edits are logged and skipped, the last good one stays. */
  readonly watch: Stream.Stream<LoadedConfig>
}>() {}
