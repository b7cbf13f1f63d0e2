import { Duration, Effect, Either, Layer, Option } from "effect"
import { parseJson5 } from "../../../domain/config/json5.js"
import { redactSecrets } from "../../../domain/config/redact.js"
import { formatConfigPath, getAtPath, type PathSegment } from "../../../domain/ConfigPath.js"
import { InvalidRequest } from "../../../domain/protocol/errors.js"
import { Methods, type StatusResult } from "../../../domain/protocol/methods.js"
import { findRedactedPlaceholder } from "../../../domain/WriteGuard.js"
import { ConfigEditor, type EditError } from "../../../services/ConfigEditor.js"
import { ConfigStore } from "../../../services/ConfigStore.js"
import { GatewayLog } from "../../../services/GatewayLog.js"
import { GatewayPolicy } from "../../../services/GatewayPolicy.js"
import { GatewayRuntime } from "../../../services/GatewayRuntime.js"
import { MethodRegistry } from "../../../services/MethodRegistry.js"
import { Paths } from "../../../services/Paths.js"
import { GatewayHealth } from "../../../services/GatewayHealth.js"
import { statusReport } from "../../../domain/gateway/healthReport.js"
import { configuredSelection } from "../../../domain/models/selection.js"
import { isRecord } from "../../../domain/isRecord.js"
import { truncateEcho } from "../../../domain/text/truncateEcho.js"

/** Arrays a merge patch would shorten without naming them in `replacePaths`. */
const shrunkArrays = (current: unknown, patch: unknown, replacePaths: ReadonlySet<string>, path: ReadonlyArray<PathSegment> = []): Array<string> => {
  if (!isRecord(patch)) return []
  return Object.entries(patch).flatMap(([key, value]) => {
    const here = [...path, key]
    const name = formatConfigPath(here)
    if (replacePaths.has(name)) return []
    const existing = Option.getOrUndefined(getAtPath(current, [key]))
    if (Array.isArray(value) && Array.isArray(existing) && value.length < existing.length) return [name]
    return isRecord(value) ? shrunkArrays(existing, value, replacePaths, here) : []
  })
}

const editFailure = (error: EditError) =>
  new InvalidRequest({
    message: error.message,
    details: {
      code: error.code,
      ...(error._tag === "ConfigInvalid" ? { issues: error.issues } : {}),
      ...(error._tag === "ConfigWriteRejected" ? { reasons: error.reasons, rejectedPath: error.rejectedPath } : {})
    }
  })

// `update.channel` is a section this version preserves without running; the original's CLI shows it.
const updateChannelOf = (config: unknown): string | null => {
  const update = isRecord(config) ? config["update"] : undefined
  const channel = isRecord(update) ? update["channel"] : undefined
  return typeof channel === "string" ? channel : null
}

