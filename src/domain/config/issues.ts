import { Option, ParseResult, SchemaAST } from "effect"
import type { ConfigIssue } from "../errors.js"
import { formatConfigPath, type PathSegment } from "../ConfigPath.js"
import { unsupportedKeysByPath } from "./fields.js"
import { isRecord } from "../isRecord.js"

const ROOT = "<root>"

const received = (actual: unknown): string =>
  actual === null ? "null" : Array.isArray(actual) ? "array" : typeof actual

/** Names what a schema node expects, in the words the original's messages use. */
const expected = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "StringKeyword":
    case "TemplateLiteral":
      return "string"
    case "NumberKeyword":
      return "number"
    case "BooleanKeyword":
      return "boolean"
    case "TypeLiteral":
      return ast.indexSignatures.length > 0 && ast.propertySignatures.length === 0 ? "record" : "object"
    case "TupleType":
      return "array"
    case "Literal":
      return JSON.stringify(ast.literal)
    case "Refinement":
      return expected(ast.from)
    case "Transformation":
      return expected(ast.to)
    case "Union": {
      const description = Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(ast))
      return description ?? ast.types.map(expected).join(" or ")
    }
    default:
      return "a valid value"
  }
}

const literalValues = (ast: SchemaAST.AST): ReadonlyArray<string> | undefined => {
  if (ast._tag === "Literal" && typeof ast.literal === "string") return [ast.literal]
  if (ast._tag !== "Union") return undefined
  const values: Array<string> = []
  for (const member of ast.types) {
    if (member._tag !== "Literal" || typeof member.literal !== "string") return undefined
    values.push(member.literal)
  }
  return values
}

const at = (path: ReadonlyArray<PathSegment>) => (path.length === 0 ? ROOT : formatConfigPath(path))

/**
 * Flattens a schema ParseIssue into one line per problem, addressed by dotted path, phrased like the
 * original OpenClaw (`Unrecognized key: "foo"`, `Invalid input (allowed: ...)`).
 */
export const formatConfigIssues = (issue: ParseResult.ParseIssue): ReadonlyArray<ConfigIssue> => {
  const out: Array<ConfigIssue> = []
  const walk = (node: ParseResult.ParseIssue, path: ReadonlyArray<PathSegment>): void => {
    switch (node._tag) {
      case "Pointer": {
        const steps: ReadonlyArray<PropertyKey> = Array.isArray(node.path) ? node.path : [node.path as PropertyKey]
        walk(node.issue, [...path, ...steps.map((s) => (typeof s === "number" ? s : String(s)))])
        return
      }
      case "Unexpected": {
        const key = path[path.length - 1]
        out.push({ path: at(path.slice(0, -1)), message: `Unrecognized key: ${JSON.stringify(String(key))}` })
        return
      }
      case "Missing":
        out.push({ path: at(path), message: `Invalid input: expected ${expected(node.ast.type)}, received undefined` })
        return
      case "Forbidden":
        out.push({ path: at(path), message: "Invalid input" })
        return
      case "Type":
        out.push(typeIssue(node.ast, node.actual, path))
        return
      case "Refinement":
        if (node.kind === "From") return walk(node.issue, path)
        out.push({ path: at(path), message: refinementMessage(node) })
        return
      case "Transformation":
        return walk(node.issue, path)
      case "Composite": {
        if (node.ast._tag === "Union") return unionIssue(node, path)
        const children = Array.isArray(node.issues) ? node.issues : [node.issues]
        for (const child of children) walk(child, path)
        return
      }
    }
  }
  const typeIssue = (ast: SchemaAST.AST, actual: unknown, path: ReadonlyArray<PathSegment>): ConfigIssue => {
    const allowed = literalValues(ast)
    if (allowed !== undefined) {
      return {
        path: at(path),
        message: `Invalid input (allowed: ${allowed.map((v) => JSON.stringify(v)).join(", ")}), got: ${JSON.stringify(actual)}`,
        allowedValues: allowed
      }
    }
    return { path: at(path), message: `Invalid input: expected ${expected(ast)}, received ${received(actual)}` }
  }
  const unionIssue = (node: ParseResult.Composite, path: ReadonlyArray<PathSegment>): void => {
    if (literalValues(node.ast) !== undefined) {
      out.push(typeIssue(node.ast, node.actual, path))
      return
    }
    // When exactly one member got past the type check (say, the object form of `string | SecretRef`),
    // its nested problems are the useful ones; otherwise say what the union accepts.
    const children = Array.isArray(node.issues) ? node.issues : [node.issues]
    const deep = children.filter((child: ParseResult.ParseIssue) => child._tag !== "Type")
    const only = deep[0]
    if (deep.length === 1 && only !== undefined) return walk(only, path)
    out.push({ path: at(path), message: `Invalid input: expected ${expected(node.ast)}, received ${received(node.actual)}` })
  }
  walk(issue, [])
  return out
}

const refinementMessage = (node: ParseResult.Refinement): string => {
  const custom = SchemaAST.getMessageAnnotation(node.ast)
  if (Option.isSome(custom)) {
    const value = custom.value(node)
    if (typeof value === "string") return value
  }
  return `Invalid input: ${Option.getOrElse(SchemaAST.getDescriptionAnnotation(node.ast), () => "value out of range")}`
}

/**
 * Lists the paths present in a raw config that the original OpenClaw accepts but Clawgate does not
 * implement yet: they are preserved and reported once, never an error.
 */
export const findUnsupportedPaths = (raw: unknown): ReadonlyArray<string> => {
  const found: Array<string> = []
  const visit = (value: unknown, pattern: string, path: ReadonlyArray<PathSegment>): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${pattern}[]`, [...path, index]))
      return
    }
    if (!isRecord(value)) return
    const unsupported = unsupportedKeysByPath.get(pattern)
    for (const [key, child] of Object.entries(value)) {
      if (unsupported?.includes(key) === true) {
        found.push(formatConfigPath([...path, key]))
        continue
      }
      const exact = pattern === "" ? key : `${pattern}.${key}`
      const wildcard = pattern === "" ? "*" : `${pattern}.*`
      if (unsupportedKeysByPath.has(exact) || hasDescendant(exact)) visit(child, exact, [...path, key])
      else if (unsupportedKeysByPath.has(wildcard) || hasDescendant(wildcard)) visit(child, wildcard, [...path, key])
    }
  }
  visit(raw, "", [])
  return found
}

const hasDescendant = (pattern: string): boolean => {
  for (const known of unsupportedKeysByPath.keys()) {
    if (known.startsWith(`${pattern}.`) || known.startsWith(`${pattern}[]`)) return true
  }
  return false
}
