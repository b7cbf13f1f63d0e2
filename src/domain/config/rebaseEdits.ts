/** Re-applying an edit to a config another writer changed in the meantime (the write lock's retry). */
import { Either, Option } from "effect"
import { formatConfigPath, getAtPath, type PathSegment } from "../ConfigPath.js"
import { applyEdits } from "./applyEdits.js"
import { changedPaths, type EditOp } from "./edits.js"

/** The shape at a path, so a parent turned from an object into a scalar counts as a change there. */
const kindAt = (root: unknown, segments: ReadonlyArray<PathSegment>): string =>
  Option.match(getAtPath(root, segments), {
    onNone: () => "absent",
    onSome: (value) => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value)
  })

/** A parent may appear or vanish (the edit creates it again), but not change into something else. */
const compatibleParents = (a: string, b: string) => a === b || ((a === "absent" || b === "absent") && [a, b].every((k) => k === "absent" || k === "object" || k === "array"))

const sameAt = (a: unknown, b: unknown, segments: ReadonlyArray<PathSegment>) =>
  JSON.stringify(Option.getOrUndefined(getAtPath(a, segments))) === JSON.stringify(Option.getOrUndefined(getAtPath(b, segments))) &&
  segments.every((_, i) => compatibleParents(kindAt(a, segments.slice(0, i)), kindAt(b, segments.slice(0, i))))

/** The paths an edit reads or writes: each set/unset target, and every leaf the edit changed. */
const touchedPaths = (base: unknown, ops: ReadonlyArray<EditOp>): ReadonlyArray<ReadonlyArray<PathSegment>> => {
  const targets = ops.flatMap((op) => (op._tag === "Patch" ? [] : [op.path]))
  const edited = applyEdits(base, ops)
  return Either.isRight(edited) ? [...targets, ...changedPaths(base, edited.right)] : targets
}

/**
 * `ops` were computed on `base`; another writer has since left `current`. When none of the paths the
 * edit touches differs between the two, the edit is applied to `current` (the other writer's change to
 * other paths is kept); otherwise the first such path is returned as the conflict.
 */
export const rebaseEdits = (base: unknown, current: unknown, ops: ReadonlyArray<EditOp>): Either.Either<unknown, { readonly path: string }> => {
  const conflict = touchedPaths(base, ops).find((segments) => !sameAt(base, current, segments))
  if (conflict !== undefined) return Either.left({ path: formatConfigPath(conflict) })
  return Either.mapLeft(applyEdits(current, ops), (failure) => ({ path: failure.path }))
}
