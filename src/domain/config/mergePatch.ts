import { formatConfigPath, type PathSegment } from "../ConfigPath.js"
import { isRecord } from "../isRecord.js"

/**
 * Applies a JSON merge patch: objects merge recursively, arrays and scalars replace, `null` deletes.
 * A path listed in `replacePaths` takes the patch value as a whole instead of merging into it.
 */
export const applyMergePatch = (
  target: unknown,
  patch: unknown,
  replacePaths: ReadonlySet<string> = new Set(),
  path: ReadonlyArray<PathSegment> = []
): unknown => {
  if (!isRecord(patch) || replacePaths.has(formatConfigPath(path))) return patch
  const base: Record<string, unknown> = isRecord(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === "__proto__" || key === "constructor" || key === "prototype") continue
    if (value === null) delete base[key]
    else base[key] = applyMergePatch(base[key], value, replacePaths, [...path, key])
  }
  return base
}
