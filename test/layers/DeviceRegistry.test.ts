import { afterAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Logger, Option, Queue, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { DeviceRegistryLive } from "../../src/layers/DeviceRegistryLive.js"
import { DeviceRegistry, type PairingAsk, type RegistryChange } from "../../src/services/DeviceRegistry.js"
import { Paths } from "../../src/services/Paths.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { DiskFilesTest } from "../support/configTestLayer.js"
import { diskFull, FaultyFileSystem, type Fault, permissionDenied } from "../support/faultyFileSystem.js"

const dirs: Array<string> = []
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-devices-"))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

const registryIn = (dir: string, files: typeof DiskFilesTest = DiskFilesTest) =>
  DeviceRegistryLive.pipe(
    Layer.provide(Layer.succeed(Paths, { home: dir, stateDir: dir, configPath: `${dir}/openclaw.json`, profile: undefined, dev: false, canonical: false })),
    Layer.provide(files)
  )

/** A registry on `dir` whose disk fails as `faults` say. */
const faultyRegistryIn = (dir: string, faults: ReadonlyArray<Fault>) => registryIn(dir, StateFilesLive.pipe(Layer.provideMerge(FaultyFileSystem(faults))))

/** Runs `effect` against a registry on `dir` (a fresh temp dir by default). */
const inRegistry = <A, E, R>(effect: Effect.Effect<A, E, R>, dir: string = tempDir()) => Effect.provide(effect, registryIn(dir))

const ask = (overrides: Partial<PairingAsk> = {}): PairingAsk => ({
  deviceId: "dev-1",
  publicKey: "key-1",
  role: "operator",
  scopes: ["operator.read"],
  reason: "not-paired",
  isRepair: false,
  platform: "linux",
  clientId: "cli",
  clientMode: "cli",
  ...overrides
})

const drain = (queue: Queue.Dequeue<RegistryChange>) => Effect.map(Queue.takeAll(queue), Chunk.toArray)

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

/** A paired device "dev-1" (operator, operator.read + operator.write). */
const pairDevice = (overrides: Partial<PairingAsk> = {}) =>
  Effect.gen(function*() {
    const registry = yield* DeviceRegistry
    const request = yield* registry.request(ask({ scopes: ["operator.read", "operator.write"], ...overrides }))
    return yield* registry.approve(request.requestId)
  })

describe("DeviceRegistryLive pending requests", () => {
  it.scoped("an identical retry reuses the request; a changed ask supersedes it", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      const changes = yield* registry.changes
      const first = yield* registry.request(ask({ scopes: ["operator.read", "operator.write"] }))
      expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(first.ts).toBe(0)
      expect(yield* drain(changes)).toEqual([{ _tag: "Requested", request: first }])

      yield* TestClock.adjust("1 minute")
      const retry = yield* registry.request(ask({ scopes: ["operator.write", "operator.read"] }))
      expect(retry.requestId).toBe(first.requestId)
      expect(retry.ts).toBe(60_000)
      expect(yield* drain(changes)).toEqual([])

      const changed = yield* registry.request(ask({ scopes: ["operator.admin"], reason: "scope-upgrade" }))
      expect(changed.requestId).not.toBe(first.requestId)
      expect(yield* drain(changes)).toEqual([
        { _tag: "Resolved", requestId: first.requestId, deviceId: "dev-1", decision: "rejected", ts: 60_000 },
        { _tag: "Requested", request: changed }
      ])
      const { pending } = yield* registry.list
      expect(pending.map((p) => p.requestId)).toEqual([changed.requestId])
      expect(Option.isNone(yield* registry.pendingById(first.requestId))).toBe(true)

      // A new key supersedes too; other devices are untouched.
      const other = yield* registry.request(ask({ deviceId: "dev-2" }))
      const rekeyed = yield* registry.request(ask({ scopes: ["operator.admin"], publicKey: "key-9" }))
      expect(rekeyed.requestId).not.toBe(changed.requestId)
      expect((yield* registry.list).pending.map((p) => p.requestId).sort()).toEqual([other.requestId, rekeyed.requestId].sort())
    })))

  it.effect("pending requests expire 5 minutes after their last retry", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      const first = yield* registry.request(ask())
      yield* TestClock.adjust("4 minutes")
      expect((yield* registry.request(ask())).requestId).toBe(first.requestId)
      yield* TestClock.adjust("4 minutes")
      expect(Option.isSome(yield* registry.pendingById(first.requestId))).toBe(true)
      yield* TestClock.adjust("1 minute")
      expect(Option.isNone(yield* registry.pendingById(first.requestId))).toBe(true)
      expect((yield* registry.list).pending).toEqual([])
      const error = yield* Effect.flip(registry.approve(first.requestId))
      expect(error).toMatchObject({ _tag: "InvalidRequest", code: "INVALID_REQUEST", message: "unknown requestId" })
      const again = yield* registry.request(ask())
      expect(again.requestId).not.toBe(first.requestId)
    })))
})

