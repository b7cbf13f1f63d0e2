/** How deep request params may nest (objects and arrays); real clients stay under ten. */
export const MAX_PARAMS_DEPTH = 64

/**
 * Whether `value` nests objects or arrays more than `limit` levels deep (the value itself is level 1).
 * Iterative with an explicit stack, so a 50,000-deep array is refused without overflowing the call stack
 * that schema decoding, logging or a transcript write would overflow later.
 */
export const nestedDeeperThan = (value: unknown, limit: number = MAX_PARAMS_DEPTH): boolean => {
  const values: Array<unknown> = [value]
  const depths: Array<number> = [1]
  while (values.length > 0) {
    const current = values.pop()
    const depth = depths.pop() ?? 1
    if (typeof current !== "object" || current === null) continue
    if (depth > limit) return true
    // Index and key loops rather than Object.values: this runs on every request, over frames up to 25 MB.
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const child: unknown = current[i]
        if (typeof child === "object" && child !== null) {
          values.push(child)
          depths.push(depth + 1)
        }
      }
      continue
    }
    for (const key in current) {
      const child: unknown = (current as Record<string, unknown>)[key]
      if (typeof child === "object" && child !== null) {
        values.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return false
}

/** The reply to params nested too deep, naming the limit. */
export const tooDeepMessage = (what: string, limit: number = MAX_PARAMS_DEPTH) => `invalid ${what} params: nested deeper than ${limit} levels`
