/** Which backup and rejected-write files a config write keeps: pure plans the store carries out. */

/** One step of a rotation; index 0 is `<file>.bak`, n is `<file>.bak.<n>`. */
export type RotationStep =
  | { readonly _tag: "Remove"; readonly index: number }
  | { readonly _tag: "Rename"; readonly from: number; readonly to: number }

/**
 * Shifts the existing backups (indices present, any order) one place older into a contiguous ring
 * `.bak.1 … .bak.<ring>`, freeing `.bak` for the copy being replaced. Gaps a crash left mid-rotation
 * close up; the oldest beyond the ring go. Every step is a single rename or remove, ordered so no
 * step overwrites a backup still to be moved, so a crash at any step loses at most the oldest copy.
 */
export const planBackupRotation = (present: ReadonlyArray<number>, ring: number): ReadonlyArray<RotationStep> => {
  const sources = [...new Set(present)].filter((i) => Number.isInteger(i) && i >= 0 && i <= ring).sort((a, b) => a - b)
  const kept = sources.slice(0, ring)
  const removes = sources.slice(ring).map((index): RotationStep => ({ _tag: "Remove", index }))
  const moves = kept.map((from, k) => ({ from, to: k + 1 }))
  // Moves to a lower index go first, newest first; then moves to a higher index, oldest first.
  const down = moves.filter((m) => m.to < m.from)
  const up = moves.filter((m) => m.to > m.from).reverse()
  return [...removes, ...[...down, ...up].map((m): RotationStep => ({ _tag: "Rename", ...m }))]
}

/** The `.rejected.<timestamp>` names beyond the newest `keep` (timestamps sort as text), to delete. */
export const rejectedToPrune = (names: ReadonlyArray<string>, keep: number): ReadonlyArray<string> =>
  [...names].sort().slice(0, Math.max(0, names.length - keep))