describe("DeviceRegistryLive approval", () => {
  it.scoped("approve pairs the device, removes the request and emits Resolved approved", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      const changes = yield* registry.changes
      const request = yield* registry.request(ask({ displayName: "Laptop", scopes: ["operator.read", "operator.write"] }))
      yield* TestClock.adjust("10 seconds")
      const device = yield* registry.approve(request.requestId)
      expect(device).toEqual({
        deviceId: "dev-1",
        publicKey: "key-1",
        displayName: "Laptop",
        platform: "linux",
        clientId: "cli",
        clientMode: "cli",
        roles: ["operator"],
        approvedScopes: ["operator.read", "operator.write"],
        tokens: {},
        approvedAtMs: 10_000,
        approvedVia: "owner"
      })
      expect(Option.getOrUndefined(yield* registry.get("dev-1"))).toEqual(device)
      expect((yield* registry.list).pending).toEqual([])
      expect((yield* drain(changes)).slice(1)).toEqual([
        { _tag: "Resolved", requestId: request.requestId, deviceId: "dev-1", decision: "approved", ts: 10_000 }
      ])
      expect(yield* Effect.flip(registry.approve(request.requestId))).toMatchObject({ _tag: "InvalidRequest", message: "unknown requestId" })
      expect(Option.isNone(yield* registry.get("dev-2"))).toBe(true)
    })))

  it.scoped("reject removes the request and emits Resolved rejected; unknown ids fail", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      const changes = yield* registry.changes
      const request = yield* registry.request(ask())
      expect(yield* registry.reject(request.requestId)).toEqual({ requestId: request.requestId, deviceId: "dev-1" })
      expect((yield* drain(changes)).slice(1)).toEqual([
        { _tag: "Resolved", requestId: request.requestId, deviceId: "dev-1", decision: "rejected", ts: 0 }
      ])
      expect((yield* registry.list).pending).toEqual([])
      expect(Option.isNone(yield* registry.get("dev-1"))).toBe(true)
      expect(yield* Effect.flip(registry.reject(request.requestId))).toMatchObject({ _tag: "InvalidRequest", message: "unknown requestId" })
      expect(yield* Effect.flip(registry.reject("nope"))).toMatchObject({ _tag: "InvalidRequest", message: "unknown requestId" })
    })))

  it.effect("a second approval unions roles and scopes", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* registry.approve((yield* registry.request(ask({ scopes: ["operator.read"] }))).requestId)
      const wider = yield* registry.request(ask({ scopes: ["operator.write", "operator.read"], reason: "scope-upgrade" }))
      const afterScopes = yield* registry.approve(wider.requestId)
      expect(afterScopes.approvedScopes).toEqual(["operator.read", "operator.write"])
      const node = yield* registry.request(ask({ role: "node", scopes: [], reason: "role-upgrade" }))
      const afterRole = yield* registry.approve(node.requestId)
      expect(afterRole.roles).toEqual(["operator", "node"])
      expect(afterRole.approvedScopes).toEqual(["operator.read", "operator.write"])
    })))

  it.scoped("approveDirect pairs without a pending request and emits Resolved approved", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      const changes = yield* registry.changes
      const device = yield* registry.approveDirect(ask({ scopes: ["operator.admin"] }))
      expect(device).toMatchObject({ deviceId: "dev-1", roles: ["operator"], approvedScopes: ["operator.admin"] })
      const events = yield* drain(changes)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ _tag: "Resolved", deviceId: "dev-1", decision: "approved" })
      expect(events[0]?._tag === "Resolved" ? events[0].requestId : "").toMatch(/^[0-9a-f-]{36}$/)
      expect((yield* registry.list).pending).toEqual([])
    })))

  it.live("many connects of one new device at once pair it once: one write, one event, and a covered ask never waits for the lock", () => {
    const dir = tempDir()
    return inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      const changes = yield* registry.changes
      const devices = yield* Effect.all(Array.from({ length: 20 }, () => registry.approveDirect(ask())), { concurrency: "unbounded" })
      expect(new Set(devices.map((d) => d.approvedAtMs)).size).toBe(1)
      expect((yield* drain(changes)).map((c) => c._tag)).toEqual(["Resolved"])
      const written = fs.statSync(path.join(dir, "devices", "paired.json"))
      // Another process (the CLI) holds the lock now: a connect of the approved device is not held up by it.
      fs.writeFileSync(path.join(dir, "devices", ".lock"), `${JSON.stringify({ pid: process.pid, nonce: "cli", createdAt: new Date().toISOString() })}\n`)
      const again = yield* registry.approveDirect(ask()).pipe(Effect.timeout("2 seconds"))
      expect(again.deviceId).toBe("dev-1")
      const after = fs.statSync(path.join(dir, "devices", "paired.json"))
      expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs])
    }), dir).pipe(Effect.scoped)
  })

  it.scoped("a repair with a new key replaces the key and drops the old tokens", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      const old = yield* registry.issueToken("dev-1", "operator", ["operator.read"])
      const changes = yield* registry.changes
      const repair = yield* registry.request(ask({ publicKey: "key-2", isRepair: true }))
      expect(repair.isRepair).toBe(true)
      const device = yield* registry.approve(repair.requestId)
      expect(device.publicKey).toBe("key-2")
      expect(device.tokens).toEqual({})
      expect(device.approvedScopes).toEqual(["operator.read", "operator.write"])
      expect((yield* registry.verifyToken("dev-1", "operator", old.token, []))._tag).toBe("Mismatch")
      expect(yield* drain(changes)).toContainEqual({ _tag: "TokenInvalidated", deviceId: "dev-1", role: undefined, reason: "device identity changed" })
    })))
})

