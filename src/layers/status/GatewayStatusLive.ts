import { isRecord } from "../../domain/isRecord.js"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Layer, Option, Schema } from "effect"
import { VERSION } from "../../domain/BuildInfo.js"
import { type BindMode, bindHostFor } from "../../domain/gateway/startGuards.js"
import { resolveGatewayPort } from "../../domain/Paths.js"
import type { GatewayStatusReport } from "../../domain/status/gatewayStatus.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { GatewayProbe } from "../../services/GatewayProbe.js"
import { GatewayStatus, type GatewayStatusOptions } from "../../services/GatewayStatus.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { ServiceManager } from "../../services/ServiceManager.js"
import { readGatewayLockOwner } from "../gateway/GatewayLock.js"
import { scanPort } from "../gateway/processInfo.js"
import { GatewayLogReaderLive } from "../gatewayLogReader.js"
import { CONTROL_UI_SERVED } from "../../domain/dashboard/controlUi.js"
import { remoteDashboardUrls } from "../../domain/dashboard/dashboardUrls.js"
import { normalizeBasePath } from "../../domain/controlUi/routing.js"
import { nonEmpty } from "../../domain/text/nonEmpty.js"
import { bestEffortLogging } from "../../domain/config/bestEffortLogging.js"

// Only error-level records matter here; anything else (other levels, a partial line) does not decode.
const decodeErrorRecord = Schema.decodeUnknownOption(Schema.parseJson(Schema.Struct({
  level: Schema.Literal("error", "fatal"),
  message: Schema.String,
  time: Schema.optionalWith(Schema.Unknown, { exact: true })
})))

/** The newest error-level record among the log lines, as `message` text. */
const lastErrorOf = (lines: ReadonlyArray<string>): string | null => {
  for (let i = lines.length - 1; i >= 0; i--) {
    const record = decodeErrorRecord(lines[i] ?? "")
    if (Option.isSome(record)) {
      const { message, time } = record.value
      return typeof time === "string" ? `${time} ${message}` : message
    }
  }
  return null
}

