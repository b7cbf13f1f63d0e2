import { Either } from "effect"
import JSON5 from "json5"

/** Where and why JSON5 text failed to parse. */
export interface Json5Failure {
  readonly message: string
  readonly line?: number
  readonly column?: number
}

/** Parses JSON5 text; the failure carries the line and column json5 reports. */
export const parseJson5 = (text: string): Either.Either<unknown, Json5Failure> => {
  try {
    return Either.right(JSON5.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text))
  } catch (error) {
    const e = error as { message?: unknown; lineNumber?: unknown; columnNumber?: unknown }
    const message = typeof e.message === "string" ? e.message : String(error)
    return Either.left({
      message,
      ...(typeof e.lineNumber === "number" ? { line: e.lineNumber } : {}),
      ...(typeof e.columnNumber === "number" ? { column: e.columnNumber } : {})
    })
  }
}

/** True when the text has `//` or `/* *\/` comments outside strings, which a JSON rewrite drops. */
export const hasJson5Comments = (text: string): boolean => {
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote !== undefined) {
      if (ch === "\\") i += 1
      else if (ch === quote) quote = undefined
      continue
    }
    if (ch === "\"" || ch === "'" || ch === "`") quote = ch
    else if (ch === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) return true
  }
  return false
}
