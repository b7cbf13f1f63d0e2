import { ParseResult, type SchemaAST } from "effect"
import { truncateEcho } from "../text/truncateEcho.js"

/** Paths reported per error; the rest are counted, so a frame with 100,000 bad keys gets a short reply. */
const MAX_REPORTED_PATHS = 10

/** A schema's own wording (an expected type) is kept longer than an echoed value, but still bounded. */
const MAX_MESSAGE_BYTES = 512

// The part of a Schema message that quotes the value sent: `Expected string, actual "<the value>"`.
const ACTUAL = /^(Expected [\s\S]*?), actual [\s\S]*$/
const LITERAL = /^Expected ("[^"]*")$/

/** The field names a schema declares: the only path segments an error may name (any other key is the client's text). */
const declaredNames = (root: SchemaAST.AST): ReadonlySet<string> => {
  const names = new Set<string>()
  const seen = new Set<SchemaAST.AST>()
  const pending: Array<SchemaAST.AST> = [root]
  for (let ast = pending.pop(); ast !== undefined; ast = pending.pop()) {
    if (seen.has(ast)) continue
    seen.add(ast)
    switch (ast._tag) {
      case "TypeLiteral":
        for (const signature of ast.propertySignatures) {
          if (typeof signature.name === "string") names.add(signature.name)
          pending.push(signature.type)
        }
        for (const index of ast.indexSignatures) pending.push(index.type)
        break
      case "Union":
        pending.push(...ast.types)
        break
      case "TupleType":
        pending.push(...ast.elements.map((e) => e.type), ...ast.rest.map((r) => r.type))
        break
      case "Refinement":
        pending.push(ast.from)
        break
      case "Transformation":
        pending.push(ast.from, ast.to)
        break
      case "Suspend":
        pending.push(ast.f())
        break
      case "Declaration":
        pending.push(...ast.typeParameters)
        break
      default:
        break
    }
  }
  return names
}

const namesCache = new WeakMap<SchemaAST.AST, ReadonlySet<string>>()
const namesOf = (ast: SchemaAST.AST) => {
  const cached = namesCache.get(ast)
  if (cached !== undefined) return cached
  const names = declaredNames(ast)
  namesCache.set(ast, names)
  return names
}

/**
 * One line per offending path, naming the path and what was expected, never the value sent: a token put in
 * the wrong field must not come back in the reply or go into the log. Keys the schema does not declare
 * (an unknown key, a record's key) are shown as `<key>`. A closed set of literals is reported once as
 * `expected one of "a", "b"`.
 */
export const describeParseError = (error: ParseResult.ParseError, schema: { readonly ast: SchemaAST.AST }): string => {
  const names = namesOf(schema.ast)
  const segment = (key: PropertyKey) => (typeof key === "number" ? String(key) : typeof key === "string" && names.has(key) ? key : "<key>")
  const byPath = new Map<string, Set<string>>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = issue.path.map(segment).join(".") || "<root>"
    const message = truncateEcho(ACTUAL.exec(issue.message)?.[1] ?? issue.message, MAX_MESSAGE_BYTES)
    const messages = byPath.get(path) ?? new Set<string>()
    messages.add(message)
    byPath.set(path, messages)
  }
  const lines = [...byPath].slice(0, MAX_REPORTED_PATHS).map(([path, set]) => {
    const messages = [...set]
    const literals = messages.map((m) => LITERAL.exec(m)?.[1])
    if (messages.length > 1 && literals.every((l) => l !== undefined)) return `${path}: expected one of ${literals.join(", ")}`
    return `${path}: ${messages.join("; ")}`
  })
  const more = byPath.size - MAX_REPORTED_PATHS
  return [...lines, ...(more > 0 ? [`and ${more} more`] : [])].join("; ")
}
