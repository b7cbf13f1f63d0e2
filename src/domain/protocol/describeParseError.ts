import { ParseResult } from "effect"

const LITERAL_MISS = /^Expected (".*"), actual (.*)$/

/**
 * One line per offending path. A value that matched none of a closed set's literals is reported once
 * as `expected one of "a", "b"; got "x"` rather than once per literal.
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const byPath = new Map<string, Array<string>>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = issue.path.join(".") || "<root>"
    byPath.set(path, [...(byPath.get(path) ?? []), issue.message])
  }
  return [...byPath].map(([path, messages]) => {
    const literals = messages.map((m) => LITERAL_MISS.exec(m))
    if (messages.length > 1 && literals.every((m) => m !== null)) {
      return `${path}: expected one of ${literals.map((m) => m![1]).join(", ")}; got ${literals[0]![2]}`
    }
    return `${path}: ${messages.join("; ")}`
  }).join("; ")
}
