/** Pure verdicts of the config write guard and the last-known-good observer (spec section 4). */
import { isRecord } from "./isRecord.js"

const SIZE_DROP_MIN_BASE = 512

/** The bytes OpenClaw writes for a config object: two-space JSON and a trailing newline. */
export const serializeConfig = (config: unknown): string => `${JSON.stringify(config, null, 2)}\n`

export const byteLength = (text: string) => Buffer.byteLength(text, "utf8")

/** `gateway.mode` when it is a non-empty string. */
export const gatewayModeOf = (config: unknown): string | undefined => {
  const gateway = isRecord(config) ? config["gateway"] : undefined
  const mode = isRecord(gateway) ? gateway["mode"] : undefined
  return typeof mode === "string" && mode.trim() !== "" ? mode : undefined
}

export const hasMeta = (config: unknown) => isRecord(config) && isRecord(config["meta"])

/** `true` when `next` bytes shrank below half of a base of at least 512 bytes. */
export const isSizeDrop = (base: number, next: number) =>
  base >= SIZE_DROP_MIN_BASE && next < Math.floor(base * 0.5)

/** What the write knows about the file it is about to replace. */
export type BeforeWrite =
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Unreadable" }
  | { readonly _tag: "Parsed"; readonly config: unknown }

export interface WriteVerdict {
  readonly blocking: ReadonlyArray<string>
  readonly anomalies: ReadonlyArray<string>
}

/** Compares a candidate write with the on-disk config and names what is destructive about it. */
export const judgeWrite = (before: BeforeWrite, next: unknown): WriteVerdict => {
  if (before._tag === "Missing") return { blocking: [], anomalies: [] }
  if (before._tag === "Unreadable") return { blocking: ["unreadable-config-before-write"], anomalies: [] }
  const blocking: Array<string> = []
  const base = byteLength(serializeConfig(before.config))
  const size = byteLength(serializeConfig(next))
  if (isSizeDrop(base, size)) blocking.push(`size-drop:${base}->${size}`)
  if (gatewayModeOf(before.config) !== undefined && gatewayModeOf(next) === undefined) {
    blocking.push("gateway-mode-removed")
  }
  return { blocking, anomalies: hasMeta(before.config) ? [] : ["missing-meta-before-write"] }
}

/** What the observer needs to know about a config: its size and the two shapes a clobber loses. */
export interface ConfigSummary {
  readonly bytes: number
  readonly hasMeta: boolean
  readonly gatewayMode: string | undefined
}

export const summarizeConfig = (config: unknown, text: string): ConfigSummary => ({
  bytes: byteLength(text),
  hasMeta: hasMeta(config),
  gatewayMode: gatewayModeOf(config)
})

/** Compares the config as found on disk with the last-known-good (or backup) copy. */
export const observeAgainstGood = (current: ConfigSummary, good: ConfigSummary): ReadonlyArray<string> => {
  const reasons: Array<string> = []
  if (isSizeDrop(good.bytes, current.bytes)) reasons.push(`size-drop-vs-last-good:${good.bytes}->${current.bytes}`)
  if (good.hasMeta && !current.hasMeta) reasons.push("missing-meta-vs-last-good")
  if (good.gatewayMode !== undefined && current.gatewayMode === undefined) reasons.push("gateway-mode-missing-vs-last-good")
  return reasons
}

const SECRET_KEY = /apiKey|auth|bearer|credential|password|privateKey|secret|token/i
const PLACEHOLDERS = new Set(["***", "[redacted]", "__OPENCLAW_REDACTED__"])

/**
 * Finds a redacted placeholder that must never become last-known-good: `***` anywhere, or an
 * ellipsis-shortened value under a secret-looking key. Returns its dotted path.
 */
export const findRedactedPlaceholder = (config: unknown): string | undefined => {
  const visit = (value: unknown, path: string, secretContext: boolean): string | undefined => {
    if (typeof value === "string") {
      if (PLACEHOLDERS.has(value.trim())) return path
      if (secretContext && (value.includes("...") || value.includes("…"))) return path
      return undefined
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const hit = visit(value[i], `${path}[${i}]`, secretContext)
        if (hit !== undefined) return hit
      }
      return undefined
    }
    if (!isRecord(value)) return undefined
    for (const [key, child] of Object.entries(value)) {
      const hit = visit(child, path === "" ? key : `${path}.${key}`, secretContext || SECRET_KEY.test(key))
      if (hit !== undefined) return hit
    }
    return undefined
  }
  return visit(config, "", false)
}

/** The file-name timestamp: ISO-8601 UTC with `:` and `.` replaced by `-`. */
export const fileTimestamp = (date: Date) => date.toISOString().replace(/[:.]/g, "-")

export const rejectedMessage = (path: string, reasons: ReadonlyArray<string>, savedTo: string) =>
  `Config write rejected: ${path} (${reasons.join(", ")}). Rejected payload saved to ${savedTo}.`
