import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Console, Effect } from "effect"
import { CRON_SCRATCH_MAX_BYTES } from "../../domain/cron/scratch.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { applyStreamFlags, deliveryFromFlags, hasStreamMetadata, type JobFlags, pacingFromFlags, payloadFromFlags, scheduleFromFlags, scriptLimitsProblem } from "../../domain/cron/addInput.js"
import { editNeedsPayloadKind, editPatchFromFlags, type EditFlags } from "../../domain/cron/editPatch.js"
import { failureAlertPatch, type FailureAlertFlags } from "../../domain/cron/failureAlertFlags.js"
import { completionOf, parseWaitDurationMs, RUN_WAIT_POLL_INTERVAL_DEFAULT, RUN_WAIT_TIMEOUT_DEFAULT } from "../../domain/cron/runWait.js"
import type { CronPacing } from "../../domain/cron/pacing.js"
import type { StreamSchedule } from "../../domain/cron/schedule.js"
import { renderJobTable } from "../../domain/cron/view.js"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import type { GatewayClientError } from "../../domain/protocol/clientErrors.js"
import { type ClientConfigError, type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { renderError } from "../render.js"
import { stdinText } from "../stdinText.js"
import { waitForRun } from "./cronRunWait.js"
import { editNeedsExisting, readScriptSources, type ScriptFlags, scriptEditPatch } from "./cronScripts.js"

const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

/**
 * A failure as the original's cron and system commands report it: a JSON envelope on stdout (the
 * commands' output is JSON), the message on stderr, exit 1.
 */
export const cliFailure = (message: string) =>
  Effect.gen(function*() {
    yield* printJson({ ok: false, error: { type: "cli_error", message } })
    yield* Console.error(message)
    return yield* new CliExit({ code: 1 })
  })

const messageOf = (error: GatewayClientError | ClientConfigError): string =>
  error._tag === "GatewayRpcError" ? error.message : renderError(error).lines.join("\n")

/** Runs a gateway call, turning any client error into the envelope. */
export const viaGateway = <A>(effect: Effect.Effect<A, GatewayClientError | ClientConfigError, GatewayClient>) =>
  Effect.catchAll(effect, (error) => cliFailure(messageOf(error)))

/** `2026-12-06T14:58:11.702+00:00`: how `cron runs` spells the times it adds. */
const isoOf = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00")

export const status = (options: ConnectOptions) =>
  viaGateway(Effect.flatMap(GatewayClient, (client) => client.call(CronMethods.status, {}, options))).pipe(Effect.flatMap(printJson))

export const list = (args: { readonly all: boolean; readonly agent: string | undefined; readonly json: boolean }, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.list, { includeDisabled: args.all, ...(args.agent === undefined ? {} : { agentId: args.agent }) }, options))
    if (args.json) return yield* printJson(result)
    if (result.jobs.length === 0) return yield* Console.log("No cron jobs.")
    const now = yield* Clock.currentTimeMillis
    yield* Console.log(renderJobTable(result.jobs, result.deliveryPreviews ?? {}, now))
  })

const flagsProblem = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && "error" in value ? String((value as { error: unknown }).error) : undefined

