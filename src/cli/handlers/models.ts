import { Clock, Console, Duration, Effect, Layer, Schema } from "effect"
import type { ProviderEntry } from "../../domain/models/catalogue.js"
import { withDiscovered } from "../../domain/models/discovery.js"
import { formatContext, listRows, ModelListReport } from "../../domain/models/listRows.js"
import { discoverModels } from "../../layers/models/discoverModels.js"
import { probeTargets } from "../../domain/models/probePlan.js"
import { buildStatusReport, checkExitCode, ModelsStatusReport } from "../../domain/models/statusReport.js"
import { ModelHttpLive, ModelClientTimedLive } from "../../layers/models/ModelsLive.js"
import { withModelLog } from "../../layers/models/modelLog.js"
import { probeModels } from "../../layers/models/probeModels.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import { ModelHealth } from "../../services/ModelHealth.js"
import { ModelPolicy } from "../../services/ModelPolicy.js"
import { CliExit } from "../CliExit.js"
import { table } from "../table.js"
import { withProgress } from "../progress.js"

export interface StatusOptions {
  readonly json: boolean
  readonly plain: boolean
  readonly check: boolean
  readonly probe: boolean
  readonly probeProvider: string | undefined
  readonly probeProfiles: ReadonlyArray<string>
  readonly probeTimeoutMs: number
  readonly probeConcurrency: number
  readonly probeMaxTokens: number
  readonly agent: string | undefined
}

const agentNote = (agent: string | undefined) =>
  agent === undefined || agent === "main" ? Effect.void : Console.error(`--agent ${agent}: only the default agent (main) exists in this version; showing main`)

