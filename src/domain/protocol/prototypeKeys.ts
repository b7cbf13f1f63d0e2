/** Keys that reach an object's prototype when copied; never valid in params, whatever the method. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"])

/**
 * The dotted path of the first own prototype key anywhere in a decoded JSON value, or undefined.
 * Methods that ignore unknown params would otherwise drop such a key silently rather than refuse it.
 */
export const prototypeKeyPath = (value: unknown, path: ReadonlyArray<string | number> = []): string | undefined => {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = prototypeKeyPath(item, [...path, index])
      if (found !== undefined) return found
    }
    return undefined
  }
  if (typeof value !== "object" || value === null) return undefined
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return [...path, key].join(".")
    const found = prototypeKeyPath((value as Record<string, unknown>)[key], [...path, key])
    if (found !== undefined) return found
  }
  return undefined
}
