import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Console, Effect } from "effect"
import { CRON_SCRATCH_MAX_BYTES } from "../../domain/cron/scratch.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { applyStreamFlags, deliveryFromFlags, hasStreamMetadata, type JobFlags, pacingFromFlags, payloadFromFlags, scheduleFromFlags } from "../../domain/cron/addInput.js"
import type { CronPacing } from "../../domain/cron/pacing.js"
import type { StreamSchedule } from "../../domain/cron/schedule.js"
import { renderJobTable } from "../../domain/cron/view.js"
import { CronMethods } from "../../domain/protocol/cronMethods.js"
import type { GatewayClientError } from "../../domain/protocol/clientErrors.js"
import { type ClientConfigError, type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { renderError } from "../render.js"
import { stdinText } from "../stdinText.js"

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

export const add = (flags: JobFlags & { readonly positionalName: string | undefined }, options: ConnectOptions) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const name = flags.name ?? flags.positionalName
    if (name === undefined || name.trim() === "") return yield* cliFailure("--name is required")
    const schedule = scheduleFromFlags(flags, now)
    if (schedule === undefined) return yield* cliFailure(hasStreamMetadata(flags) ? "Stream options require --stream-command" : "Choose a schedule: --at, --every, --cron, --on-exit, or --stream-command")
    const scheduleProblem = flagsProblem(schedule)
    if (scheduleProblem !== undefined) return yield* cliFailure(scheduleProblem)
    const payload = payloadFromFlags(flags)
    if (payload === undefined) return yield* cliFailure("Choose a payload: --system-event, --message, or --command")
    const payloadProblem = flagsProblem(payload)
    if (payloadProblem !== undefined) return yield* cliFailure(payloadProblem)
    if ("error" in schedule || "error" in payload) return
    const pacing = pacingFromFlags(flags)
    const pacingProblem = flagsProblem(pacing)
    if (pacingProblem !== undefined) return yield* cliFailure(pacingProblem)
    const delivery = deliveryFromFlags(flags, payload)
    const session = flags.session
    if (session !== undefined && !["main", "isolated", "current"].includes(session) && !session.startsWith("session:")) {
      return yield* cliFailure(`Invalid --session "${session}": use main, isolated, current or session:<id>`)
    }
    if (flags.wake !== undefined && flags.wake !== "now" && flags.wake !== "next-heartbeat") return yield* cliFailure(`Invalid --wake "${flags.wake}": use now or next-heartbeat`)
    const client = yield* GatewayClient
    const job = yield* viaGateway(client.call(CronMethods.add, {
      name,
      schedule,
      payload,
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

/** A job's stored schedule and pacing, for edits that change part of them. */
const storedJob = (id: string, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.list, { includeDisabled: true }, options))
    const job = result.jobs.find((j) => j["id"] === id)
    if (job === undefined) return yield* cliFailure(`Automation not found: ${id}. Run \`openclaw cron list\` to see recent automation ids.`)
    return job as { readonly schedule?: { readonly kind?: unknown }; readonly pacing?: CronPacing }
  })

export const edit = (id: string, flags: JobFlags & { readonly enable?: boolean; readonly disable?: boolean }, options: ConnectOptions) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    let schedule = scheduleFromFlags(flags, now)
    const scheduleProblem = flagsProblem(schedule)
    if (scheduleProblem !== undefined) return yield* cliFailure(scheduleProblem)
    // `--stream-mode` and friends alone change the stored stream schedule; pacing bounds merge into the stored ones.
    const streamOnly = schedule === undefined && hasStreamMetadata(flags)
    const pacingGiven = flags.pacingMin !== undefined || flags.pacingMax !== undefined
    const stored = streamOnly || (pacingGiven && flags.clearPacing !== true) ? yield* storedJob(id, options) : undefined
    if (streamOnly) {
      if (stored?.schedule?.kind !== "stream") return yield* cliFailure("Current job is not a stream schedule; use --stream-command to convert first")
      const patched = applyStreamFlags(stored.schedule as StreamSchedule, flags)
      const problem = flagsProblem(patched)
      if (problem !== undefined) return yield* cliFailure(problem)
      schedule = patched as StreamSchedule
    }
    const pacing = pacingFromFlags(flags, stored?.pacing)
    const pacingProblem = flagsProblem(pacing)
    if (pacingProblem !== undefined) return yield* cliFailure(pacingProblem)
    const payload = payloadFromFlags(flags)
    const payloadProblem = flagsProblem(payload)
    if (payloadProblem !== undefined) return yield* cliFailure(payloadProblem)
    const patch = {
      ...(flags.name === undefined ? {} : { name: flags.name }),
      ...(schedule === undefined || "error" in schedule ? {} : { schedule }),
      ...(pacing === undefined || (pacing !== null && "error" in pacing) ? {} : { pacing }),
      ...(payload === undefined || "error" in payload ? {} : { payload }),
      ...(flags.description === undefined ? {} : { description: flags.description }),
      ...(flags.displayName === undefined ? {} : { displayName: flags.displayName }),
      ...(flags.sessionKey === undefined ? {} : { sessionKey: flags.sessionKey }),
      ...(flags.agent === undefined ? {} : { agentId: flags.agent }),
      ...(flags.deleteAfterRun === true ? { deleteAfterRun: true } : flags.keepAfterRun === true ? { deleteAfterRun: false } : {}),
      ...(flags.session === undefined ? {} : { sessionTarget: flags.session as "main" }),
      ...(flags.enable === true ? { enabled: true } : flags.disable === true ? { enabled: false } : {}),
      ...(flags.webhook !== undefined || flags.announce === true || flags.noDeliver === true || flags.channel !== undefined || flags.to !== undefined || flags.threadId !== undefined
        ? { delivery: deliveryFromFlags(flags, undefined) ?? { mode: "none" as const } }
        : {})
    }
    if (Object.keys(patch).length === 0) return yield* cliFailure("Nothing to change: pass at least one option (see openclaw cron edit --help)")
    const client = yield* GatewayClient
    yield* printJson(yield* viaGateway(client.call(CronMethods.update, { id, patch }, options)))
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

export const run = (id: string, due: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* viaGateway(client.call(CronMethods.run, { id, mode: due ? "due" : "force" }, options))
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
