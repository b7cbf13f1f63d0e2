import { Either, Option } from "effect"
import { formatConfigPath, getAtPath, setAtPath, unsetAtPath } from "../ConfigPath.js"
import { applyMergePatch } from "./mergePatch.js"
import { droppedEntries, type EditFailure, type EditOp, isProtectedPath, mergeEntries } from "./edits.js"

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
    }
  }
  return Either.right(current)
}
