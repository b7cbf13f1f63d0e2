import { Schema } from "effect"
import { opt } from "../opt.js"
import type { CronDelivery, CronJob, CronPayload } from "./job.js"
import { SCRIPT_TIMEOUT_MAX_S, SCRIPT_TOOL_BUDGET_MAX, ScriptPayload } from "./script.js"

const Str = Schema.String
const Num = Schema.Number
/** A patch field: absent keeps the stored value, `null` removes it (the original's `cron.update`). */
const clearable = <S extends Schema.Schema.Any>(schema: S) => opt(Schema.NullOr(schema))

/**
 * `cron.update`'s `patch.payload`: the fields to change in a payload of this kind (`null` removes one).
 * A different kind replaces the payload and must then be complete.
 */
export const CronPayloadPatch = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("systemEvent"), text: opt(Str) }),
  Schema.Struct({
    kind: Schema.Literal("agentTurn"),
    message: opt(Str),
    model: clearable(Str),
    fallbacks: clearable(Schema.Array(Str)),
    thinking: clearable(Str),
    timeoutSeconds: clearable(Num),
    lightContext: opt(Schema.Boolean),
    toolsAllow: clearable(Schema.Array(Str))
  }),
  Schema.Struct({
    kind: Schema.Literal("command"),
    argv: opt(Schema.Array(Str).pipe(Schema.minItems(1))),
    cwd: opt(Str),
    env: opt(Schema.Record({ key: Str, value: Str })),
    input: opt(Str),
    timeoutSeconds: clearable(Num),
    noOutputTimeoutSeconds: clearable(Num.pipe(Schema.nonNegative())),
    outputMaxBytes: clearable(Schema.Int.pipe(Schema.positive()))
  }),
  Schema.Struct({
    kind: Schema.Literal("script"),
    script: opt(ScriptPayload.fields.script),
    timeoutSeconds: clearable(Schema.Int.pipe(Schema.between(1, SCRIPT_TIMEOUT_MAX_S))),
    toolBudget: clearable(Schema.Int.pipe(Schema.between(1, SCRIPT_TOOL_BUDGET_MAX)))
  })
)
export type CronPayloadPatch = typeof CronPayloadPatch.Type

/** `cron.update`'s `patch.delivery`: fields to change (`null` removes a routing field). */
export const CronDeliveryPatch = Schema.Struct({
  mode: opt(Schema.Literal("none", "announce", "webhook")),
  channel: clearable(Str),
  to: clearable(Str),
  accountId: clearable(Str),
  threadId: clearable(Schema.Union(Str, Num)),
  bestEffort: opt(Schema.Boolean)
})
export type CronDeliveryPatch = typeof CronDeliveryPatch.Type

/** The job fields a patch may remove with `null`. */
export const ClearableJobFields = {
  agentId: clearable(Str),
  sessionKey: clearable(Str),
  displayName: clearable(Str)
}

type Problem = { readonly error: string }
const isProblem = (value: unknown): value is Problem => typeof value === "object" && value !== null && "error" in value

/** `value` with the patch's fields laid over it: `null` removes, absent keeps. */
const merge = (value: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> => {
  const next: Record<string, unknown> = { ...value }
  for (const [key, field] of Object.entries(patch)) {
    if (field === null) delete next[key]
    else if (field !== undefined) next[key] = field
  }
  return next
}

const REQUIRED: Readonly<Record<CronPayloadPatch["kind"], string>> = { systemEvent: "text", agentTurn: "message", command: "argv", script: "script" }

/** The payload after a patch, or why it cannot apply (a kind change without the new kind's main field). */
export const applyPayloadPatch = (current: CronPayload, patch: CronPayloadPatch): CronPayload | Problem => {
  if (current.kind === "heartbeat") return { error: "the heartbeat monitor's payload is owned by the gateway and cannot be edited" }
  const base: Record<string, unknown> = current.kind === patch.kind ? current : { kind: patch.kind }
  const next = merge(base, patch)
  const required = REQUIRED[patch.kind]
  if (next[required] === undefined) {
    return { error: `payload.kind "${patch.kind}" replaces a ${current.kind} payload: it needs payload.${required} (e.g. --${patch.kind === "agentTurn" ? "message" : patch.kind === "command" ? "command" : patch.kind === "script" ? "script" : "system-event"})` }
  }
  return next as CronPayload
}

/** The delivery after a patch (a new delivery announces unless the patch names a mode). */
export const applyDeliveryPatch = (current: CronDelivery | undefined, patch: CronDeliveryPatch): CronDelivery => {
  const { threadId, ...rest } = patch
  const next = merge({ mode: "announce", ...current }, { ...rest, ...(threadId === undefined ? {} : { threadId: threadId === null ? null : String(threadId) }) })
  return next as CronDelivery
}

/** What `cron.update` may carry besides the plain fields it replaces. */
export interface JobPatchParts {
  readonly payload?: CronPayloadPatch | undefined
  readonly delivery?: CronDeliveryPatch | undefined
  readonly agentId?: string | null | undefined
  readonly sessionKey?: string | null | undefined
  readonly displayName?: string | null | undefined
}

/**
 * A job with a patch applied: payload and delivery are merged field by field, `null` removes a field,
 * every other given field replaces the stored one. Pure; the scheduler validates and reschedules.
 */
export const applyJobPatch = <P extends JobPatchParts>(current: CronJob, patch: P): CronJob | Problem => {
  const { payload, delivery, ...plain } = patch
  const nextPayload = payload === undefined ? current.payload : applyPayloadPatch(current.payload, payload)
  if (isProblem(nextPayload)) return nextPayload
  const merged = merge(current, plain as Record<string, unknown>)
  return {
    ...merged,
    payload: nextPayload,
    ...(delivery === undefined ? {} : { delivery: applyDeliveryPatch(current.delivery, delivery) })
  } as CronJob
}
