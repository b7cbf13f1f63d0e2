import { Clock, Context, Data, Duration, Effect, ExecutionStrategy, FiberSet, Layer, Ref, Runtime, Schedule, Scope, Stream } from "effect"
import * as http from "node:http"
import * as os from "node:os"
import { WebSocketServer } from "ws"
import { resolveGatewayAuth, type ResolvedAuth } from "../../domain/auth/resolveAuth.js"
import { presenceCooldownMs } from "../../domain/gateway/presenceRate.js"
import { MAX_PAYLOAD_BYTES } from "../../domain/protocol/frames.js"
import { AuthRateLimiter } from "../../services/AuthRateLimiter.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { DeviceRegistry } from "../../services/DeviceRegistry.js"
import { EventBus } from "../../services/EventBus.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { ActiveWork } from "../../services/ActiveWork.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { GatewayHealth } from "../../services/GatewayHealth.js"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"
import { GatewayServer } from "../../services/GatewayServer.js"
import { Paths } from "../../services/Paths.js"
import { Host } from "../../services/Host.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { serveSocket, type SocketServices } from "./socket.js"
import { withFileLog } from "../logs/fileLogger.js"
import { gatewayRouteSecurityHeaders } from "../../domain/controlUi/headers.js"
import { seededAllowedOrigins, seededOriginsLogLine, withSeededOrigins } from "../../domain/controlUi/allowedOrigins.js"
import { makeControlUiHttp } from "./controlUi/ControlUiHttp.js"
import { defaultControlUiRoot } from "./controlUi/defaultRoot.js"

/** Listening failed: `EADDRINUSE` is retried by `gateway run`, anything else is final. */
export class GatewayBindError extends Data.TaggedError("GatewayBindError")<{ readonly errno: string; readonly message: string }> {}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...gatewayRouteSecurityHeaders, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" })
  res.end(text)
}

const sameAuth = (a: ResolvedAuth, b: ResolvedAuth) => a.mode === b.mode && a.token === b.token && a.password === b.password

const LISTEN_BACKLOG = 4096

/** What the fibers of sockets and requests may use: nothing else of the gateway's context reaches them. */
type ConnectionServices = GatewayRuntime | EventBus | GatewayLog | MethodRegistry | AuthRateLimiter | DeviceRegistry | Paths | GatewayHealth

/**
 * The gateway's HTTP + WebSocket server on one port. Its scope owns the listener, every socket, the
 * tick and the config watcher; closing the scope announces `shutdown`, drains requests and closes sockets.
 */
