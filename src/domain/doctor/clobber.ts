/** Naming and rotation of `openclaw.json.clobbered.<ts>[-NN]`: broken files kept by doctor repairs. */

/** At most this many `.clobbered.*` copies are kept per config path. */
export const CLOBBER_LIMIT = 32

/** The file name prefix of a config's clobbered copies (`openclaw.json.clobbered.`). */
export const clobberedPrefix = (configBaseName: string) => `${configBaseName}.clobbered.`

/** `<path>.clobbered.<stamp>`, then `-01`, `-02`, ... when that name is taken. */
export const clobberedPath = (configPath: string, stamp: string, attempt: number) =>
  attempt === 0 ? `${configPath}.clobbered.${stamp}` : `${configPath}.clobbered.${stamp}-${String(attempt).padStart(2, "0")}`

/**
 * Which existing copies to delete so one more fits under the cap: the oldest first. Names embed an
 * ISO timestamp (collision suffixes sort after their base), so name order is age order.
 */
export const clobberRotation = (existing: ReadonlyArray<string>, limit: number = CLOBBER_LIMIT): ReadonlyArray<string> => {
  const sorted = [...existing].sort()
  return sorted.slice(0, Math.max(0, sorted.length - limit + 1))
}