const remaining = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)}s` : `${Math.ceil(ms / 60_000)}m`)

const humanStatus = (report: ModelsStatusReport): ReadonlyArray<string> => {
  const lines = [
    `Config        : ${report.configPath}`,
    `Default       : ${report.resolvedDefault ?? report.defaultModel ?? "(none)"}`,
    `Fallbacks (${report.fallbacks.length}) : ${report.fallbacks.length === 0 ? "-" : report.fallbacks.join(", ")}`,
    `Aliases (${Object.keys(report.aliases).length})   : ${Object.keys(report.aliases).length === 0 ? "-" : Object.entries(report.aliases).map(([a, k]) => `${a} -> ${k}`).join(", ")}`,
    `Configured models (${report.configuredModels.length}): ${report.configuredModels.length === 0 ? "-" : report.configuredModels.join(", ")}`,
    ...(report.allowed.length === 0 ? [] : [`Allowed (${report.allowed.length}) : ${report.allowed.join(", ")}`]),
    "",
    "Auth overview"
  ]
  if (report.auth.providers.length === 0) lines.push("- no providers configured")
  for (const p of report.auth.providers) lines.push(`- ${p.provider} (${p.api} ${p.baseUrl || "-"}): ${p.effective}${p.inUse ? "" : " [not in use]"}`)
  if (report.auth.missingProvidersInUse.length > 0) lines.push(`Missing auth for providers in use: ${report.auth.missingProvidersInUse.join(", ")}`)
  if (report.auth.unusableProfiles.length > 0) {
    lines.push("", "Unavailable auth profiles")
    for (const row of report.auth.unusableProfiles) {
      lines.push(`- ${row.profileId} (${row.provider}) ${row.kind}:${row.reason} (${remaining(row.remainingMs)} left${row.model === undefined ? "" : `, model ${row.model}`})`)
      if (row.lastError !== undefined) lines.push(`  Last error: ${row.lastError}`)
      lines.push(`  Recovery: ${row.recovery}`)
    }
  }
  const last = report.lastFallback
  if (last !== undefined) {
    lines.push("", `Last fallback (${last.at}): ${last.selected} -> ${last.active ?? "(all candidates failed)"} (${last.reason})`, `  ${last.summary}`)
    for (const cause of last.causes) lines.push(`  Look for: ${cause}`)
    for (const fix of last.fixes) lines.push(`  Fix: ${fix}`)
  }
  if (report.probe !== undefined) {
    lines.push("", "Probe")
    lines.push(
      table(
        ["Profile", "Model", "Status", "Latency", "Detail"],
        report.probe.results.map((r) => [r.profileId, r.model ?? "-", r.status, r.latencyMs === undefined ? "-" : `${r.latencyMs}ms`, r.detail ?? ""])
      )
    )
  }
  return lines
}

const plainStatus = (report: ModelsStatusReport): ReadonlyArray<string> => [
  `default\t${report.resolvedDefault ?? report.defaultModel ?? ""}`,
  ...report.fallbacks.map((f) => `fallback\t${f}`),
  ...Object.entries(report.aliases).map(([a, k]) => `alias\t${a}\t${k}`),
  ...report.auth.providers.map((p) => `auth\t${p.provider}\t${p.usable ? "usable" : "missing"}\t${p.source}`),
  ...report.auth.unusableProfiles.map((r) => `unavailable\t${r.profileId}\t${r.kind}:${r.reason}\t${r.remainingMs}`),
  ...(report.lastFallback === undefined ? [] : [`lastFallback\t${report.lastFallback.selected}\t${report.lastFallback.active ?? ""}\t${report.lastFallback.reason}`]),
  ...(report.probe?.results.map((r) => `probe\t${r.profileId}\t${r.model ?? ""}\t${r.status}`) ?? [])
]

const probeLayer = (timeoutMs: number) =>
  ModelClientTimedLive.pipe(
    Layer.provide(ModelHttpLive),
    Layer.provide(Layer.effect(ModelPolicy, Effect.map(ModelPolicy, (policy) => ({ ...policy, timeout: Duration.millis(timeoutMs) }))))
  )

/** `openclaw models status`: default, fallbacks, aliases, auth per provider, unavailable profiles, probes. */
export const modelsStatus = (options: StatusOptions) =>
  Effect.gen(function*() {
    yield* agentNote(options.agent)
    const { configPath, catalogue, selection } = yield* (yield* ModelCatalog).view
    const health = yield* (yield* ModelHealth).read
    const now = yield* Clock.currentTimeMillis
    let report = buildStatusReport({ configPath, catalogue, selection, health, now })
    if (options.probe) {
      const targets = probeTargets(catalogue, selection, { provider: options.probeProvider, profiles: options.probeProfiles })
      const results = yield* withProgress(
        `Probing ${targets.length} model${targets.length === 1 ? "" : "s"} (real requests)`,
        probeModels(targets, { maxTokens: options.probeMaxTokens, concurrency: options.probeConcurrency }).pipe(Effect.provide(probeLayer(options.probeTimeoutMs)))
      )
      report = { ...report, probe: { results } }
    }
    if (options.json) {
      for (const warning of report.warnings) yield* Console.error(warning)
      yield* Console.log(JSON.stringify(Schema.encodeSync(ModelsStatusReport)(report), null, 2))
    } else {
      const lines = options.plain ? plainStatus(report) : [...humanStatus(report), ...report.warnings.map((w) => `Warning: ${w}`)]
      for (const line of lines) yield* Console.log(line)
    }
    const code = options.check ? checkExitCode(report) : 0
    if (code !== 0) return yield* new CliExit({ code })
  }).pipe(withModelLog)

export interface ListOptions {
  readonly json: boolean
  readonly plain: boolean
  readonly all: boolean
  readonly local: boolean
  readonly provider: string | undefined
  readonly agent: string | undefined
  /** Ask the providers' model-list endpoints first (`--refresh`). */
  readonly refresh: boolean
}

/** The providers `--refresh` asks: configured ones, and built-ins with a credential, as `--provider` narrows. */
const refreshable = (providers: ReadonlyArray<ProviderEntry>, only: string | undefined) =>
  providers.filter((p) => (p.configured || p.credential.value !== undefined) && (only === undefined || p.id === only.toLowerCase()))

/** `openclaw models list`: configured and referenced models (read-only). */
export const modelsList = (options: ListOptions) =>
  Effect.gen(function*() {
    yield* agentNote(options.agent)
    const { catalogue, selection } = yield* (yield* ModelCatalog).view
    const filter = { provider: options.provider, local: options.local }
    let report = listRows(catalogue, selection, filter)
    if (options.refresh) {
      const asked = refreshable(catalogue.providers, options.provider)
      const outcomes = yield* withProgress(
        `Refreshing ${asked.length} provider${asked.length === 1 ? "" : "s"}`,
        discoverModels(asked).pipe(Effect.provide(ModelHttpLive))
      )
      // The full catalogue (--all, --provider) gains the discovered models; the default view stays the configured one.
      if (options.all || options.provider !== undefined) report = withDiscovered(report, outcomes, catalogue.providers, filter)
      const failed = outcomes.flatMap((o) => (o.status === "ready" ? [] : [`- ${o.provider}: ${o.error}`]))
      if (failed.length > 0) {
        yield* Console.error("Model discovery could not refresh all providers. Showing the available published model list.")
        for (const line of failed) yield* Console.error(line)
      }
    }
    if (options.json) return yield* Console.log(JSON.stringify(Schema.encodeSync(ModelListReport)(report), null, 2))
    if (options.plain) {
      for (const row of report.models) yield* Console.log(row.key)
      return
    }
    if (report.count === 0) return yield* Console.log("No models configured. Add models.providers.<id>.models[] or set agents.defaults.model.")
    yield* Console.log(
      table(
        ["Model", "Input", "Ctx", "Local", "Auth", "Tags"],
        report.models.map((row) => [
          row.key,
          row.input.length === 0 ? "-" : row.input.join("+"),
          formatContext(row.contextWindow),
          row.local ? "yes" : "no",
          row.missing ? "-" : row.available ? "yes" : "no",
          [...row.tags, ...(row.missing ? ["missing"] : [])].join(",")
        ])
      )
    )
  })
