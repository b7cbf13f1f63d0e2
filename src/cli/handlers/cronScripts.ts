import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import { SCRIPT_SOURCE_MAX_BYTES } from "../../domain/cron/script.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { stdinText } from "../stdinText.js"

/** The script flags of `cron add|edit`. */
export interface ScriptFlags {
  readonly script?: string | undefined
  readonly triggerScript?: string | undefined
  readonly triggerOnce?: boolean | undefined
  readonly clearTrigger?: boolean | undefined
}

/** A script from a file or, with `-`, standard input: at most 64 KB, trimmed, not empty. */
const readScript = (source: string, label: string) =>
  Effect.gen(function*() {
    const tooLarge = `${label} exceeds ${SCRIPT_SOURCE_MAX_BYTES} bytes`
    let text: string
    if (source === "-") text = yield* stdinText(SCRIPT_SOURCE_MAX_BYTES, tooLarge)
    else {
      const fs = yield* FileSystem.FileSystem
      const info = yield* Effect.mapError(fs.stat(source), (error) => `Cannot read ${label.toLowerCase()} ${source}: ${describePlatformError(error)}`)
      if (info.type !== "File") return yield* Effect.fail(`Cannot read ${label.toLowerCase()} ${source}: not a file`)
      if (Number(info.size) > SCRIPT_SOURCE_MAX_BYTES) return yield* Effect.fail(tooLarge)
      text = yield* Effect.mapError(fs.readFileString(source), (error) => `Cannot read ${label.toLowerCase()} ${source}: ${describePlatformError(error)}`)
    }
    const script = text.trim()
    if (script === "") return yield* Effect.fail(`${label} must not be empty`)
    return script
  })

/**
 * Reads what `--script` and `--trigger-script` name, before anything is sent: the script texts, or the
 * message of the first problem (blank flag, both from stdin, unreadable, too large, empty).
 */
export const readScriptSources = (flags: ScriptFlags): Effect.Effect<{ readonly script?: string; readonly trigger?: string }, string, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    if (flags.script !== undefined && flags.script.trim() === "") return yield* Effect.fail("--script must not be blank")
    if (flags.triggerScript !== undefined && flags.triggerScript.trim() === "") return yield* Effect.fail("--trigger-script must not be blank")
    if (flags.script === "-" && flags.triggerScript === "-") return yield* Effect.fail("--script and --trigger-script cannot both read standard input; pass one of them as a file")
    if (flags.clearTrigger === true && (flags.triggerScript !== undefined || flags.triggerOnce === true)) return yield* Effect.fail("Use --clear-trigger or trigger options, not both")
    const script = flags.script === undefined ? undefined : yield* readScript(flags.script.trim(), "Script payload")
    const trigger = flags.triggerScript === undefined ? undefined : yield* readScript(flags.triggerScript.trim(), "Trigger script")
    return { ...(script === undefined ? {} : { script }), ...(trigger === undefined ? {} : { trigger }) }
  })

/** Does `cron edit` need the stored job to apply these flags (its script limits, `--trigger-once` alone, keeping `once`)? */
export const editNeedsExisting = (flags: ScriptFlags & { readonly scriptTimeoutSeconds?: number | undefined; readonly scriptToolBudget?: number | undefined }) =>
  flags.script !== undefined || flags.scriptTimeoutSeconds !== undefined || flags.scriptToolBudget !== undefined || flags.triggerOnce === true || flags.triggerScript !== undefined

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The `payload` and `trigger` fields of a `cron edit` patch from the script flags: a new script keeps
 * the stored limits unless new ones are given; limits alone change the stored script job's;
 * `--trigger-script` keeps the stored `once`; `--trigger-once` alone needs a stored trigger;
 * `--clear-trigger` removes it.
 */
export const scriptEditPatch = (
  flags: ScriptFlags & { readonly scriptTimeoutSeconds?: number | undefined; readonly scriptToolBudget?: number | undefined },
  sources: { readonly script?: string; readonly trigger?: string },
  existing: Record<string, unknown> | undefined
): { readonly patch: Record<string, unknown> } | { readonly error: string } => {
  const storedPayload = isRecord(existing?.["payload"]) ? existing["payload"] : undefined
  const storedTrigger = isRecord(existing?.["trigger"]) ? existing["trigger"] : undefined
  const limits = {
    ...(flags.scriptTimeoutSeconds === undefined ? {} : { timeoutSeconds: flags.scriptTimeoutSeconds }),
    ...(flags.scriptToolBudget === undefined ? {} : { toolBudget: flags.scriptToolBudget })
  }
  const patch: Record<string, unknown> = {}
  if (sources.script !== undefined) {
    const kept = storedPayload?.["kind"] === "script" ? { timeoutSeconds: storedPayload["timeoutSeconds"], toolBudget: storedPayload["toolBudget"] } : {}
    patch["payload"] = Object.fromEntries(Object.entries({ ...kept, kind: "script", script: sources.script, ...limits }).filter(([, v]) => v !== undefined))
  } else if (Object.keys(limits).length > 0) {
    if (storedPayload?.["kind"] !== "script") return { error: "--script-timeout-seconds and --script-tool-budget apply to script jobs; pass --script to make this a script job" }
    patch["payload"] = { ...storedPayload, ...limits }
  }
  if (flags.clearTrigger === true) patch["trigger"] = null
  else if (sources.trigger !== undefined) patch["trigger"] = { ...storedTrigger, script: sources.trigger, ...(flags.triggerOnce === true ? { once: true } : {}) }
  else if (flags.triggerOnce === true) {
    if (storedTrigger === undefined) return { error: "--trigger-once requires an existing trigger or --trigger-script" }
    patch["trigger"] = { ...storedTrigger, once: true }
  }
  return { patch }
}