/** `gateway status`: service, config, port, probe and log facts gathered into one report. */
export const GatewayStatusLive = Layer.effect(
  GatewayStatus,
  Effect.gen(function*() {
    const services = yield* ServiceManager
    const probe = yield* GatewayProbe
    const store = yield* ConfigStore
    const paths = yield* Paths
    const host = yield* Host
    const fs = yield* FileSystem.FileSystem

    const collect = (options: GatewayStatusOptions) =>
      Effect.gen(function*() {
        const snapshot = yield* store.read.pipe(Effect.orElseSucceed(() => undefined))
        const config = snapshot?.config
        const service = yield* Effect.either(services.status)
        const installed = Either.isRight(service) && service.right.installed ? service.right : undefined
        const { port: configuredPort, source } = resolveGatewayPort({ env: host.env, configPort: config?.gateway?.port, dev: paths.dev })
        const port = options.port ?? installed?.port ?? configuredPort
        const bindMode = config?.gateway?.bind ?? "loopback"
        const bindHost = bindHostFor(bindMode as BindMode, config?.gateway?.customBindHost, yield* host.inContainer)
        const shownHost = typeof bindHost === "string" ? bindHost : "unavailable"
        const connectHost = shownHost === "0.0.0.0" || shownHost === "unavailable" ? "127.0.0.1" : shownHost

        // Remote mode probes gateway.remote.url, as every other client command connects there.
        const explicitUrl = nonEmpty(options.url)
        const remoteUrl = explicitUrl === undefined && options.port === undefined && config?.gateway?.mode === "remote" ? nonEmpty(config.gateway.remote?.url) : undefined
        const probed = options.probe
          ? yield* probe.run({ url: options.url, token: options.token, password: options.password, port: remoteUrl === undefined ? port : undefined, timeoutMs: options.timeoutMs, primaryOnly: true })
          : undefined
        const target = probed?.targets[0]
        const connectOk = target?.connect.ok === true
        const basePath = normalizeBasePath(config?.gateway?.controlUi?.basePath)
        const localHttpUrl = `http://${connectHost}:${port}${basePath}/`
        const uiServed = CONTROL_UI_SERVED && config?.gateway?.controlUi?.enabled !== false
        // A gateway that answered the handshake with an error (auth, pairing, protocol) is still a gateway on the port.
        const errorCode = target?.connect.errorCode ?? null
        const gatewayAnswered = connectOk || (errorCode !== null && errorCode !== "GATEWAY_CONNECT_FAILED" && errorCode !== "GATEWAY_TIMEOUT")
        const authWarning = probed?.warnings.find((w) => w.code === "auth_secretref_unresolved")?.message ?? null

        const { logFile, lastError } = yield* Effect.gen(function*() {
          const log = yield* GatewayLog
          const file = yield* log.currentFile
          const tail = yield* log.tail({ limit: 500 })
          return { logFile: file, lastError: lastErrorOf(tail.lines) }
        }).pipe(Effect.provide(GatewayLogReaderLive(config ?? bestEffortLogging(snapshot?.authored), paths.profile).pipe(Layer.provide(Layer.succeed(FileSystem.FileSystem, fs)))))

        const lock = yield* readGatewayLockOwner(paths.stateDir).pipe(Effect.provideService(FileSystem.FileSystem, fs))
        // Scanning /proc for the port's owner costs tens of ms: only needed when the probe did not get in.
        const scan = connectOk && !options.deep ? { owners: [], clients: [] } : yield* scanPort(port).pipe(Effect.provideService(FileSystem.FileSystem, fs))
        const owners = scan.owners
        const gatewayPids = new Set([lock?.pid, installed?.runtime.pid].filter((p): p is number => p !== undefined))
        const runtime: GatewayStatusReport["runtime"] = installed !== undefined && installed.runtime.status !== "unknown"
          ? { status: installed.runtime.status, pid: installed.runtime.pid ?? null, source: "service", detail: installed.runtime.detail ?? null }
          : lock !== undefined
          ? { status: "running", pid: lock.pid, source: "lock", detail: null }
          : { status: gatewayAnswered ? "running" : owners.length > 0 ? "unknown" : "stopped", pid: null, source: "none", detail: null }
        const cliIssues = snapshot === undefined
          ? []
          : snapshot.parseError !== undefined
          ? [snapshot.parseError.message]
          : snapshot.issues.map((i) => `${i.path}: ${i.message}`)
        const daemonConfig = installed === undefined ? null : installed.configPath ?? store.path
        const report: GatewayStatusReport = {
          service: {
            available: Either.isRight(service),
            unavailableReason: Either.isLeft(service) ? service.left.message : null,
            status: Either.isRight(service) ? service.right : null,
            label: Either.isRight(service) ? service.right.label : service.left.message,
            loaded: installed !== undefined && !["disabled", "not loaded", "missing"].includes(installed.loadedText)
          },
          logFile,
          config: {
            cli: { path: store.path, exists: snapshot?.exists ?? false, valid: snapshot !== undefined && snapshot.parseError === undefined && snapshot.issues.length === 0, issues: cliIssues },
            daemon: daemonConfig,
            mismatch: daemonConfig !== null && daemonConfig !== store.path
          },
          gateway: {
            bindMode,
            bindHost: shownHost,
            port,
            portSource: installed?.port !== undefined ? "service args" : source === "dev" ? "dev" : source === "default" ? "default" : "env/config",
            probeUrl: target?.url ?? explicitUrl ?? remoteUrl ?? `ws://${connectHost}:${port}`,
            probeUrlSource: explicitUrl !== undefined ? "explicit" : remoteUrl !== undefined ? "remote-config" : "local",
            // Remote mode: the page `openclaw dashboard` opens there (that gateway's own config decides whether it serves one).
            dashboardUrl: remoteUrl !== undefined ? remoteDashboardUrls(remoteUrl, config)?.httpUrl ?? null : uiServed ? localHttpUrl : null,
            controlUiLinks: { httpUrl: localHttpUrl, wsUrl: `ws://${connectHost}:${port}${basePath}` },
            probeNote: bindMode === "loopback" ? "Loopback-only gateway; only local clients can connect." : null,
            version: target?.server.version ?? null
          },
          cli: { version: VERSION, path: process.argv[1] ?? "openclaw", entrypoint: process.argv[1] ?? "openclaw" },
          runtime,
          rpc: target === undefined
            ? null
            : {
              ok: options.requireRpc ? connectOk && target.connect.rpcOk : connectOk,
              kind: options.requireRpc ? "read" : "connect",
              url: target.url,
              error: target.connect.error,
              errorCode: target.connect.errorCode,
              capability: target.auth.capability,
              authWarning: connectOk ? null : authWarning,
              latencyMs: target.connect.latencyMs,
              auth: target.auth,
              server: { version: target.server.version, connId: target.server.connId }
            },
          port: {
            listening: owners.length > 0 || gatewayAnswered,
            owners: owners.map((o) => ({ pid: o.pid, command: o.command })),
            conflict: owners.length > 0 && !gatewayAnswered && !owners.some((o) => gatewayPids.has(o.pid)),
            port,
            status: owners.length > 0 || gatewayAnswered ? "busy" : "free",
            listeners: owners.map((o) => ({ pid: o.pid, commandLine: o.command }))
          },
          extraServices: Either.isRight(service) ? yield* services.extraServices(options.deep) : [],
          // The gateway's own presence entry (`reason: "self"`) is not a client session.
          clients: options.deep && Array.isArray(target?.presence) ? target.presence.filter((p) => !(isRecord(p) && p["reason"] === "self")) : null,
          connections: options.deep
            ? {
              established: scan.clients
                // This command's own probe socket is closed by now, but never list ourselves.
                .filter((c) => c.pid !== process.pid)
                .map((c) => ({ pid: c.pid ?? null, direction: c.direction, address: c.address, commandLine: c.commandLine ?? null }))
            }
            : null,
          lastError
        }
        return report
      }).pipe(Effect.withSpan("GatewayStatus.collect"))

    return GatewayStatus.of({ collect })
  })
)
