/** How deep request params may nest (objects and arrays); real clients stay under ten. */
export const MAX_PARAMS_DEPTH = 64

const NO_KEYS: ReadonlySet<string> = new Set()

/** What one pass over request params found: too deep, a prototype key somewhere, or neither. */
export type ParamsShape = "too-deep" | "prototype-key" | "ok"

/**
 * One pass over `value` (itself level 1): whether objects or arrays nest more than `limit` levels, and
 * whether any object has a key in `prototypeKeys`. Iterative with an explicit stack, so a 50,000-deep array
 * is refused without overflowing the call stack that schema decoding, logging or a transcript write would
 * overflow later. Depth wins: a prototype key inside a too-deep value is reported as too deep.
 */
export const paramsShape = (value: unknown, limit: number = MAX_PARAMS_DEPTH, prototypeKeys: ReadonlySet<string> = NO_KEYS): ParamsShape => {
  const values: Array<unknown> = [value]
  const depths: Array<number> = [1]
  let prototypeKey = false
  while (values.length > 0) {
    const current = values.pop()
    const depth = depths.pop() ?? 1
    if (typeof current !== "object" || current === null) continue
    if (depth > limit) return "too-deep"
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
      if (prototypeKeys.has(key)) prototypeKey = true
      const child: unknown = (current as Record<string, unknown>)[key]
      if (typeof child === "object" && child !== null) {
        values.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return prototypeKey ? "prototype-key" : "ok"
}

/** Whether `value` nests objects or arrays more than `limit` levels deep (the value itself is level 1). */
export const nestedDeeperThan = (value: unknown, limit: number = MAX_PARAMS_DEPTH): boolean => paramsShape(value, limit) === "too-deep"

/** The reply to params nested too deep, naming the limit. */
export const tooDeepMessage = (what: string, limit: number = MAX_PARAMS_DEPTH) => `invalid ${what} params: nested deeper than ${limit} levels`
