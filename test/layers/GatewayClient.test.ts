import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Queue } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { WebSocketServer } from "ws"
import { Methods } from "../../src/domain/protocol/methods.js"
import { makeIdentityStore } from "../../src/layers/client/DeviceIdentityStore.js"
import { GatewayClientLive } from "../../src/layers/client/GatewayClientLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { GatewayClient } from "../../src/services/GatewayClient.js"
import { configTestLayer, DiskFilesTest } from "../support/configTestLayer.js"
import { diskFull, FaultyFileSystem, permissionDenied } from "../support/faultyFileSystem.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"

const TOKEN = "client-test-token-0123456789"

/** A CLI install of its own (temp state dir) whose config points at `port` with `token`. */
const cliInstall = (port: number, token: string | undefined, extra: Record<string, unknown> = {}) => {
  const env = configTestLayer()
  fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local", port, ...(token === undefined ? {} : { auth: { token } }), ...extra } }))
  const layer = GatewayClientLive.pipe(Layer.provide(env.layer))
  const run = <A, E>(effect: Effect.Effect<A, E, GatewayClient>) => Effect.runPromise(Effect.either(Effect.provide(effect, layer)))
  const setToken = (next: string | undefined) =>
    fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local", port, ...(next === undefined ? {} : { auth: { token: next } }), ...extra } }))
  return { ...env, run, setToken }
}

const health = (options: Parameters<GatewayClient["Type"]["call"]>[2] = {}) => Effect.flatMap(GatewayClient, (c) => c.call(Methods.health, {}, options))

/** The auth method the gateway saw, read back from its presence list. */
const authOf = (options: Parameters<GatewayClient["Type"]["connect"]>[0] = {}) =>
  Effect.scoped(Effect.flatMap(Effect.flatMap(GatewayClient, (c) => c.connect(options)), (conn) => Effect.succeed(conn.hello.auth)))

/** A CLI install signed in with its device token, so a gateway auth change does not close its sessions. */
const deviceWatcher = async (port: number) => {
  const watcher = cliInstall(port, TOKEN)
  expect(Either.isRight(await watcher.run(health()))).toBe(true)
  watcher.setToken(undefined)
  return watcher
}

/** Applies `change` to the gateway's config and resolves once the gateway has reloaded it (its `config.changed` event). */
const reloadedAfter = async (watcher: ReturnType<typeof cliInstall>, change: () => void) => {
  const waited = await watcher.run(Effect.scoped(Effect.gen(function*() {
    const connection = yield* Effect.flatMap(GatewayClient, (c) => c.connect({}))
    yield* Effect.sync(change)
    while ((yield* Queue.take(connection.events)).event !== "config.changed") {
      // Other events (presence, ticks) are not the reload.
    }
  })))
  expect(Either.isRight(waited)).toBe(true)
}

describe("GatewayClient against a real gateway", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
  })
  afterAll(() => gw.stop())

  it("creates one device identity (0600) in its state dir, reuses it, and caches the issued device token (0600)", async () => {
    const cli = cliInstall(gw.port, TOKEN)
    const first = await cli.run(authOf())
    expect(Either.isRight(first)).toBe(true)
    const identityFile = path.join(cli.dir, "identity", "device.json")
    expect(fs.statSync(identityFile).mode & 0o777).toBe(0o600)
    const identity = JSON.parse(fs.readFileSync(identityFile, "utf8"))
    expect(identity).toMatchObject({ version: 1, deviceId: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(await cli.run(authOf())).toMatchObject({ right: { role: "operator" } })
    expect(JSON.parse(fs.readFileSync(identityFile, "utf8")).deviceId).toBe(identity.deviceId)
    const tokens = fs.readdirSync(path.join(cli.dir, "identity")).filter((f) => f !== "device.json")
    expect(tokens.length).toBeGreaterThan(0)
    for (const file of tokens) expect(fs.statSync(path.join(cli.dir, "identity", file)).mode & 0o777).toBe(0o600)
  })

  it("without a shared token it connects with the cached device token", async () => {
    const cli = cliInstall(gw.port, TOKEN)
    expect(Either.isRight(await cli.run(health()))).toBe(true)
    cli.setToken(undefined)
    expect(await cli.run(health())).toMatchObject({ right: { ok: true } })
  })

  it("after the gateway token changes, exactly one retry with the cached device token gets in", async () => {
    const cli = cliInstall(gw.port, TOKEN)
    expect(Either.isRight(await cli.run(health()))).toBe(true)
    const rotated = "client-test-rotated-token-0987"
    const config = JSON.parse(fs.readFileSync(gw.configPath, "utf8"))
    const watcher = await deviceWatcher(gw.port)
    await reloadedAfter(watcher, () =>
      fs.writeFileSync(gw.configPath, JSON.stringify({ ...config, gateway: { ...config.gateway, auth: { mode: "token", token: rotated } } })))
    try {
      // The CLI still holds the old shared token: the gateway offers the device-token retry.
      expect(await cli.run(health())).toMatchObject({ right: { ok: true } })
      // An explicit --url never falls back to stored credentials: the stale token simply fails.
      const explicit = await cli.run(health({ url: gw.url, token: TOKEN }))
      expect(explicit).toMatchObject({ left: { _tag: "GatewayAuthError", code: "AUTH_TOKEN_MISMATCH" } })
    } finally {
      await reloadedAfter(watcher, () => fs.writeFileSync(gw.configPath, JSON.stringify(config)))
    }
  }, 15_000)

  it("an explicit --url without --token sends no credentials, whatever the config holds", async () => {
    const cli = cliInstall(gw.port, TOKEN)
    const result = await cli.run(health({ url: gw.url }))
    expect(result).toMatchObject({ left: { _tag: "GatewayAuthError", code: "AUTH_TOKEN_MISSING" } })
  })

  it("OPENCLAW_GATEWAY_TOKEN is used when the config has none", async () => {
    const env = configTestLayer({ OPENCLAW_GATEWAY_TOKEN: TOKEN })
    fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local", port: gw.port } }))
    const result = await Effect.runPromise(Effect.either(Effect.provide(health(), GatewayClientLive.pipe(Layer.provide(env.layer)))))
    expect(result).toMatchObject({ right: { ok: true } })
  })

  it("a refused port is `gateway connect failed` naming the URL", async () => {
    const cli = cliInstall(1, TOKEN)
    const result = await cli.run(health({ timeoutMs: 2000 }))
    expect(result).toMatchObject({ left: { _tag: "GatewayConnectFailed" } })
    expect(Either.isLeft(result) && result.left.message).toMatch(/^gateway connect failed: .*ws:\/\/127\.0\.0\.1:1\)$/)
  })
})

