import { Either, Option } from "effect"
import { formatConfigPath, getAtPath, setAtPath, unsetAtPath } from "../ConfigPath.js"
import { applyMergePatch } from "./mergePatch.js"
import { droppedEntries, type EditFailure, type EditOp, isProtectedPath, mergeEntries } from "./edits.js"

// Strict JSON equality: key order does not matter, types do (1 is not "1").
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
    : value
const sameJson = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))

/** Applies edits to the authored config, refusing unset of absent paths and silent drops in protected maps. */
export const applyEdits = (authored: unknown, ops: ReadonlyArray<EditOp>): Either.Either<unknown, EditFailure> => {
  let current = authored
  for (const op of ops) {
    switch (op._tag) {
      case "Set": {
        const existing = Option.getOrUndefined(getAtPath(current, op.path))
        if (op.mode === "merge") {
          current = setAtPath(current, op.path, mergeEntries(existing, op.value))
          break
        }
        if (op.mode === "plain" && isProtectedPath(op.path)) {
          const dropped = droppedEntries(existing, op.value)
          if (dropped.length > 0) return Either.left({ _tag: "Protected", path: formatConfigPath(op.path), dropped })
        }
        current = setAtPath(current, op.path, op.value)
        break
      }
      case "Unset": {
        const next = unsetAtPath(current, op.path)
        if (Option.isNone(next)) return Either.left({ _tag: "Missing", path: formatConfigPath(op.path) })
        current = next.value
        break
      }
      case "Patch":
        current = applyMergePatch(current, op.patch, new Set(op.replacePaths))
        break
      case "Expect": {
        const found = getAtPath(current, op.path)
        const holds = "absent" in op.expected ? Option.isNone(found) : Option.isSome(found) && sameJson(found.value, op.expected.value)
        if (!holds) return Either.left({ _tag: "Unexpected", path: formatConfigPath(op.path), expectedAbsent: "absent" in op.expected })
        break
      }
    }
  }
  return Either.right(current)
}
