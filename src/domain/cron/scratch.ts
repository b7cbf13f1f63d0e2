import { Schema } from "effect"

/** The most a job's private scratch may hold (UTF-8 bytes), as the original. */
export const CRON_SCRATCH_MAX_BYTES = 262_144

/** One job's scratch as stored: `content: null` after `--unset` (the revision still counts up). */
export const CronScratchRow = Schema.Struct({
  content: Schema.NullOr(Schema.String),
  revision: Schema.Int.pipe(Schema.positive()),
  updatedAtMs: Schema.Number
})
export type CronScratchRow = typeof CronScratchRow.Type

/** The scratch as `cron.scratch.get`/`set` show it. */
export const CronScratch = Schema.Struct({ content: Schema.String, revision: Schema.Int, updatedAtMs: Schema.Number })
export type CronScratch = typeof CronScratch.Type

/** A job's scratch state: what it holds now (if anything) and the revision a writer must name. */
export interface CronScratchState {
  readonly scratch: CronScratch | null
  readonly currentRevision: number
}

export const scratchState = (row: CronScratchRow | undefined): CronScratchState =>
  row === undefined
    ? { scratch: null, currentRevision: 0 }
    : { scratch: row.content === null ? null : { content: row.content, revision: row.revision, updatedAtMs: row.updatedAtMs }, currentRevision: row.revision }

/** Why a scratch text cannot be stored, or `undefined`. */
export const scratchContentProblem = (content: string): string | undefined => {
  const bytes = new TextEncoder().encode(content).length
  return bytes > CRON_SCRATCH_MAX_BYTES ? `cron scratch exceeds ${CRON_SCRATCH_MAX_BYTES} bytes (${bytes} bytes provided)` : undefined
}

/** The outcome of a write: the new row to store (none when nothing changes), or a revision conflict. */
export type ScratchWrite =
  | { readonly ok: true; readonly row: CronScratchRow | undefined; readonly state: CronScratchState }
  | { readonly ok: false; readonly reason: "revision-conflict"; readonly currentRevision: number }

/**
 * Compare-and-swap of a scratch (the original's rules): a given `expectedRevision` must be the current
 * one; unsetting what was never set changes nothing; every other write is the next revision.
 */
export const writeScratch = (current: CronScratchRow | undefined, input: { readonly content: string | null; readonly expectedRevision?: number | undefined }, nowMs: number): ScratchWrite => {
  const currentRevision = current?.revision ?? 0
  if (input.expectedRevision !== undefined && input.expectedRevision !== currentRevision) return { ok: false, reason: "revision-conflict", currentRevision }
  if (input.content === null && currentRevision === 0) return { ok: true, row: undefined, state: { scratch: null, currentRevision } }
  const row: CronScratchRow = { content: input.content, revision: currentRevision + 1, updatedAtMs: nowMs }
  return { ok: true, row, state: scratchState(row) }
}

/** The heartbeat prompt with the monitor's scratch appended (skipped when empty or already in it). */
export const appendHeartbeatScratch = (prompt: string, scratch: string | undefined): string => {
  const directives = scratch?.trim() ?? ""
  if (directives === "" || prompt.includes(directives)) return prompt
  return `${prompt}\n\nHeartbeat monitor scratch:\n${directives}`
}