describe("GatewayClient: pairing and timeouts", () => {
  it("PAIRING_REQUIRED carries the requestId for `openclaw devices approve`", async () => {
    const gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, nodes: { pairing: { autoApproveLocal: false } } } })
    try {
      const cli = cliInstall(gw.port, TOKEN)
      const result = await cli.run(health())
      expect(result).toMatchObject({ left: { _tag: "PairingRequired", code: "PAIRING_REQUIRED", reason: "not-paired" } })
      expect(Either.isLeft(result) && (result.left as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/)
    } finally {
      await gw.stop()
    }
  })

  it("a server that never sends connect.challenge times out with a typed error", async () => {
    const silent = new WebSocketServer({ host: "127.0.0.1", port: 0 })
    await new Promise((r) => silent.once("listening", r))
    const port = (silent.address() as { port: number }).port
    try {
      const cli = cliInstall(port, TOKEN)
      const started = Date.now()
      const result = await cli.run(health({ timeoutMs: 300 }))
      expect(result).toMatchObject({ left: { _tag: "GatewayTimeout" } })
      expect(Either.isLeft(result) && result.left.message).toBe(`gateway did not send connect.challenge within 300ms (ws://127.0.0.1:${port})`)
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      silent.close()
    }
  })
})

describe("DeviceIdentityStore on a failing disk", () => {
  const stateDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-identity-"))

  it.effect("disk full while saving a device token: StateIoError naming device-auth.json, the saved tokens intact", () => {
    const dir = stateDir()
    const tokensFile = path.join(dir, "identity", "device-auth.json")
    return Effect.gen(function*() {
      const disk = yield* makeIdentityStore(dir).pipe(Effect.provide(DiskFilesTest))
      yield* disk.saveToken("ws://gw", "dev-1", "operator", "tok-1", ["operator.read"])
      const before = fs.readFileSync(tokensFile, "utf8")
      const full = yield* makeIdentityStore(dir).pipe(Effect.provide(StateFilesLive.pipe(Layer.provide(FaultyFileSystem([diskFull("write", (p) => p.startsWith(tokensFile))])))))
      const error = yield* Effect.flip(full.saveToken("ws://gw", "dev-1", "operator", "tok-2", ["operator.read"]))
      expect(error).toMatchObject({ _tag: "StateIoError", path: tokensFile })
      expect(error.message).toContain("ENOSPC")
      expect(fs.readFileSync(tokensFile, "utf8")).toBe(before)
      expect(fs.readdirSync(path.join(dir, "identity")).sort()).toEqual(["device-auth.json"])
      expect(yield* disk.storedToken("ws://gw", "dev-1", "operator")).toMatchObject({ token: "tok-1" })
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })

  it.effect("permission denied creating the identity: StateIoError naming device.json, nothing half-written", () => {
    const dir = stateDir()
    const identityFile = path.join(dir, "identity", "device.json")
    return Effect.gen(function*() {
      const denied = yield* makeIdentityStore(dir).pipe(Effect.provide(StateFilesLive.pipe(Layer.provide(FaultyFileSystem([permissionDenied("rename", (p) => p === identityFile)])))))
      const error = yield* Effect.flip(denied.ensure)
      expect(error).toMatchObject({ _tag: "StateIoError", path: identityFile })
      expect(error.message).toContain("EACCES")
      expect(fs.readdirSync(path.join(dir, "identity"))).toEqual([])
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })
})
