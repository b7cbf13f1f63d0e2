import { Buffer } from "node:buffer"
import * as path from "node:path"
import { REDACTED } from "./config/redact.js"
import { memoized } from "./memoized.js"

/** File log levels, quietest first (`logging.level`). */
export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const
export type LogThreshold = (typeof LOG_LEVELS)[number]

export const DEFAULT_LOG_LEVEL: LogThreshold = "info"
export const DEFAULT_MAX_FILE_BYTES = 104_857_600
/** Rotated archives kept beside the active file: `.1.log` (newest) … `.5.log` (oldest). */
export const MAX_ROTATED_FILES = 5
export const PRUNE_AGE_MS = 24 * 60 * 60 * 1000
export const TAIL_DEFAULT_LIMIT = 200
export const TAIL_MAX_LIMIT = 5000
export const TAIL_DEFAULT_MAX_BYTES = 250_000
export const TAIL_MAX_MAX_BYTES = 1_000_000

/** Position of a level in LOG_LEVELS (silent = 0, trace = 6). */
export const levelRank = (level: LogThreshold): number => LOG_LEVELS.indexOf(level)

/** Whether a record at `level` is written under the configured `threshold`. */
export const levelEnabled = (threshold: LogThreshold, level: LogThreshold): boolean =>
  level !== "silent" && threshold !== "silent" && levelRank(level) <= levelRank(threshold)

const pad2 = (n: number) => String(n).padStart(2, "0")

/** `YYYY-MM-DD` in the host's local timezone. */
export const localDateKey = (date: Date): string =>
  `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`

/** The daily file name: `openclaw-YYYY-MM-DD.log`, or `openclaw-<profile>-YYYY-MM-DD.log` for a named profile. */
export const logFileName = (date: Date, profile?: string | undefined): string => {
  const name = profile?.trim() ?? ""
  return name === "" ? `openclaw-${localDateKey(date)}.log` : `openclaw-${name}-${localDateKey(date)}.log`
}

/** The default log directory under the fixed root temp dir (`/tmp` on POSIX, not `os.tmpdir()`). */
export const defaultLogDir = (rootTmp: string): string => path.join(rootTmp, "openclaw")

/** The user-scoped fallback when the default directory is unsafe (or on Windows): `<os tmp>/openclaw-<uid>`. */
export const fallbackLogDir = (osTmp: string, uid: number | undefined): string =>
  path.join(osTmp, uid === undefined ? "openclaw" : `openclaw-${uid}`)

/** What the safety check needs to know about an existing log directory (from `lstat`). */
export interface LogDirFacts {
  readonly isSymbolicLink: boolean
  readonly isDirectory: boolean
  readonly uid: number
  readonly mode: number
}

/** A shared log directory is unsafe when it is a symlink, not a directory, owned by someone else, or world-writable. */
export const isUnsafeLogDir = (facts: LogDirFacts, ownUid: number | undefined): boolean =>
  facts.isSymbolicLink || !facts.isDirectory || (ownUid !== undefined && facts.uid !== ownUid) ||
  (facts.mode & 0o002) !== 0

/** The n-th rotated archive of `file`: `openclaw-2026-07-01.log` → `openclaw-2026-07-01.<n>.log`. */
export const rotatedName = (file: string, n: number): string => {
  const ext = path.extname(file)
  return ext === "" ? `${file}.${n}` : `${file.slice(0, -ext.length)}.${n}${ext}`
}

const PRUNABLE = /^openclaw-.+\.log$/

/** Files the pruner may delete (`openclaw-*.log`, rotated archives included). */
export const isPrunableLogName = (name: string): boolean => PRUNABLE.test(name)

/** Whether a file last modified at `mtimeMs` is past the 24 h retention at `nowMs`. */
export const isExpired = (mtimeMs: number, nowMs: number): boolean => nowMs - mtimeMs > PRUNE_AGE_MS

// ---------------------------------------------------------------------------------------------------------
// Tail options

export interface TailRequest {
  readonly cursor: number | undefined
  readonly limit: number
  readonly maxBytes: number
}

const clampInt = (value: number | undefined, fallback: number, max: number) =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(1, Math.floor(value)))

/** Applies the `logs.tail` defaults and caps (limit 200 ≤ 5000, maxBytes 250000 ≤ 1e6); a bad cursor counts as none. */
export const clampTailOptions = (options: {
  readonly cursor?: number | undefined
  readonly limit?: number | undefined
  readonly maxBytes?: number | undefined
}): TailRequest => ({
  cursor: options.cursor === undefined || !Number.isFinite(options.cursor) || options.cursor < 0
    ? undefined
    : Math.floor(options.cursor),
  limit: clampInt(options.limit, TAIL_DEFAULT_LIMIT, TAIL_MAX_LIMIT),
  maxBytes: clampInt(options.maxBytes, TAIL_DEFAULT_MAX_BYTES, TAIL_MAX_MAX_BYTES)
})

/** One complete line of a chunk and the byte offset just past its newline. */
export interface ScannedLine {
  readonly line: string
  readonly end: number
}