/** health, status, system-presence, config.get, config.patch and logs.tail. */
export const CoreMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    const store = yield* ConfigStore
    const editor = yield* ConfigEditor
    const log = yield* GatewayLog
    const paths = yield* Paths
    const policy = yield* GatewayPolicy
    const shutdown = {
      timeoutMs: Duration.toMillis(policy.drainTimeout) + Duration.toMillis(policy.closeTimeout),
      reserveMs: Duration.toMillis(policy.closeTimeout)
    }

    const health = yield* GatewayHealth
    yield* registry.register(Methods.health, (params) => (params.probe === true ? health.probe : health.snapshotNow()))

    // The report is the same object while its inputs are (the cached health measurement and the applied
    // settings), one per variant (admin or not, with the CLI's projection or not): the dispatcher then keeps
    // its wire form too, instead of encoding ~20 KB of it per call.
    let reports: { readonly input: unknown; readonly settings: unknown; readonly byVariant: Map<string, StatusResult> } | undefined
    yield* registry.register(Methods.status, (params, caller) =>
      Effect.gen(function*() {
        const settings = yield* runtime.settings
        const input = yield* health.input
        const admin = caller.scopes.includes("operator.admin")
        const withProjection = params.includeCliProjection === true
        if (reports === undefined || reports.input !== input || reports.settings !== settings) reports = { input, settings, byVariant: new Map() }
        const variant = `${admin}|${withProjection}`
        const kept = reports.byVariant.get(variant)
        if (kept !== undefined) return kept
        const report = statusReport(input, {
          authMode: settings.auth.mode,
          bind: settings.bindMode,
          port: settings.port,
          pid: process.pid,
          admin: admin ? { configPath: paths.configPath, stateDir: paths.stateDir } : undefined,
          defaultModel: configuredSelection(settings.config).primary ?? null,
          contextTokens: null,
          shutdown,
          cliProjection: withProjection ? { updateChannel: updateChannelOf(settings.config) } : undefined
        })
        reports.byVariant.set(variant, report)
        return report
      }))

    yield* registry.register(Methods.systemPresence, () => runtime.presence)

    yield* registry.register(Methods.configGet, () =>
      Effect.gen(function*() {
        const snapshot = yield* store.read.pipe(Effect.orDie)
        const applied = (yield* runtime.settings).configHash
        const redacted = snapshot.authored === undefined ? null : redactSecrets(snapshot.authored)
        // Clawgate has no `$include` files or env substitution: source, parsed and resolved are one document.
        return {
          path: snapshot.path,
          includedPaths: [],
          includeProvenance: [],
          agentRosterIncludeOwned: false,
          bindingsIncludeOwned: false,
          exists: snapshot.exists,
          raw: redacted === null ? null : JSON.stringify(redacted, null, 2),
          parsed: redacted,
          sourceConfig: redacted,
          resolved: redacted,
          valid: snapshot.parseError === undefined && snapshot.issues.length === 0,
          runtimeConfig: redacted,
          config: redacted,
          hash: snapshot.hash ?? null,
          issues: snapshot.parseError === undefined ? snapshot.issues.map((i) => ({ path: i.path, message: i.message })) : [{ path: "<root>", message: snapshot.parseError.message }],
          warnings: [],
          legacyIssues: [],
          configRevisionHash: snapshot.hash ?? null,
          ...(applied === undefined ? {} : { appliedConfigHash: applied })
        }
      }))

    yield* registry.register(Methods.configPatch, (params) =>
      Effect.gen(function*() {
        const patch = parseJson5(params.raw)
        if (Either.isLeft(patch) || !isRecord(patch.right)) {
          return yield* new InvalidRequest({ message: "config.patch raw must be a JSON5 object (a merge patch)" })
        }
        const placeholder = findRedactedPlaceholder(patch.right)
        if (placeholder !== undefined) {
          return yield* new InvalidRequest({ message: `config.patch contains a redacted placeholder at ${truncateEcho(placeholder)}; send the real value or leave the key out` })
        }
        const snapshot = yield* store.read.pipe(Effect.orDie)
        if (snapshot.exists && params.baseHash === undefined) {
          return yield* new InvalidRequest({ message: "config.patch requires baseHash once the config file exists (use the hash from config.get)" })
        }
        const replacePaths = params.replacePaths ?? []
        const shrunk = shrunkArrays(snapshot.authored, patch.right, new Set(replacePaths))
        if (shrunk.length > 0) {
          return yield* new InvalidRequest({ message: `config.patch would shorten ${truncateEcho(shrunk.join(", "))}; list them in replacePaths to replace them` })
        }
        const outcome = yield* editor
          .apply([{ _tag: "Patch", patch: patch.right, replacePaths }], params.baseHash === undefined ? {} : { baseHash: params.baseHash })
          .pipe(Effect.mapError(editFailure))
        if (outcome._tag === "NoChange") return { ok: true, changed: false, path: outcome.path, hash: snapshot.hash ?? null, paths: [] }
        if (outcome._tag === "DryRun") return { ok: outcome.ok, changed: false, path: outcome.path, hash: snapshot.hash ?? null, paths: outcome.changed }
        return { ok: true, changed: true, path: outcome.path, hash: outcome.result.hash, paths: outcome.changed, hint: outcome.hint }
      }))

    yield* registry.register(Methods.logsTail, (params) =>
      log.tail({
        ...(params.cursor === undefined ? {} : { cursor: params.cursor }),
        ...(params.limit === undefined ? {} : { limit: params.limit }),
        ...(params.maxBytes === undefined ? {} : { maxBytes: params.maxBytes })
      }))
  })
)