export const add = (flags: JobFlags & ScriptFlags & { readonly positionalName: string | undefined }, options: ConnectOptions) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const name = flags.name ?? flags.positionalName
    if (name === undefined || name.trim() === "") return yield* cliFailure("--name is required")
    const schedule = scheduleFromFlags(flags, now)
    if (schedule === undefined) return yield* cliFailure(hasStreamMetadata(flags) ? "Stream options require --stream-command" : "Choose a schedule: --at, --every, --cron, --on-exit, or --stream-command")
    const scheduleProblem = flagsProblem(schedule)
    if (scheduleProblem !== undefined) return yield* cliFailure(scheduleProblem)
    if (flags.triggerOnce === true && flags.triggerScript === undefined) return yield* cliFailure("--trigger-once requires --trigger-script")
    const sources = yield* Effect.catchAll(readScriptSources(flags), cliFailure)
    const payload = payloadFromFlags({ ...flags, scriptSource: sources.script })
    if (payload === undefined) return yield* cliFailure("Choose a payload: --system-event, --message, --command, or --script")
    const payloadProblem = flagsProblem(payload)
    if (payloadProblem !== undefined) return yield* cliFailure(payloadProblem)
    if ("error" in schedule || "error" in payload) return
    const pacing = pacingFromFlags(flags)
    const pacingProblem = flagsProblem(pacing)
    if (pacingProblem !== undefined) return yield* cliFailure(pacingProblem)
    const session = flags.session
    // A main-session script's `notify` becomes a system event: nothing to deliver.
    const delivery = payload.kind === "script" && session === "main" ? undefined : deliveryFromFlags(flags, payload)
    if (session !== undefined && !["main", "isolated", "current"].includes(session) && !session.startsWith("session:")) {
      return yield* cliFailure(`Invalid --session "${session}": use main, isolated, current or session:<id>`)
    }
    if (flags.wake !== undefined && flags.wake !== "now" && flags.wake !== "next-heartbeat") return yield* cliFailure(`Invalid --wake "${flags.wake}": use now or next-heartbeat`)
    const client = yield* GatewayClient
    const job = yield* viaGateway(client.call(CronMethods.add, {
      name,
      schedule,
      payload,
      ...(sources.trigger === undefined ? {} : { trigger: { script: sources.trigger, ...(flags.triggerOnce === true ? { once: true } : {}) } }),
      ...(session === undefined ? {} : { sessionTarget: session as "main" }),
      ...(flags.wake === undefined ? {} : { wakeMode: flags.wake as "now" }),
      ...(delivery === undefined ? {} : { delivery }),
      ...(flags.agent === undefined ? {} : { agentId: flags.agent }),
      ...(flags.description === undefined ? {} : { description: flags.description }),
      ...(flags.disabled === true ? { enabled: false } : {}),
      ...(flags.deleteAfterRun === true ? { deleteAfterRun: true } : flags.keepAfterRun === true ? { deleteAfterRun: false } : {}),
      ...(flags.displayName === undefined ? {} : { displayName: flags.displayName }),
      ...(flags.sessionKey === undefined ? {} : { sessionKey: flags.sessionKey }),
      ...(flags.declarationKey === undefined ? {} : { declarationKey: flags.declarationKey }),
      ...(pacing === undefined || pacing === null || "error" in pacing ? {} : { pacing })
    }, options))
    yield* printJson(job)
  })

export const edit = (id: string, flags: EditFlags & ScriptFlags & { readonly failureAlert?: FailureAlertFlags }, options: ConnectOptions) =>
  Effect.gen(function*() {
    const alert = flags.failureAlert === undefined ? {} : failureAlertPatch(flags.failureAlert)
    if ("error" in alert) return yield* cliFailure(alert.error)
    const now = yield* Clock.currentTimeMillis
    const sources = yield* Effect.catchAll(readScriptSources(flags), cliFailure)
    if (flags.script !== undefined && flags.timeoutSeconds !== undefined) return yield* cliFailure("Use --script-timeout-seconds for script jobs, not --timeout-seconds.")
    const limitsProblem = scriptLimitsProblem(flags)
    if (limitsProblem !== undefined) return yield* cliFailure(limitsProblem)
    const client = yield* GatewayClient
    // `--stream-mode` and friends alone change the stored stream schedule; pacing bounds merge into the stored ones.
    const streamOnly = scheduleFromFlags(flags, now) === undefined && hasStreamMetadata(flags)
    const pacingGiven = flags.pacingMin !== undefined || flags.pacingMax !== undefined
    const needsStored = streamOnly || (pacingGiven && flags.clearPacing !== true)
    // Script limits, `--trigger-once` alone, `--timeout-seconds` or `--tools` alone depend on the stored job: read it first.
    const existing = needsStored || editNeedsExisting(flags) || editNeedsPayloadKind(flags) ? yield* findJob(id, options) : undefined
    const existingKind = editNeedsPayloadKind(flags) ? String((existing?.["payload"] as { kind?: unknown } | undefined)?.kind) : undefined
    const fielded = editPatchFromFlags(flags, now, existingKind)
    if ("error" in fielded) return yield* cliFailure(fielded.error)
    const storedSchedule = existing?.["schedule"] as { readonly kind?: unknown } | undefined
    let streamSchedule: StreamSchedule | undefined
    if (streamOnly) {
      if (storedSchedule?.kind !== "stream") return yield* cliFailure("Current job is not a stream schedule; use --stream-command to convert first")
      const patched = applyStreamFlags(storedSchedule as StreamSchedule, flags)
      if ("error" in patched) return yield* cliFailure(patched.error)
      streamSchedule = patched
    }
    const pacing = pacingFromFlags(flags, existing?.["pacing"] as CronPacing | undefined)
    if (pacing !== undefined && pacing !== null && "error" in pacing) return yield* cliFailure(pacing.error)
    const scripted = scriptEditPatch(flags, sources, existing)
    if ("error" in scripted) return yield* cliFailure(scripted.error)
    if (fielded.payload !== undefined && scripted.patch["payload"] !== undefined) {
      return yield* cliFailure("Choose at most one payload change: --script (and its limits) or system-event, agent-turn or command options")
    }
    const patch = { ...fielded, ...(streamSchedule === undefined ? {} : { schedule: streamSchedule }), ...(pacing === undefined ? {} : { pacing }), ...scripted.patch, ...(alert.patch === undefined ? {} : { failureAlert: alert.patch }) }
    if (Object.keys(patch).length === 0) return yield* cliFailure("Nothing to change: pass at least one option (see openclaw cron edit --help)")
    yield* printJson(yield* viaGateway(client.call(CronMethods.update, { id, patch: patch as typeof fielded }, options)))
  })

