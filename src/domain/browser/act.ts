import { isRecord } from "../isRecord.js"

/** One `/act` action after validation (spec 5.3). Refs are as the caller gave them. */
export type ActAction =
  | { readonly kind: "click"; readonly ref?: string; readonly selector?: string; readonly doubleClick?: boolean; readonly button?: "left" | "right" | "middle"; readonly modifiers?: ReadonlyArray<string> }
  | { readonly kind: "clickCoords"; readonly x: number; readonly y: number }
  | { readonly kind: "type"; readonly ref?: string; readonly selector?: string; readonly text: string; readonly submit?: boolean; readonly slowly?: boolean }
  | { readonly kind: "press"; readonly key: string; readonly delayMs?: number }
  | { readonly kind: "hover"; readonly ref?: string; readonly selector?: string }
  | { readonly kind: "scrollIntoView"; readonly ref?: string; readonly selector?: string }
  | { readonly kind: "drag"; readonly startRef: string; readonly endRef: string }
  | { readonly kind: "select"; readonly ref?: string; readonly selector?: string; readonly values: ReadonlyArray<string> }
  | { readonly kind: "fill"; readonly fields: ReadonlyArray<{ readonly ref: string; readonly type?: string; readonly value: string | boolean | number }> }
  | { readonly kind: "resize"; readonly width: number; readonly height: number }
  | { readonly kind: "wait"; readonly timeMs?: number; readonly text?: string; readonly textGone?: string; readonly selector?: string; readonly url?: string; readonly loadState?: "load" | "domcontentloaded" | "networkidle"; readonly fn?: string }
  | { readonly kind: "evaluate"; readonly fn: string; readonly ref?: string }
  | { readonly kind: "close" }
  | { readonly kind: "batch"; readonly actions: ReadonlyArray<ActAction>; readonly stopOnError: boolean }

export type ActCode = "ACT_KIND_REQUIRED" | "ACT_INVALID_REQUEST" | "ACT_SELECTOR_UNSUPPORTED" | "ACT_EVALUATE_DISABLED" | "ACT_TARGET_ID_MISMATCH"

export interface ActProblem {
  readonly code: ActCode
  readonly message: string
}

/** A validated action with its optional per-call timeout and target tab. */
export interface ActRequest {
  readonly action: ActAction
  readonly timeoutMs: number | undefined
  readonly targetId: string | undefined
}

const KINDS = ["click", "clickCoords", "type", "press", "hover", "scrollIntoView", "drag", "select", "fill", "resize", "wait", "evaluate", "close", "batch"] as const
const SELECTOR_KINDS = new Set(["click", "type", "hover", "scrollIntoView", "select", "wait"])

const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined)
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined)
const refOf = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? String(v) : str(v))
const invalid = (message: string): ActProblem => ({ code: "ACT_INVALID_REQUEST", message })