/**
 * The complete (newline-terminated) lines of `chunk`. When `midLine`, the chunk starts inside a line, so
 * the bytes up to the first newline are a fragment and skipped. `consumed` is the offset just past the
 * last newline (0 when there is none); a trailing partial line is never returned. Blank lines are dropped.
 */
export const scanLines = (chunk: Buffer, midLine: boolean): { readonly lines: ReadonlyArray<ScannedLine>; readonly consumed: number } => {
  let start = 0
  if (midLine) {
    const first = chunk.indexOf(0x0a)
    if (first < 0) return { lines: [], consumed: 0 }
    start = first + 1
  }
  const lines: Array<ScannedLine> = []
  for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
    const stop = nl > start && chunk[nl - 1] === 0x0d ? nl - 1 : nl
    const line = chunk.toString("utf8", start, stop)
    if (line !== "") lines.push({ line, end: nl + 1 })
    start = nl + 1
  }
  return { lines, consumed: start }
}

// ---------------------------------------------------------------------------------------------------------
// Records and redaction

const SECRET_FIELD = /token|password|passwd|passphrase|secret|api[-_]?key|private[-_]?key|bearer|authorization|cookie/i

/** Whether a field with this key holds a secret (its value is written as `***`). */
export const isSecretFieldKey = (key: string): boolean => SECRET_FIELD.test(key)