/** One job (disabled ones included) from `cron.list`, or the not-found failure. */
const findJob = (id: string, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.list, { includeDisabled: true }, options))
    const job = result.jobs.find((j) => j["id"] === id)
    if (job === undefined) return yield* cliFailure(`Automation not found: ${id}. Run \`openclaw cron list\` to see recent automation ids.`)
    return job
  })

export const setEnabled = (id: string, enabled: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    yield* printJson(yield* viaGateway(client.call(CronMethods.update, { id, patch: { enabled } }, options)))
  })

export const remove = (id: string, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.remove, { id }, options))
    if (!result.removed) return yield* cliFailure(`Automation not found: ${id}. Run \`openclaw cron list\` to see recent automation ids.`)
    yield* printJson(result)
  })

/** `cron run --wait [--wait-timeout <d>] [--poll-interval <d>]`. */
export interface RunWaitFlags {
  readonly wait: boolean
  readonly waitTimeout: string
  readonly pollInterval: string
}

export const run = (id: string, due: boolean, options: ConnectOptions, flags: RunWaitFlags = { wait: false, waitTimeout: RUN_WAIT_TIMEOUT_DEFAULT, pollInterval: RUN_WAIT_POLL_INTERVAL_DEFAULT }) =>
  Effect.gen(function*() {
    // The wait's flags are checked before anything runs.
    const timeoutMs = flags.wait ? parseWaitDurationMs("--wait-timeout", flags.waitTimeout) : 0
    if (typeof timeoutMs !== "number") return yield* cliFailure(timeoutMs.error)
    const pollIntervalMs = flags.wait ? parseWaitDurationMs("--poll-interval", flags.pollInterval) : 0
    if (typeof pollIntervalMs !== "number") return yield* cliFailure(pollIntervalMs.error)
    if (flags.wait && pollIntervalMs <= 0) return yield* cliFailure(`Invalid --poll-interval "${flags.pollInterval}": it must be greater than zero`)
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.run, { id, mode: due ? "due" : "force" }, options))
    // `--due --wait` that did not start a run answers as without `--wait`.
    if (flags.wait && result.ok && result.enqueued === true) {
      if (result.runId === undefined) return yield* cliFailure("cron run did not return a runId to wait for")
      const entry = yield* waitForRun({ jobId: id, runId: result.runId, timeoutMs, pollIntervalMs, options }).pipe(
        Effect.catchAll((error) => cliFailure(error._tag === "RunWaitTimedOut" ? error.message : messageOf(error)))
      )
      const completionStatus = completionOf(entry)
      yield* printJson({ ...result, completed: true, status: entry["status"], completionStatus, run: { ...entry, completionStatus } })
      // Only a run that succeeded as a whole (payload and required delivery) exits 0.
      if (completionStatus !== "succeeded") return yield* new CliExit({ code: 1 })
      return
    }
    yield* printJson(result)
    // Not run (not due, already running): exit 1, as the original.
    if (result.ran === false) return yield* new CliExit({ code: 1 })
  })