describe("DeviceRegistryLive device tokens", () => {
  it.effect("issueToken needs an approved role, reuses a covering token and mints otherwise", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      expect(yield* Effect.flip(registry.issueToken("dev-1", "operator", []))).toMatchObject({ _tag: "InvalidRequest", message: "role not approved for device" })
      yield* pairDevice()
      expect(yield* Effect.flip(registry.issueToken("dev-1", "node", []))).toMatchObject({ _tag: "InvalidRequest", message: "role not approved for device" })

      yield* TestClock.adjust("1 second")
      const first = yield* registry.issueToken("dev-1", "operator", ["operator.write"])
      expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(first).toMatchObject({ role: "operator", scopes: ["operator.write"], issuedAtMs: 1000 })

      const reused = yield* registry.issueToken("dev-1", "operator", ["operator.read"])
      expect(reused).toEqual(first)
      expect(yield* registry.issueToken("dev-1", "operator", [])).toEqual(first)

      const minted = yield* registry.issueToken("dev-1", "operator", ["operator.admin"])
      expect(minted.token).not.toBe(first.token)
      expect(minted.scopes).toEqual(["operator.admin"])
      const stored = Option.getOrUndefined(yield* registry.get("dev-1"))?.tokens["operator"]
      expect(stored).toMatchObject({ token: minted.token, role: "operator", scopes: ["operator.admin"], createdAtMs: 1000 })
    })))

  it.effect("verifyToken: valid, mismatch, scope mismatch, unknown device or role", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      const { token } = yield* registry.issueToken("dev-1", "operator", ["operator.write"])
      expect(yield* registry.verifyToken("dev-1", "operator", token, ["operator.read"])).toEqual({ _tag: "Valid", scopes: ["operator.write"] })
      const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`
      expect(yield* registry.verifyToken("dev-1", "operator", flipped, [])).toEqual({ _tag: "Mismatch" })
      expect(yield* registry.verifyToken("dev-1", "operator", "short", [])).toEqual({ _tag: "Mismatch" })
      expect(yield* registry.verifyToken("dev-1", "operator", "", [])).toEqual({ _tag: "Mismatch" })
      expect(yield* registry.verifyToken("dev-1", "operator", token, ["operator.admin"])).toEqual({ _tag: "ScopeMismatch" })
      expect(yield* registry.verifyToken("dev-1", "node", token, [])).toEqual({ _tag: "Mismatch" })
      expect(yield* registry.verifyToken("dev-2", "operator", token, [])).toEqual({ _tag: "Mismatch" })
    })))

  it.effect("verifyToken stamps lastUsedAtMs at most once a minute", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      const { token } = yield* registry.issueToken("dev-1", "operator", [])
      const lastUsed = Effect.map(registry.get("dev-1"), (d) => Option.getOrUndefined(d)?.tokens["operator"]?.lastUsedAtMs)
      expect(yield* lastUsed).toBeUndefined()
      yield* TestClock.adjust("5 seconds")
      yield* registry.verifyToken("dev-1", "operator", token, [])
      expect(yield* lastUsed).toBe(5_000)
      yield* TestClock.adjust("30 seconds")
      yield* registry.verifyToken("dev-1", "operator", token, [])
      expect(yield* lastUsed).toBe(5_000)
      yield* TestClock.adjust("30 seconds")
      yield* registry.verifyToken("dev-1", "operator", token, [])
      expect(yield* lastUsed).toBe(65_000)
      // A failed check does not stamp.
      yield* TestClock.adjust("2 minutes")
      yield* registry.verifyToken("dev-1", "operator", "wrong", [])
      expect(yield* lastUsed).toBe(65_000)
    })))

  it.scoped("rotateToken replaces the token, keeps or replaces scopes and emits TokenInvalidated", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      const old = yield* registry.issueToken("dev-1", "operator", ["operator.read"])
      const changes = yield* registry.changes
      yield* TestClock.adjust("3 seconds")
      const rotated = yield* registry.rotateToken("dev-1", "operator", undefined)
      expect(rotated).toMatchObject({ role: "operator", scopes: ["operator.read"], rotatedAtMs: 3000, issuedAtMs: 3000 })
      expect(rotated.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(rotated.token).not.toBe(old.token)
      expect(yield* registry.verifyToken("dev-1", "operator", old.token, [])).toEqual({ _tag: "Mismatch" })
      expect(yield* registry.verifyToken("dev-1", "operator", rotated.token, [])).toEqual({ _tag: "Valid", scopes: ["operator.read"] })
      expect(yield* drain(changes)).toEqual([{ _tag: "TokenInvalidated", deviceId: "dev-1", role: "operator", reason: "token rotated" }])
      const stored = Option.getOrUndefined(yield* registry.get("dev-1"))?.tokens["operator"]
      expect(stored).toMatchObject({ createdAtMs: 0, rotatedAtMs: 3000 })

      const widened = yield* registry.rotateToken("dev-1", "operator", ["operator.write"])
      expect(widened.scopes).toEqual(["operator.write"])
      // The rotated token is reused by the next connect.
      expect((yield* registry.issueToken("dev-1", "operator", ["operator.read"])).token).toBe(widened.token)

      expect(yield* Effect.flip(registry.rotateToken("dev-1", "node", undefined))).toMatchObject({ _tag: "InvalidRequest", message: "role not approved for device" })
      expect(yield* Effect.flip(registry.rotateToken("dev-2", "operator", undefined))).toMatchObject({ _tag: "InvalidRequest", message: "unknown deviceId" })
    })))

  it.scoped("revokeToken marks the token revoked; the next issue mints a new one", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      expect(yield* Effect.flip(registry.revokeToken("dev-1", "operator"))).toMatchObject({ _tag: "InvalidRequest", message: "unknown device token" })
      const issued = yield* registry.issueToken("dev-1", "operator", [])
      const changes = yield* registry.changes
      yield* TestClock.adjust("7 seconds")
      expect(yield* registry.revokeToken("dev-1", "operator")).toEqual({ revokedAtMs: 7000 })
      expect(yield* drain(changes)).toEqual([{ _tag: "TokenInvalidated", deviceId: "dev-1", role: "operator", reason: "token revoked" }])
      expect(yield* registry.verifyToken("dev-1", "operator", issued.token, [])).toEqual({ _tag: "Mismatch" })
      const fresh = yield* registry.issueToken("dev-1", "operator", [])
      expect(fresh.token).not.toBe(issued.token)
      expect(yield* registry.verifyToken("dev-1", "operator", fresh.token, [])).toMatchObject({ _tag: "Valid" })
      expect(yield* Effect.flip(registry.revokeToken("dev-2", "operator"))).toMatchObject({ _tag: "InvalidRequest", message: "unknown deviceId" })
    })))
})

describe("DeviceRegistryLive device management", () => {
  it.scoped("remove forgets the device and emits TokenInvalidated for all roles", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      const { token } = yield* registry.issueToken("dev-1", "operator", [])
      const changes = yield* registry.changes
      yield* registry.remove("dev-1")
      expect(yield* drain(changes)).toEqual([{ _tag: "TokenInvalidated", deviceId: "dev-1", role: undefined, reason: "device removed" }])
      expect(Option.isNone(yield* registry.get("dev-1"))).toBe(true)
      expect(yield* registry.verifyToken("dev-1", "operator", token, [])).toEqual({ _tag: "Mismatch" })
      expect(yield* Effect.flip(registry.remove("dev-1"))).toMatchObject({ _tag: "InvalidRequest", message: "unknown deviceId" })
    })))

  it.effect("rename sets a trimmed operatorLabel of 1-64 characters", () =>
    inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      expect((yield* registry.rename("dev-1", "  Office Mac  ")).operatorLabel).toBe("Office Mac")
      expect(Option.getOrUndefined(yield* registry.get("dev-1"))?.operatorLabel).toBe("Office Mac")
      expect((yield* registry.rename("dev-1", "x".repeat(64))).operatorLabel).toBe("x".repeat(64))
      for (const bad of ["", "   ", "x".repeat(65)]) {
        expect(yield* Effect.flip(registry.rename("dev-1", bad))).toMatchObject({ _tag: "InvalidRequest", message: "invalid label" })
      }
      expect(Option.getOrUndefined(yield* registry.get("dev-1"))?.operatorLabel).toBe("x".repeat(64))
      expect(yield* Effect.flip(registry.rename("dev-2", "Name"))).toMatchObject({ _tag: "InvalidRequest", message: "unknown deviceId" })
    })))
})

describe("DeviceRegistryLive files", () => {
  it.effect("writes devices/ as 0700 and both files as 0600, leaving no temp files", () => {
    const dir = tempDir()
    return inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* pairDevice()
      yield* registry.request(ask({ deviceId: "dev-2" }))
      const devices = path.join(dir, "devices")
      expect(modeOf(devices)).toBe("700")
      expect(modeOf(path.join(devices, "paired.json"))).toBe("600")
      expect(modeOf(path.join(devices, "pending.json"))).toBe("600")
      expect(fs.readdirSync(devices).sort()).toEqual(["paired.json", "pending.json"])
      const paired = JSON.parse(fs.readFileSync(path.join(devices, "paired.json"), "utf8"))
      expect(Object.keys(paired)).toEqual(["dev-1"])
      const pending = JSON.parse(fs.readFileSync(path.join(devices, "pending.json"), "utf8"))
      expect(Object.values(pending)).toMatchObject([{ deviceId: "dev-2" }])
    }), dir)
  })

  it.effect("a corrupt paired.json is moved aside with a warning and the registry starts empty", () => {
    const dir = tempDir()
    const devices = path.join(dir, "devices")
    fs.mkdirSync(devices, { recursive: true, mode: 0o700 })
    const corrupt = "{ this is not json"
    fs.writeFileSync(path.join(devices, "paired.json"), corrupt, { mode: 0o600 })
    const warnings: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
    )
    return Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      expect((yield* registry.list).paired).toEqual([])
      const entries = fs.readdirSync(devices)
      const aside = entries.filter((e) => e.startsWith("paired.json.corrupt."))
      expect(aside).toHaveLength(1)
      expect(fs.readFileSync(path.join(devices, aside[0] ?? ""), "utf8")).toBe(corrupt)
      expect(entries).not.toContain("paired.json")
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("paired.json")
      expect(warnings[0]).toContain("moved it to")

      yield* pairDevice()
      expect((yield* registry.list).paired.map((d) => d.deviceId)).toEqual(["dev-1"])
      expect(fs.readFileSync(path.join(devices, aside[0] ?? ""), "utf8")).toBe(corrupt)
    }).pipe(Effect.provide(Layer.merge(registryIn(dir), capture)))
  })

  it.effect("a paired.json of the wrong shape is moved aside too; a write never replaces it in place", () => {
    const dir = tempDir()
    const devices = path.join(dir, "devices")
    fs.mkdirSync(devices, { recursive: true, mode: 0o700 })
    const wrong = JSON.stringify({ "dev-1": { deviceId: "dev-1", roles: "operator" } })
    fs.writeFileSync(path.join(devices, "paired.json"), wrong, { mode: 0o600 })
    return inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      // The first access is a write: the bad file is still moved aside, not overwritten.
      yield* registry.approveDirect(ask())
      const aside = fs.readdirSync(devices).filter((e) => e.startsWith("paired.json.corrupt."))
      expect(aside).toHaveLength(1)
      expect(fs.readFileSync(path.join(devices, aside[0] ?? ""), "utf8")).toBe(wrong)
      expect((yield* registry.list).paired.map((d) => d.roles)).toEqual([["operator"]])
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))), dir)
  })

  it.effect("fields the schema does not know are kept across writes", () => {
    const dir = tempDir()
    const devices = path.join(dir, "devices")
    fs.mkdirSync(devices, { recursive: true, mode: 0o700 })
    const record = {
      deviceId: "dev-1",
      publicKey: "key-1",
      roles: ["operator"],
      approvedScopes: ["operator.read"],
      tokens: {},
      approvedAtMs: 1,
      remoteIp: "10.0.0.2"
    }
    fs.writeFileSync(path.join(devices, "paired.json"), JSON.stringify({ "dev-1": record }), { mode: 0o600 })
    return inRegistry(Effect.gen(function*() {
      const registry = yield* DeviceRegistry
      yield* registry.rename("dev-1", "Kept")
      const onDisk = JSON.parse(fs.readFileSync(path.join(devices, "paired.json"), "utf8"))
      expect(onDisk["dev-1"]).toMatchObject({ remoteIp: "10.0.0.2", operatorLabel: "Kept" })
    }), dir)
  })
})

describe("DeviceRegistryLive across processes", () => {
  it.scoped("two instances on one state dir see each other's writes", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const a = Context.get(yield* Layer.build(registryIn(dir)), DeviceRegistry)
      const b = Context.get(yield* Layer.build(registryIn(dir)), DeviceRegistry)
      const request = yield* a.request(ask())
      expect(Option.getOrUndefined(yield* b.pendingById(request.requestId))).toEqual(request)
      // b re-reads under the lock, so a's request is reused rather than superseded.
      expect((yield* b.request(ask())).requestId).toBe(request.requestId)
      yield* b.approve(request.requestId)
      expect(Option.isSome(yield* a.get("dev-1"))).toBe(true)
      expect(yield* Effect.flip(a.approve(request.requestId))).toMatchObject({ message: "unknown requestId" })
      const issued = yield* a.issueToken("dev-1", "operator", [])
      expect(yield* b.verifyToken("dev-1", "operator", issued.token, [])).toMatchObject({ _tag: "Valid" })
      yield* b.revokeToken("dev-1", "operator")
      expect(yield* a.verifyToken("dev-1", "operator", issued.token, [])).toEqual({ _tag: "Mismatch" })
      yield* a.rename("dev-1", "From A")
      yield* b.remove("dev-1")
      expect(Option.isNone(yield* a.get("dev-1"))).toBe(true)
    }))

  it.live("concurrent writers on two instances lose no update", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = tempDir()
      const a = Context.get(yield* Layer.build(registryIn(dir)), DeviceRegistry)
      const b = Context.get(yield* Layer.build(registryIn(dir)), DeviceRegistry)
      const ids = Array.from({ length: 12 }, (_, i) => `dev-${i}`)
      yield* Effect.forEach(ids, (deviceId, i) => (i % 2 === 0 ? a : b).approveDirect(ask({ deviceId })), { concurrency: "unbounded" })
      const paired = (yield* a.list).paired.map((d) => d.deviceId).sort()
      expect(paired).toEqual([...ids].sort())
      expect(fs.existsSync(path.join(dir, "devices", ".lock"))).toBe(false)
    })))
})

describe("DeviceRegistryLive on a failing disk", () => {
  const pairedOf = (dir: string) => path.join(dir, "devices", "paired.json")

  it.effect("disk full while saving paired.json: StateIoError naming the file, the previous paired.json intact, no temp file, lock released", () => {
    const dir = tempDir()
    return Effect.gen(function*() {
      yield* inRegistry(pairDevice(), dir)
      const before = fs.readFileSync(pairedOf(dir), "utf8")
      const error = yield* Effect.flip(Effect.flatMap(DeviceRegistry, (r) => r.approveDirect(ask({ deviceId: "dev-2" }))).pipe(
        Effect.provide(faultyRegistryIn(dir, [diskFull("write", (p) => p.startsWith(pairedOf(dir)))]))
      ))
      expect(error).toMatchObject({ _tag: "StateIoError", code: "STATE_IO_ERROR", path: pairedOf(dir) })
      expect(error.message).toContain("ENOSPC")
      expect(fs.readFileSync(pairedOf(dir), "utf8")).toBe(before)
      expect(fs.readdirSync(path.join(dir, "devices")).sort()).toEqual(["paired.json", "pending.json"])
      // The disk is back: the registry still has dev-1 and takes the write.
      const devices = yield* inRegistry(Effect.gen(function*() {
        const registry = yield* DeviceRegistry
        yield* registry.approveDirect(ask({ deviceId: "dev-2" }))
        return (yield* registry.list).paired.map((d) => d.deviceId).sort()
      }), dir)
      expect(devices).toEqual(["dev-1", "dev-2"])
    })
  })

  it.effect("permission denied replacing paired.json: StateIoError naming the file, previous content intact", () => {
    const dir = tempDir()
    return Effect.gen(function*() {
      yield* inRegistry(pairDevice(), dir)
      const before = fs.readFileSync(pairedOf(dir), "utf8")
      const error = yield* Effect.flip(Effect.flatMap(DeviceRegistry, (r) => r.rename("dev-1", "Renamed")).pipe(
        Effect.provide(faultyRegistryIn(dir, [permissionDenied("rename", (p) => p === pairedOf(dir))]))
      ))
      expect(error).toMatchObject({ _tag: "StateIoError", path: pairedOf(dir) })
      expect(error.message).toContain("EACCES")
      expect(fs.readFileSync(pairedOf(dir), "utf8")).toBe(before)
      expect(fs.readdirSync(path.join(dir, "devices")).sort()).toEqual(["paired.json", "pending.json"])
    })
  })
})