// Built-in text scrubbing, always on: bearer credentials and `token=…`-style query/assignment values.
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi
const ASSIGNMENT = /\b((?:access_|refresh_|id_)?token|password|secret|api[-_]?key)=([^\s&"',;]+)/gi
// A validation message quoting the value it was given (`Expected string, actual "<value>"`): whatever a client
// put in the wrong field may be its token.
const QUOTED_ACTUAL = /\bactual ("(?:[^"\\]|\\.)*"|\[[^\]]*\]?|\{[^}]*\}?|\S+)/g
// A quoted opaque string of 24+ base64url/hex characters mixing letters and digits: the shape of a token.
const QUOTED_TOKEN = /"(?=[^"]*\d)(?=[^"]*[A-Za-z])[A-Za-z0-9_\-+/=.~]{24,}"/g
// What each built-in rule needs to match at all: "bearer", one of ASSIGNMENT's keys followed by "=", a quote, "actual".
const MAY_HOLD_SECRET = /bearer|(?:token|password|secret|api[-_]?key)=|"|actual/i

/**
 * Compiles `logging.redactPatterns`: raw strings get the `gi` flags, `/pattern/flags` keeps its flags (plus
 * `g`). Invalid patterns are ignored.
 */
export const compileRedactPatterns = (patterns: ReadonlyArray<string>): ReadonlyArray<RegExp> => {
  const compiled: Array<RegExp> = []
  for (const pattern of patterns) {
    if (typeof pattern !== "string" || pattern === "") continue
    const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern)
    try {
      if (literal !== null) {
        const flags = literal[2] ?? ""
        compiled.push(new RegExp(literal[1] ?? "", flags.includes("g") ? flags : `${flags}g`))
      } else {
        compiled.push(new RegExp(pattern, "gi"))
      }
    } catch {
      // An invalid pattern must not break logging.
    }
  }
  return compiled
}

/** `text` with bearer credentials, `token=` values, quoted token-shaped values and every match of `patterns` replaced by `***`. */
export const redactText = (text: string, patterns: ReadonlyArray<RegExp> = []): string => {
  // Every built-in rule needs one of these; most log strings (ids, method names) have none.
  let out = !MAY_HOLD_SECRET.test(text) ? text : text
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(ASSIGNMENT, (_match, key: string) => `${key}=${REDACTED}`)
    .replace(QUOTED_ACTUAL, `actual ${REDACTED}`)
    .replace(QUOTED_TOKEN, `"${REDACTED}"`)
  for (const pattern of patterns) {
    pattern.lastIndex = 0
    out = out.replace(pattern, (match) => (match === "" ? match : REDACTED))
  }
  return out
}

const MAX_DEPTH = 8

const safeString = (value: unknown): string => {
  try {
    return String(value)
  } catch {
    return "[unserializable]"
  }
}

const hasToJSON = (value: object): value is { toJSON: () => unknown } =>
  "toJSON" in value && typeof value.toJSON === "function"

/** A JSON-safe, redacted copy of `value`: cycles, bigints, functions, errors and throwing getters never escape. */
const sanitize = (
  value: unknown,
  key: string,
  ancestors: Array<object>,
  patterns: ReadonlyArray<RegExp>
): unknown => {
  if (value === null || value === undefined) return value
  if (key !== "" && isSecretFieldKey(key)) return REDACTED
  switch (typeof value) {
    case "string":
      return redactText(value, patterns)
    case "number":
      return Number.isFinite(value) ? value : String(value)
    case "boolean":
      return value
    case "bigint":
      return value.toString()
    case "symbol":
      return value.toString()
    case "function":
      return `[Function${value.name === "" ? "" : `: ${value.name}`}]`
    default:
      break
  }
  if (typeof value !== "object") return redactText(safeString(value), patterns)
  if (ancestors.includes(value)) return "[Circular]"
  if (ancestors.length >= MAX_DEPTH) return Array.isArray(value) ? "[Array]" : "[Object]"
  try {
    ancestors.push(value)
    const inner = (v: unknown, k: string) => sanitize(v, k, ancestors, patterns)
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()
    if (value instanceof Error) {
      const own = Object.entries(value).map(([k, v]) => [k, inner(v, k)] as const)
      return Object.fromEntries([
        ["name", value.name],
        ["message", redactText(value.message, patterns)],
        ...(value.stack === undefined ? [] : [["stack", redactText(value.stack, patterns)] as const]),
        ...own
      ])
    }
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name}(${value.byteLength})]`
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : inner(item, "")))
    if (value instanceof Map) {
      return Object.fromEntries(Array.from(value.entries(), ([k, v]) => [safeString(k), inner(v, safeString(k))]))
    }
    if (value instanceof Set) return Array.from(value, (item) => inner(item, ""))
    if (hasToJSON(value)) return inner(value.toJSON(), "")
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, inner(v, k)])
    )
  } catch {
    return redactText(safeString(value), patterns)
  } finally {
    ancestors.pop()
  }
}

/** The fields of a log record that formatRecord reads. */
export interface FormattableRecord {
  readonly level: string
  readonly message: string
  readonly fields?: Readonly<Record<string, unknown>> | undefined
}

const CORE_KEYS = new Set(["time", "level", "message", "hostname"])

// Keys come from code (subsystem, method, connId, ...): each is tested against the secret pattern once.
const isSecretKeyCached = memoized(isSecretFieldKey, 1024)

// An integer-like key would be written first by JSON.stringify; the line keeps the order the fields were given in.
const INTEGER_KEY = /^(?:0|[1-9]\d*)$/
const isIntegerKey = (key: string): boolean => {
  const first = key.charCodeAt(0)
  return first >= 48 && first <= 57 && INTEGER_KEY.test(key)
}

/** The JSON text of the line's level and host name (written as given, not redacted). */
const quotedOnce = memoized((value: string) => JSON.stringify(value), 64)

// Lines logged within the same millisecond (every RPC of a busy gateway logs one) share the time's text.
let lastTime: { readonly millis: number; readonly text: string } | undefined
const timeText = (now: Date): string => {
  const millis = now.getTime()
  if (Number.isNaN(millis)) return safeString(now)
  if (lastTime === undefined || lastTime.millis !== millis) lastTime = { millis, text: now.toISOString() }
  return lastTime.text
}

/**
 * One JSON line (no trailing newline): `{"time", "level", "message", "hostname", ...fields}` with secrets
 * redacted. Fields never override the core keys. Never throws. Written as text, field by field: one line per
 * RPC goes through here, and building an object to stringify it cost twice as much.
 */
export const formatRecord = (
  record: FormattableRecord,
  now: Date,
  hostname: string,
  patterns: ReadonlyArray<RegExp> = []
): string => {
  const message = redactText(typeof record.message === "string" ? record.message : safeString(record.message), patterns)
  const core = `{"time":"${timeText(now)}","level":${quotedOnce(safeString(record.level))},"message":${JSON.stringify(message)},"hostname":${quotedOnce(hostname)}`
  let line = core
  try {
    const fields = record.fields
    if (fields !== undefined) {
      let integers: Array<string> | undefined
      for (const key in fields) {
        if (!Object.hasOwn(fields, key) || CORE_KEYS.has(key)) continue
        if (isIntegerKey(key)) {
          ;(integers ??= []).push(key)
          continue
        }
        const text = fieldText(fields[key], key, patterns)
        if (text !== undefined) line += `,${JSON.stringify(key)}:${text}`
      }
      // Integer-like keys go first, as an object would order them (rare: records passed through from elsewhere).
      if (integers !== undefined) {
        let head = ""
        for (const key of integers.sort((a, b) => Number(a) - Number(b))) {
          const text = fieldText(fields[key], key, patterns)
          if (text !== undefined) head += `,${JSON.stringify(key)}:${text}`
        }
        line = `{${head.slice(1)}${head === "" ? "" : ","}${line.slice(1)}`
      }
    }
    return `${line}}`
  } catch {
    return `${core}}`
  }
}

/** One field's value as JSON text, redacted; `undefined` leaves the field out. */
const fieldText = (value: unknown, key: string, patterns: ReadonlyArray<RegExp>): string | undefined => {
  let sanitized: unknown
  try {
    if (value !== null && value !== undefined && isSecretKeyCached(key)) sanitized = REDACTED
    else if (typeof value === "string") sanitized = redactText(value, patterns)
    else if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return String(value)
    else sanitized = sanitize(value, key, [], patterns)
  } catch {
    sanitized = "[unserializable]"
  }
  return sanitized === undefined ? undefined : JSON.stringify(sanitized)
}