export const runs = (args: {
  readonly id: string | undefined
  readonly limit: number
  readonly offset: number | undefined
  readonly status: string | undefined
  readonly deliveryStatus?: "delivered" | "not-delivered" | "unknown" | "not-requested" | undefined
  readonly query?: string | undefined
  readonly runId?: string | undefined
  readonly sortDir?: "asc" | "desc" | undefined
}, options: ConnectOptions) =>
  Effect.gen(function*() {
    if (args.id === undefined) return yield* cliFailure("Missing job id. Pass it positionally or with --id.")
    const client = yield* GatewayClient
    const page = yield* viaGateway(client.call(CronMethods.runs, {
      id: args.id,
      limit: args.limit,
      ...(args.offset === undefined ? {} : { offset: args.offset }),
      ...(args.status === undefined ? {} : { status: args.status as "ok" }),
      ...(args.deliveryStatus === undefined ? {} : { deliveryStatus: args.deliveryStatus }),
      ...(args.query === undefined ? {} : { query: args.query }),
      ...(args.runId === undefined ? {} : { runId: args.runId }),
      ...(args.sortDir === undefined ? {} : { sortDir: args.sortDir })
    }, options))
    const entries = page.entries.map((entry) => {
      const e = entry as Record<string, unknown>
      const iso = (key: string) => (typeof e[key] === "number" ? { [`${key.replace(/Ms$/, "")}Iso`]: isoOf(e[key] as number) } : {})
      return { ...e, ...iso("ts"), ...iso("runAtMs"), ...iso("nextRunAtMs") }
    })
    yield* printJson({ ...page, entries })
  })

/** `cron get|show <id>`: one job as JSON (from `cron.list`, disabled jobs included). */
export const get = (id: string, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.list, { includeDisabled: true }, options))
    const job = result.jobs.find((j) => j["id"] === id)
    if (job === undefined) return yield* cliFailure(`Automation not found: ${id}. Run \`openclaw cron list\` to see recent automation ids.`)
    const preview = result.deliveryPreviews?.[id]
    yield* printJson(preview === undefined ? job : { ...job, deliveryPreview: preview })
  })

/** Flags of `cron scratch <id>`. */
export interface ScratchArgs {
  readonly set: string | undefined
  readonly file: string | undefined
  readonly unset: boolean
  readonly expectedRevision: string | undefined
  readonly json: boolean
}

const tooLarge = `Cron scratch exceeds ${CRON_SCRATCH_MAX_BYTES} bytes`

// `--file -` reads standard input, the process's own edge: once, whole, up to the limit.
const readScratchSource = (source: string) =>
  Effect.gen(function*() {
    if (source === "-") return yield* stdinText(CRON_SCRATCH_MAX_BYTES, tooLarge)
    const fs = yield* FileSystem.FileSystem
    const info = yield* Effect.mapError(fs.stat(source), describePlatformError)
    if (Number(info.size) > CRON_SCRATCH_MAX_BYTES) return yield* Effect.fail(tooLarge)
    return yield* Effect.mapError(fs.readFileString(source), describePlatformError)
  })

/**
 * `cron scratch <id>`: prints a job's private scratch (raw, or the JSON state with `--json`); `--set`,
 * `--file` or `--unset` replaces it, compare-and-swap on the current (or `--expected-revision`) revision.
 */
export const scratch = (id: string, args: ScratchArgs, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const mutations = [args.set !== undefined, args.file !== undefined, args.unset].filter(Boolean).length
    if (mutations > 1) return yield* cliFailure("choose only one of --set, --file, or --unset")
    const given = args.expectedRevision === undefined ? undefined : /^\d+$/.test(args.expectedRevision.trim()) ? Number(args.expectedRevision.trim()) : Number.NaN
    if (given !== undefined && !Number.isSafeInteger(given)) return yield* cliFailure("--expected-revision must be a non-negative integer")
    let expectedRevision = mutations === 1 ? given : undefined
    if (expectedRevision === undefined) {
      const current = yield* viaGateway(client.call(CronMethods.scratchGet, { id }, options))
      if (mutations === 0) {
        if (args.json) return yield* printJson(current)
        // The content exactly as stored: no newline added.
        if (current.scratch !== null) yield* Effect.sync(() => process.stdout.write(current.scratch?.content ?? ""))
        return
      }
      expectedRevision = current.currentRevision
    }
    const content = args.unset ? null : args.file !== undefined ? yield* Effect.catchAll(readScratchSource(args.file), cliFailure) : args.set ?? ""
    if (content !== null && Buffer.byteLength(content, "utf8") > CRON_SCRATCH_MAX_BYTES) return yield* cliFailure(tooLarge)
    const result = yield* viaGateway(client.call(CronMethods.scratchSet, { id, content, expectedRevision }, options))
    if (!result.ok) return yield* cliFailure(`cron scratch changed concurrently (current revision ${result.currentRevision})`)
    yield* printJson(result)
  })
