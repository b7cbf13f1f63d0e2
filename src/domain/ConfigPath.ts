import { Either, Option } from "effect"
import { InvalidConfigPath } from "./errors.js"
import { isRecord } from "./isRecord.js"

/** One step of a config path: an object key, or an array index (from an unquoted numeric bracket). */
export type PathSegment = string | number

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"])

const invalid = (message: string) => Either.left(new InvalidConfigPath({ message }))

/**
 * Parses `a.b[0]["x.y"]['k']` into segments. Backslash escapes the next character in bare and quoted
 * segments alike; an unquoted numeric bracket is an index, a quoted one a key.
 */
export const parseConfigPath = (input: string): Either.Either<ReadonlyArray<PathSegment>, InvalidConfigPath> => {
  const segments: Array<PathSegment> = []
  const trimmed = input.trim()
  if (trimmed === "") return invalid(`Invalid path (empty segment): ${input}`)
  let i = 0
  let current = ""
  let hasCurrent = false
  // True right after a closing bracket: the next character must be `.`, `[` or the end.
  let afterBracket = false
  const pushBare = (): boolean => {
    if (!hasCurrent) return false
    segments.push(current)
    current = ""
    hasCurrent = false
    return true
  }
  while (i < trimmed.length) {
    const ch = trimmed[i] as string
    if (ch === "\\") {
      const next = trimmed[i + 1]
      if (next === undefined) return invalid(`Invalid path (dangling escape): ${input}`)
      current += next
      hasCurrent = true
      afterBracket = false
      i += 2
      continue
    }
    if (ch === ".") {
      if (!pushBare() && !afterBracket) return invalid(`Invalid path (empty segment): ${input}`)
      afterBracket = false
      i += 1
      if (i >= trimmed.length) return invalid(`Invalid path (empty segment): ${input}`)
      continue
    }
    if (ch === "[") {
      pushBare()
      const close = findClose(trimmed, i + 1)
      if (close === undefined) return invalid(`Invalid path (missing "]"): ${input}`)
      const inner = trimmed.slice(i + 1, close.end)
      if (inner.trim() === "") return invalid(`Invalid path (empty "[]"): ${input}`)
      if (close.quoted !== undefined) segments.push(close.quoted)
      else if (/^\d+$/.test(inner.trim())) segments.push(Number(inner.trim()))
      else segments.push(inner.trim())
      i = close.end + 1
      afterBracket = true
      continue
    }
    if (ch === "]") return invalid(`Invalid path (unexpected "]"): ${input}`)
    if (afterBracket) return invalid(`Invalid path (expected "." or "[" after "]"): ${input}`)
    current += ch
    hasCurrent = true
    i += 1
  }
  pushBare()
  for (const segment of segments) {
    if (typeof segment === "string" && FORBIDDEN.has(segment)) return invalid(`Invalid path segment: ${segment}`)
  }
  return Either.right(segments)
}

/** Finds the `]` closing a bracket opened before `start`, decoding a quoted key if there is one. */
const findClose = (s: string, start: number): { end: number; quoted?: string } | undefined => {
  let i = start
  while (s[i] === " ") i += 1
  const quote = s[i]
  if (quote === "\"" || quote === "'") {
    let value = ""
    i += 1
    while (i < s.length) {
      const ch = s[i] as string
      if (ch === "\\" && i + 1 < s.length) {
        value += s[i + 1]
        i += 2
        continue
      }
      if (ch === quote) {
        let j = i + 1
        while (s[j] === " ") j += 1
        return s[j] === "]" ? { end: j, quoted: value } : undefined
      }
      value += ch
      i += 1
    }
    return undefined
  }
  const end = s.indexOf("]", start)
  return end === -1 ? undefined : { end }
}

/** Renders segments back into the canonical dotted form used in messages. */
export const formatConfigPath = (segments: ReadonlyArray<PathSegment>): string =>
  segments.reduce<string>((out, segment) => {
    if (typeof segment === "number") return `${out}[${segment}]`
    if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return out === "" ? segment : `${out}.${segment}`
    return `${out}[${JSON.stringify(segment)}]`
  }, "")

const hasOwn = (value: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(value, key)

/** Reads the value at a path; `None` when any step is absent. */
export const getAtPath = (root: unknown, segments: ReadonlyArray<PathSegment>): Option.Option<unknown> => {
  let node: unknown = root
  for (const segment of segments) {
    if (Array.isArray(node)) {
      const index = typeof segment === "number" ? segment : /^\d+$/.test(segment) ? Number(segment) : -1
      if (index < 0 || index >= node.length) return Option.none()
      node = node[index]
    } else if (isRecord(node)) {
      const key = String(segment)
      if (!hasOwn(node, key)) return Option.none()
      node = node[key]
    } else return Option.none()
  }
  return Option.some(node)
}

/** Returns a copy of `root` with `value` at the path, creating objects (or arrays for indexes) on the way. */
export const setAtPath = (root: unknown, segments: ReadonlyArray<PathSegment>, value: unknown): unknown => {
  const [head, ...rest] = segments
  if (head === undefined) return value
  if (Array.isArray(root) && (typeof head === "number" || /^\d+$/.test(head))) {
    const index = Number(head)
    const copy = root.slice()
    copy[index] = setAtPath(copy[index], rest, value)
    return copy
  }
  if (root === undefined && typeof head === "number") {
    const copy: Array<unknown> = []
    copy[head] = setAtPath(undefined, rest, value)
    return copy
  }
  const base = isRecord(root) ? root : {}
  const key = String(head)
  return { ...base, [key]: setAtPath(hasOwn(base, key) ? base[key] : undefined, rest, value) }
}

/** Returns a copy of `root` without the path, or `None` when the path was not there. */
export const unsetAtPath = (root: unknown, segments: ReadonlyArray<PathSegment>): Option.Option<unknown> => {
  const [head, ...rest] = segments
  if (head === undefined) return Option.none()
  if (Array.isArray(root)) {
    const index = typeof head === "number" ? head : /^\d+$/.test(head) ? Number(head) : -1
    if (index < 0 || index >= root.length) return Option.none()
    if (rest.length === 0) return Option.some(root.filter((_, i) => i !== index))
    return Option.map(unsetAtPath(root[index], rest), (child) => root.map((item, i) => (i === index ? child : item)))
  }
  if (!isRecord(root)) return Option.none()
  const key = String(head)
  if (!hasOwn(root, key)) return Option.none()
  if (rest.length === 0) {
    const { [key]: _removed, ...others } = root
    return Option.some(others)
  }
  return Option.map(unsetAtPath(root[key], rest), (child) => ({ ...root, [key]: child }))
}
