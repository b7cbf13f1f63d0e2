import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Either, Layer } from "effect"
import { isRecord } from "../../domain/isRecord.js"
import type { GatewayClientError } from "../../domain/protocol/clientErrors.js"
import { resolveGatewayPort } from "../../domain/Paths.js"
import { capabilityOf, type ProbeWarning, SSH_FAILED_MESSAGE, summarize, type TargetReport } from "../../domain/probe/report.js"
import { type ProbeTarget, probeTargets } from "../../domain/probe/targets.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { type ClientConfigError, GatewayClient } from "../../services/GatewayClient.js"
import { GatewayProbe, type ProbeOptions } from "../../services/GatewayProbe.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { openSshTunnel } from "./sshTunnel.js"

// The read diagnostics of spec 10, run in parallel after hello.
const READ_RPCS = ["health", "status", "system-presence", "config.get"] as const

const PROBE_SCOPES = ["operator.read"]

/** The close the gateway ended a failed connect with, when it got that far. */
const closeOf = (error: GatewayClientError | ClientConfigError) => (error._tag === "GatewayConnectFailed" ? error.close ?? null : null)

const failedTarget = (target: ProbeTarget, error: GatewayClientError | ClientConfigError, tunnel: TargetReport["tunnel"]): TargetReport => ({
  id: target.id,
  kind: target.kind,
  label: target.label,
  url: target.url,
  active: target.active,
  tunnel,
  connect: { ok: false, rpcOk: false, scopeLimited: false, latencyMs: null, error: error.message, errorCode: error.code, close: closeOf(error) },
  auth: { role: null, scopes: [], capability: capabilityOf({ pairingPending: error._tag === "PairingRequired", connected: false, scopes: [], readRpcOk: false }) },
  server: { version: null, connId: null, bootId: null },
  self: null,
  config: null,
  health: null,
  summary: null,
  presence: null
})

/** Config summary for the report: where it is, whether it is valid, its hash; never its content. */
const configSummary = (value: unknown) =>
  isRecord(value) ? { path: value["path"] ?? null, exists: value["exists"] ?? null, valid: value["valid"] ?? null, hash: value["hash"] ?? null } : null

/** `gateway probe`: connects to each target as a read-only probe and reports what answered. */
export const GatewayProbeLive = Layer.effect(
  GatewayProbe,
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const host = yield* Host
    const paths = yield* Paths
    const store = yield* ConfigStore
    const fs = yield* FileSystem.FileSystem

    const probeOne = (target: ProbeTarget, timeoutMs: number, tunnel: TargetReport["tunnel"]) =>
      Effect.scoped(Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const connected = yield* client.connect({
          target: { url: target.url, token: target.token, password: target.password, storedToken: target.storedToken },
          probe: true,
          scopes: PROBE_SCOPES,
          timeoutMs
        }).pipe(Effect.either)
        if (Either.isLeft(connected)) return failedTarget(target, connected.left, tunnel)
        const connection = connected.right
        const latencyMs = (yield* Clock.currentTimeMillis) - started
        const results = yield* Effect.forEach(READ_RPCS, (method) => Effect.either(connection.request(method, {}, timeoutMs)), { concurrency: "unbounded" })
        const [health, summary, presence, config] = results.map((r) => (Either.isRight(r) ? r.right : null))
        const failures = results.flatMap((r) => (Either.isLeft(r) ? [r.left] : []))
        const scopeLimited = failures.some((e) => e.code === "MISSING_SCOPE")
        const hello = connection.hello
        const self = Array.isArray(presence) ? presence.find((p) => isRecord(p) && p["connId"] === hello.server.connId) ?? null : null
        return {
          id: target.id,
          kind: target.kind,
          label: target.label,
          url: target.url,
          active: target.active,
          tunnel,
          connect: {
            ok: true,
            rpcOk: failures.length === 0,
            scopeLimited,
            latencyMs,
            error: failures[0]?.message ?? null,
            errorCode: failures[0]?.code ?? null,
            close: null
          },
          auth: {
            role: hello.auth.role,
            scopes: [...hello.auth.scopes],
            capability: capabilityOf({ pairingPending: false, connected: true, scopes: hello.auth.scopes, readRpcOk: summary !== null })
          },
          server: { version: hello.server.version, connId: hello.server.connId, bootId: hello.server.bootId ?? null },
          self,
          config: configSummary(config),
          health: health ?? null,
          summary: summary ?? null,
          presence: presence ?? null
        } satisfies TargetReport
      })).pipe(Effect.withSpan("GatewayProbe.probeTarget", { attributes: { target: target.id } }))

    const run = (options: ProbeOptions) =>
      Effect.scoped(Effect.gen(function*() {
        const startedAt = yield* Clock.currentTimeMillis
        const snapshot = yield* store.read.pipe(Effect.orElseSucceed(() => undefined))
        const config = snapshot?.config
        const { port } = resolveGatewayPort({ flag: options.port, env: host.env, configPort: config?.gateway?.port, dev: paths.dev })
        const warnings: Array<ProbeWarning> = []
        let tunnel: TargetReport["tunnel"] = null
        let sshTunnelUrl: string | undefined
        if (options.ssh === undefined && options.sshAuto === true) {
          warnings.push({ code: "ssh_auto_no_target", message: "--ssh-auto: no Bonjour discovery in this version of Clawgate, so no SSH target was found; pass --ssh user@host", targetIds: ["sshTunnel"] })
        }
        if (options.ssh !== undefined) {
          const remotePort = options.port ?? config?.gateway?.remote?.remotePort ?? port
          const opened = yield* openSshTunnel(options.ssh, remotePort, options.timeoutMs, options.sshIdentity).pipe(Effect.provideService(FileSystem.FileSystem, fs), Effect.either)
          if (Either.isRight(opened)) {
            sshTunnelUrl = opened.right.url
            tunnel = { kind: "ssh", target: options.ssh, localPort: opened.right.localPort }
          } else {
            warnings.push({ code: "ssh_tunnel_failed", message: `${SSH_FAILED_MESSAGE} (${opened.left.message})`, targetIds: ["sshTunnel"] })
          }
        }
        const all = probeTargets({ flags: options, env: host.env, config, loopbackPort: port, sshTunnelUrl })
        const targets = options.primaryOnly === true ? all.filter((t) => t.active).slice(0, 1) : all
        const reports = yield* Effect.forEach(
          targets,
          (target) => probeOne(target, options.timeoutMs, target.id === "sshTunnel" ? tunnel : null),
          { concurrency: "unbounded" }
        )
        const unresolved = new Map(targets.map((t) => [t.id, t.unresolved] as const))
        return {
          ...summarize(reports, warnings, unresolved),
          ts: startedAt,
          durationMs: (yield* Clock.currentTimeMillis) - startedAt,
          timeoutMs: options.timeoutMs,
          network: { localLoopbackUrl: `ws://127.0.0.1:${port}`, localTailnetUrl: null, tailnetIPv4: null },
          discovery: { timeoutMs: 0, count: 0, beacons: [] },
          targets: reports
        }
      })).pipe(Effect.withSpan("GatewayProbe.run"))

    return GatewayProbe.of({ run })
  })
)