export const GatewayServerLive = (listen: {
  readonly host: string
  readonly port: number
  readonly authOverrides?: Parameters<typeof resolveGatewayAuth>[2]
  /** The bundled Control UI's folder; defaults to `dist/control-ui` beside the CLI bundle. */
  readonly controlUiRoot?: string | undefined
}) =>
  Layer.scoped(
    GatewayServer,
    Effect.gen(function*() {
      const runtime = yield* GatewayRuntime
      const bus = yield* EventBus
      const log = yield* GatewayLog
      const policy = yield* GatewayPolicy
      const store = yield* ConfigStore
      const registry = yield* DeviceRegistry
      const host = yield* Host
      // The fibers of sockets and requests start with only the services their effects name: each span they open
      // and each service they provide copies their context, and with the gateway's whole context (38 services)
      // those copies were the largest part of a request's garbage (~40 of ~280 KB for sessions.list).
      const connectionContext = Context.pick(GatewayRuntime, EventBus, GatewayLog, MethodRegistry, AuthRateLimiter, DeviceRegistry, Paths, GatewayHealth)(
        yield* Effect.context<ConnectionServices>()
      )
      // ws and http callbacks become fibers owned by this scope: interrupted when the server stops.
      const run = yield* FiberSet.runtime(yield* FiberSet.make())<ConnectionServices>().pipe(
        Effect.mapInputContext((_: Context.Context<never>) => connectionContext)
      )
      // Each socket's scope is a child of this one; made before the listener below, it closes after the graceful
      // shutdown (finalizers run in reverse), releasing whatever sockets are left.
      const sockets = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
      // Requests in flight count as the gateway's active work: a safe restart and the shutdown drain wait for them.
      const work = yield* ActiveWork
      const inFlight = { inc: () => work.unsafeBegin("requests"), dec: () => work.unsafeEnd("requests") }
      const openSockets = yield* Ref.make(0)

      // Read once: the trusted-proxy spoof guard compares peers against this host's own addresses.
      const localAddresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
      const controlUi = yield* makeControlUiHttp({ defaultRoot: listen.controlUiRoot ?? defaultControlUiRoot(), home: host.osHome, localAddresses })
      const serveHttp = (req: http.IncomingMessage, res: http.ServerResponse, path: string | undefined) =>
        Effect.gen(function*() {
          if (path === "/readyz" || path === "/ready" || path === "/startupz" || path === "/startup") {
            const ready = yield* runtime.ready
            return json(res, ready ? 200 : 503, { ok: ready, status: ready ? "ready" : "starting" })
          }
          if (yield* controlUi.handle(req, res, yield* runtime.settings)) return
          json(res, 404, { ok: false, error: "not found" })
        })
      const server = http.createServer((req, res) => {
        const path = (req.url ?? "/").split("?")[0]
        // Liveness is answered in the callback itself: no fiber, so queued work elsewhere cannot delay it.
        if (path === "/healthz" || path === "/health") return json(res, 200, { ok: true, status: "live" })
        run(serveHttp(req, res, path))
      })
      // A socket's requests and its close run in this runtime untracked by the set above: each socket keeps and
      // interrupts its own, and the server's shutdown closes every socket (one set entry per request cost a hash
      // insert, a removal and an observer).
      const runFork = Runtime.runFork(yield* Effect.runtime<MethodRegistry | AuthRateLimiter | GatewayLog>().pipe(
        Effect.mapInputContext((_: Context.Context<never>) => Context.pick(MethodRegistry, AuthRateLimiter, GatewayLog)(connectionContext))
      ))
      const services: SocketServices = {
        runtime: Context.get(connectionContext, GatewayRuntime),
        limiter: Context.get(connectionContext, AuthRateLimiter),
        devices: Context.get(connectionContext, DeviceRegistry),
        bus: Context.get(connectionContext, EventBus),
        log: Context.get(connectionContext, GatewayLog),
        registry: Context.get(connectionContext, MethodRegistry),
        health: Context.get(connectionContext, GatewayHealth),
        paths: Context.get(connectionContext, Paths)
      }
      const socketContext = { services, policy, inFlight, openSockets, localAddresses, runFork, sockets }
      const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false })
      server.on("upgrade", (req, socket, head) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          run(serveSocket(ws, req, socketContext))
        })
      })

      yield* Effect.acquireRelease(
        Effect.async<void, GatewayBindError>((resume) => {
          const onError = (error: NodeJS.ErrnoException) => {
            server.off("listening", onListening)
            resume(Effect.fail(new GatewayBindError({ errno: error.code ?? "UNKNOWN", message: error.message })))
          }
          const onListening = () => {
            server.off("error", onError)
            resume(Effect.void)
          }
          server.once("error", onError)
          server.once("listening", onListening)
          // Every client reconnects at once after a restart: a connect that finds the accept queue full waits a
          // second for its SYN to be sent again (Node's default backlog is 511; the kernel caps this at somaxconn).
          server.listen({ port: listen.port, host: listen.host, backlog: LISTEN_BACKLOG })
        }),
        () =>
          Effect.gen(function*() {
            yield* runtime.setReady(false)
            yield* bus.publish({ event: "shutdown", payload: { reason: "gateway stopping" } })
            // Let the shutdown event reach sockets, then wait for in-flight requests.
            yield* Effect.sleep(policy.shutdownAnnounce)
            yield* work.counts.pipe(
              Effect.repeat({ schedule: Schedule.spaced(policy.drainPoll), until: (counts) => counts.requests <= 0 }),
              Effect.timeout(policy.drainTimeout),
              Effect.ignore
            )
            for (const client of wss.clients) client.close(1012, "service restart")
            yield* Effect.async<void>((resume) => {
              const timer = setTimeout(() => {
                for (const client of wss.clients) client.terminate()
              }, Duration.toMillis(policy.closeGrace))
              wss.close(() => undefined)
              server.close(() => {
                clearTimeout(timer)
                resume(Effect.void)
              })
              server.closeAllConnections()
            }).pipe(Effect.timeout(policy.closeTimeout), Effect.ignore)
          })
      )
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : listen.port

      // Tick keeps idle clients' timers fed.
      yield* Effect.forkScoped(
        Effect.repeat(
          Effect.flatMap(Clock.currentTimeMillis, (ts) => bus.publish({ event: "tick", payload: { ts }, droppable: true })),
          Schedule.spaced(policy.tickInterval)
        )
      )

      // Presence: one snapshot per burst of connects/disconnects, built once for every subscriber, then a
      // pause sized by the fan-out budget (the event carries the whole list to every socket).
      yield* Effect.forkScoped(
        Effect.forever(
          Effect.gen(function*() {
            yield* runtime.presenceChanged
            yield* Effect.sleep(policy.presenceCoalesce)
            const presence = yield* runtime.presence
            yield* bus.publish({ event: "presence", payload: { presence }, stateVersion: yield* runtime.stateVersion, droppable: true })
            const cooldown = presenceCooldownMs({
              payloadBytes: Buffer.byteLength(JSON.stringify(presence)),
              sockets: yield* runtime.sessionCount,
              bytesPerSecond: policy.presenceBytesPerSecond,
              minMs: 0
            })
            yield* Effect.sleep(cooldown)
          })
        )
      )

      // Pairing changes become events; rotated or revoked tokens end that device's sessions.
      const changes = yield* registry.changes
      yield* Effect.forkScoped(
        Stream.fromQueue(changes).pipe(
          Stream.runForEach((change) => {
            switch (change._tag) {
              case "Requested":
                return bus.publish({ event: "device.pair.requested", payload: change.request, scope: "operator.pairing" })
              case "Resolved":
                return bus.publish({
                  event: "device.pair.resolved",
                  payload: { requestId: change.requestId, deviceId: change.deviceId, decision: change.decision, ts: change.ts },
                  scope: "operator.pairing"
                })
              case "TokenInvalidated":
                // A removed device loses every session; a rotated or revoked token, the sessions it opened.
                return runtime.closeSessions(
                  (s) => s.deviceId === change.deviceId && (change.role === undefined || (s.role === change.role && s.authMethod === "device-token")),
                  4001,
                  `client invalidated: ${change.reason}`
                )
            }
          })
        )
      )

      // Hot reload: valid edits replace the settings; an auth change ends shared-secret sessions.
      yield* Effect.forkScoped(
        store.watch.pipe(
          Stream.runForEach((loaded) =>
            Effect.gen(function*() {
              const previous = yield* runtime.settings
              const auth = resolveGatewayAuth(loaded.config.gateway, host.env, listen.authOverrides)
              const config = withSeededOrigins(loaded.config, seededAllowedOrigins(loaded.config, previous.bindMode, previous.port))
              yield* runtime.setSettings({ ...previous, config, configHash: loaded.snapshot.hash, auth })
              yield* bus.publish({ event: "config.changed", payload: { path: store.path, hash: loaded.snapshot.hash, ts: yield* Clock.currentTimeMillis }, scope: "operator.read" })
              if (!sameAuth(previous.auth, auth)) {
                const closed = yield* runtime.closeSessions((s) => s.authMethod !== "device-token", 4001, "gateway auth changed")
                yield* log.write({ level: "info", message: `gateway auth changed; closed ${closed} session(s)`, fields: { subsystem: "gateway/reload" } })
              }
              const port = loaded.config.gateway?.port
              if (port !== undefined && port !== previous.port) {
                yield* log.write({ level: "warn", message: `config change requires gateway restart (gateway.port ${previous.port} -> ${port})`, fields: { subsystem: "gateway/reload" } })
              }
            })
          ),
          // The watcher's own lines (`config reload skipped (invalid config): ...`) belong in the file `openclaw logs` reads.
          withFileLog(log, "gateway/reload")
        )
      )

      // Runtime-only origins for a non-loopback bind without an allowlist (the original's startup seeding).
      const started = yield* runtime.settings
      const seeded = seededAllowedOrigins(started.config, started.bindMode, started.port)
      if (seeded !== undefined) {
        yield* runtime.setSettings({ ...started, config: withSeededOrigins(started.config, seeded) })
        yield* log.write({ level: "info", message: seededOriginsLogLine(seeded, started.bindMode), fields: { subsystem: "gateway" } })
      }

      yield* runtime.setReady(true)
      const url = `ws://${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:${port}`
      yield* log.write({ level: "info", message: `gateway listening on ${url}`, fields: { subsystem: "gateway", port } })
      return {
        host: listen.host,
        port,
        url,
        connectionCount: Effect.map(runtime.sessions, (s) => s.length).pipe(Effect.withSpan("GatewayServer.connectionCount")),
        socketCount: Ref.get(openSockets).pipe(Effect.withSpan("GatewayServer.socketCount"))
      }
    })
  )