const parseOne = (raw: unknown, options: { readonly evaluateEnabled: boolean; readonly targetId: string | undefined; readonly nested: boolean }): ActAction | ActProblem => {
  if (!isRecord(raw)) return invalid("act request must be an object")
  const kind = raw["kind"]
  if (typeof kind !== "string" || !(KINDS as ReadonlyArray<string>).includes(kind)) {
    return { code: "ACT_KIND_REQUIRED", message: kind === undefined ? "kind is required" : `Unknown act kind: ${String(kind)}` }
  }
  const nestedTarget = str(raw["targetId"])
  if (nestedTarget !== undefined && options.targetId !== undefined && nestedTarget !== options.targetId) {
    return { code: "ACT_TARGET_ID_MISMATCH", message: `targetId mismatch: request targets ${options.targetId} but the action names ${nestedTarget}` }
  }
  const selector = str(raw["selector"])
  if (selector !== undefined && !SELECTOR_KINDS.has(kind)) return { code: "ACT_SELECTOR_UNSUPPORTED", message: `selector is not supported for act kind "${kind}"; use ref from snapshot` }
  const ref = refOf(raw["ref"])
  const target = { ...(ref === undefined ? {} : { ref }), ...(selector === undefined ? {} : { selector }) }
  const needTarget = () => (ref === undefined && selector === undefined ? invalid(`${kind} requires ref`) : undefined)
  switch (kind) {
    case "click": {
      const button = raw["button"]
      if (button !== undefined && button !== "left" && button !== "right" && button !== "middle") return invalid("button must be left, right or middle")
      const modifiers = raw["modifiers"]
      if (modifiers !== undefined && !(Array.isArray(modifiers) && modifiers.every((m) => typeof m === "string"))) return invalid("modifiers must be an array of strings")
      return needTarget() ?? { kind, ...target, ...(raw["doubleClick"] === true ? { doubleClick: true } : {}), ...(button === undefined ? {} : { button }), ...(modifiers === undefined ? {} : { modifiers: modifiers as Array<string> }) }
    }
    case "clickCoords": {
      const x = num(raw["x"])
      const y = num(raw["y"])
      return x === undefined || y === undefined ? invalid("clickCoords requires x and y") : { kind, x, y }
    }
    case "type": {
      const text = raw["text"]
      if (typeof text !== "string") return invalid("type requires text")
      return needTarget() ?? { kind, ...target, text, ...(raw["submit"] === true ? { submit: true } : {}), ...(raw["slowly"] === true ? { slowly: true } : {}) }
    }
    case "press": {
      const key = str(raw["key"])
      const delayMs = num(raw["delayMs"])
      return key === undefined ? invalid("press requires key") : { kind, key, ...(delayMs === undefined ? {} : { delayMs }) }
    }
    case "hover":
    case "scrollIntoView":
      return needTarget() ?? { kind, ...target }
    case "drag": {
      const startRef = refOf(raw["startRef"])
      const endRef = refOf(raw["endRef"])
      return startRef === undefined || endRef === undefined ? invalid("drag requires startRef and endRef") : { kind, startRef, endRef }
    }
    case "select": {
      const values = raw["values"]
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === "string")) return invalid("select requires values (a non-empty array of strings)")
      return needTarget() ?? { kind, ...target, values: values as Array<string> }
    }
    case "fill": {
      const fields = raw["fields"]
      if (!Array.isArray(fields) || fields.length === 0) return invalid("fill requires fields (a non-empty array of {ref, value})")
      const parsed: Array<{ ref: string; type?: string; value: string | boolean | number }> = []
      for (const field of fields) {
        const fieldRef = isRecord(field) ? refOf(field["ref"]) : undefined
        const value = isRecord(field) ? field["value"] : undefined
        if (fieldRef === undefined || !(typeof value === "string" || typeof value === "boolean" || typeof value === "number")) return invalid("each fill field needs ref and value")
        const type = isRecord(field) ? str(field["type"]) : undefined
        parsed.push({ ref: fieldRef, value, ...(type === undefined ? {} : { type }) })
      }
      return { kind, fields: parsed }
    }
    case "resize": {
      const width = num(raw["width"])
      const height = num(raw["height"])
      return width === undefined || height === undefined || width <= 0 || height <= 0 ? invalid("resize requires positive width and height") : { kind, width: Math.round(width), height: Math.round(height) }
    }
    case "wait": {
      const rawLoadState = raw["loadState"]
      if (rawLoadState !== undefined && rawLoadState !== "load" && rawLoadState !== "domcontentloaded" && rawLoadState !== "networkidle") return invalid("loadState must be load, domcontentloaded or networkidle")
      const loadState: "load" | "domcontentloaded" | "networkidle" | undefined = rawLoadState
      const fn = str(raw["fn"])
      if (fn !== undefined && !options.evaluateEnabled) return { code: "ACT_EVALUATE_DISABLED", message: "wait --fn is disabled by browser.evaluateEnabled=false" }
      const wait = {
        kind,
        ...(num(raw["timeMs"]) === undefined ? {} : { timeMs: num(raw["timeMs"]) as number }),
        ...(str(raw["text"]) === undefined ? {} : { text: str(raw["text"]) as string }),
        ...(str(raw["textGone"]) === undefined ? {} : { textGone: str(raw["textGone"]) as string }),
        ...(selector === undefined ? {} : { selector }),
        ...(str(raw["url"]) === undefined ? {} : { url: str(raw["url"]) as string }),
        ...(loadState === undefined ? {} : { loadState }),
        ...(fn === undefined ? {} : { fn })
      }
      return Object.keys(wait).length === 1 ? invalid("wait requires one of timeMs, text, textGone, selector, url, loadState, fn") : wait
    }
    case "evaluate": {
      if (!options.evaluateEnabled) return { code: "ACT_EVALUATE_DISABLED", message: "evaluate is disabled by browser.evaluateEnabled=false" }
      const fn = str(raw["fn"])
      return fn === undefined ? invalid("evaluate requires fn") : { kind, fn, ...(ref === undefined ? {} : { ref }) }
    }
    case "close":
      return { kind }
    case "batch": {
      if (options.nested) return invalid("batch actions cannot be nested")
      const actions = raw["actions"]
      if (!Array.isArray(actions) || actions.length === 0) return invalid("batch requires actions (a non-empty array)")
      const parsed: Array<ActAction> = []
      for (const action of actions) {
        const one = parseOne(action, { ...options, nested: true })
        if ("code" in one) return one
        parsed.push(one)
      }
      return { kind, actions: parsed, stopOnError: raw["stopOnError"] !== false }
    }
  }
  return { code: "ACT_KIND_REQUIRED", message: `Unknown act kind: ${kind}` }
}

/**
 * Validates an `/act` body (`{kind, ...}` or `{request: {kind, ...}}`) into an action, or the
 * spec's `{code, message}` (5.2).
 */
export const parseActRequest = (body: unknown, options: { readonly evaluateEnabled: boolean }): ActRequest | ActProblem => {
  if (!isRecord(body)) return invalid("act request must be an object")
  const inner = isRecord(body["request"]) ? body["request"] : body
  const outerTarget = str(body["targetId"])
  const innerTarget = str(inner["targetId"])
  if (outerTarget !== undefined && innerTarget !== undefined && outerTarget !== innerTarget) {
    return { code: "ACT_TARGET_ID_MISMATCH", message: `targetId mismatch: request targets ${outerTarget} but the action names ${innerTarget}` }
  }
  const targetId = outerTarget ?? innerTarget
  const action = parseOne(inner, { evaluateEnabled: options.evaluateEnabled, targetId, nested: false })
  if ("code" in action) return action
  const timeoutMs = num(inner["timeoutMs"]) ?? num(body["timeoutMs"])
  return { action, timeoutMs, targetId }
}
