import { Either } from "effect"
import { parseJson5 } from "../config/json5.js"

/** The JSON5 document found after a non-JSON prefix (shell noise, a pasted log line, `garbage{`). */
export interface JsonRootSuffix {
  /** The text from the first line that opens an object or array: what the repaired file holds. */
  readonly text: string
  readonly parsed: unknown
  /** Characters dropped from the front. */
  readonly prefixLength: number
}

const OPENS_ROOT = /^\s*(?:\{|\[)/

/**
 * Finds the first line that starts (after whitespace) with `{` or `[` and parses everything from
 * there. A file that already starts with its root, or whose suffix does not parse, has no repair.
 */
export const findJsonRootSuffix = (text: string): JsonRootSuffix | undefined => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (OPENS_ROOT.test(body)) return undefined
  let offset = 0
  while (offset < body.length) {
    const newline = body.indexOf("\n", offset)
    const end = newline === -1 ? body.length : newline + 1
    if (OPENS_ROOT.test(body.slice(offset, end))) {
      const candidate = body.slice(offset)
      const parsed = parseJson5(candidate)
      return Either.isRight(parsed) ? { text: candidate, parsed: parsed.right, prefixLength: text.length - candidate.length } : undefined
    }
    offset = end
  }
  return undefined
}
