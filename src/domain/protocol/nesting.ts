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
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
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
