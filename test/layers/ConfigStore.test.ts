import { afterAll, assert, describe, expect, it } from "@effect/vitest"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Chunk, Deferred, Effect, Fiber, Layer, Logger, Option, Queue, Stream } from "effect"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import type { EditOp } from "../../src/domain/config/edits.js"
import { ConfigEditorLive } from "../../src/layers/ConfigEditorLive.js"
import { ConfigStoreLive } from "../../src/layers/ConfigStoreLive.js"
import { HostFrom } from "../../src/layers/HostLive.js"
import { PathsLive } from "../../src/layers/PathsLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { ConfigEditor } from "../../src/services/ConfigEditor.js"
import { ConfigPolicy } from "../../src/services/ConfigPolicy.js"
import { ConfigStore } from "../../src/services/ConfigStore.js"
import { configTestLayer, type ConfigTestEnv } from "../support/configTestLayer.js"
import { diskFull, FaultyFileSystem, permissionDenied } from "../support/faultyFileSystem.js"
import { isRecord } from "../../src/domain/isRecord.js"

const dirs: Array<string> = []
const setup = (extraEnv: Readonly<Record<string, string>> = {}): ConfigTestEnv => {
  const env = configTestLayer(extraEnv)
  dirs.push(env.dir)
  return env
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

const serialize = (config: unknown) => `${JSON.stringify(config, null, 2)}\n`
const bytes = (text: string) => Buffer.byteLength(text, "utf8")
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex")
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

/** What the store writes for `config`: `meta.lastTouchedVersion` stamped, other meta kept. */
const stamped = (config: Record<string, unknown>) => ({
  ...config,
  meta: { ...(isRecord(config["meta"]) ? config["meta"] : {}), lastTouchedVersion: VERSION }
})

const siblings = (configPath: string, prefix: string) =>
  fs.readdirSync(path.dirname(configPath))
    .filter((entry) => entry.startsWith(`${path.basename(configPath)}${prefix}`))
    .sort()
    .map((entry) => path.join(path.dirname(configPath), entry))

const rejectedFiles = (configPath: string) => siblings(configPath, ".rejected.")

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"))

/** A config with meta and gateway.mode whose serialized form is well above 512 bytes. */
const bigConfig = () => ({
  meta: {},
  gateway: { mode: "local", port: 18000 },
  logging: { redactPatterns: Array.from({ length: 20 }, (_, i) => `redact-pattern-number-${i}-padding-padding`) }
})

/** Writes `config` through the store, starting from whatever is on disk. */
const seed = (config: unknown) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    return yield* store.write({ next: config, baseHash: snapshot.hash })
  })

const set = (dotted: string, value: unknown, mode: "plain" | "merge" | "replace" = "plain"): EditOp => ({
  _tag: "Set",
  path: dotted.split("."),
  value,
  mode
})

interface TaggedFailure {
  readonly _tag: string
  readonly code: string
  readonly message: string
}

/** The rejection contract: tag, code, exact message, one 0600 payload file, the config untouched. */
const expectRejected = (
  env: ConfigTestEnv,
  error: TaggedFailure,
  before: Buffer,
  reasons: ReadonlyArray<string>,
  payload: string
) => {
  expect(error._tag).toBe("ConfigWriteRejected")
  expect(error.code).toBe("CONFIG_WRITE_REJECTED")
  const files = rejectedFiles(env.configPath)
  expect(files).toHaveLength(1)
  const [file] = files
  assert(file !== undefined)
  expect(path.basename(file)).toMatch(/^openclaw\.json\.rejected\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z/)
  expect(error.message).toBe(`Config write rejected: ${env.configPath} (${reasons.join(", ")}). Rejected payload saved to ${file}.`)
  expect(modeOf(file)).toBe("600")
  expect(fs.readFileSync(file, "utf8")).toBe(payload)
  expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)
}

const collectLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ message }) => {
    lines.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

/** Log lines as they arrive: a test takes the next one instead of polling for it. */
const streamLogs = () => {
  const queue = Effect.runSync(Queue.unbounded<string>())
  const logger = Logger.make(({ message }) => {
    Queue.unsafeOffer(queue, Array.isArray(message) ? message.map(String).join(" ") : String(message))
  })
  return { queue, layer: Logger.replace(Logger.defaultLogger, logger) }
}

/** The next log line that satisfies `predicate` (earlier ones are dropped). */
const nextLog = (queue: Queue.Queue<string>, predicate: (line: string) => boolean): Effect.Effect<string> =>
  Effect.flatMap(Queue.take(queue), (line) => (predicate(line) ? Effect.succeed(line) : nextLog(queue, predicate)))

/**
 * The real disk with a scripted `watch`: the test says when the directory changed, and learns when the
 * store has started watching (after its initial read), so no test waits for a watcher to be ready.
 */
const scriptedWatch = Effect.gen(function*() {
  const events = yield* Queue.unbounded<FileSystem.WatchEvent>()
  const watching = yield* Deferred.make<void>()
  const layer = Layer.effect(FileSystem.FileSystem, Effect.map(FileSystem.FileSystem, (real) => ({
    ...real,
    watch: () => Stream.fromQueue(events).pipe(Stream.onStart(Deferred.succeed(watching, undefined)))
  }))).pipe(Layer.provide(NodeFileSystem.layer))
  return { layer, watching, changed: (file: string) => Queue.offer(events, FileSystem.WatchEventUpdate({ path: file })) }
})

describe("ConfigStore write guard", () => {
  it.live("gateway-mode-removed (editor unset) is rejected, saved aside, and allowDestructive bypasses it", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const editor = yield* ConfigEditor
      yield* seed({ gateway: { mode: "local", port: 18000 } })
      const before = fs.readFileSync(env.configPath)
      const error = yield* Effect.flip(editor.apply([{ _tag: "Unset", path: ["gateway", "mode"] }]))
      expectRejected(env, error, before, ["gateway-mode-removed"], serialize({ gateway: { port: 18000 }, meta: { lastTouchedVersion: VERSION } }))
      assert(error._tag === "ConfigWriteRejected")
      expect(error.reasons).toEqual(["gateway-mode-removed"])

      const result = yield* store.write({ next: { gateway: { port: 18000 } }, baseHash: sha256(before.toString("utf8")), allowDestructive: true })
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(serialize(stamped({ gateway: { port: 18000 } })))
      expect(result.hash).toBe(sha256(fs.readFileSync(env.configPath, "utf8")))
      expect(rejectedFiles(env.configPath)).toHaveLength(1)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("size-drop:<base>-><next> blocks shrinking a >=512-byte config below half", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed(bigConfig())
      const beforeText = fs.readFileSync(env.configPath, "utf8")
      const before = fs.readFileSync(env.configPath)
      const base = bytes(serialize(JSON.parse(beforeText)))
      expect(base).toBeGreaterThanOrEqual(512)
      const next = { meta: {}, gateway: { mode: "local", port: 18000 } }
      const payload = serialize(stamped(next))
      expect(bytes(payload)).toBeLessThan(Math.floor(base * 0.5))

      const error = yield* Effect.flip(store.write({ next, baseHash: sha256(beforeText) }))
      expectRejected(env, error, before, [`size-drop:${base}->${bytes(payload)}`], payload)

      yield* store.write({ next, baseHash: sha256(beforeText), allowDestructive: true })
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(payload)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("several blocking reasons are listed together in the message", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed(bigConfig())
      const beforeText = fs.readFileSync(env.configPath, "utf8")
      const next = { meta: {}, gateway: { port: 18000 } }
      const payload = serialize(stamped(next))
      const error = yield* Effect.flip(store.write({ next, baseHash: sha256(beforeText) }))
      expectRejected(
        env,
        error,
        Buffer.from(beforeText, "utf8"),
        [`size-drop:${bytes(beforeText)}->${bytes(payload)}`, "gateway-mode-removed"],
        payload
      )
    }).pipe(Effect.provide(env.layer))
  })

  it.live("unreadable-config-before-write blocks replacing a file that does not parse", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const garbage = "{ gateway: { mode: \"local\", \n  this is not json5 ]]"
      fs.writeFileSync(env.configPath, garbage)
      const before = fs.readFileSync(env.configPath)
      const next = { gateway: { mode: "local" } }
      const payload = serialize(stamped(next))
      const error = yield* Effect.flip(store.write({ next, baseHash: sha256(garbage) }))
      expectRejected(env, error, before, ["unreadable-config-before-write"], payload)

      yield* store.write({ next, baseHash: sha256(garbage), allowDestructive: true })
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(payload)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("a stale baseHash is a ConfigWriteConflict and leaves the file alone", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const editor = yield* ConfigEditor
      yield* seed({ gateway: { mode: "local", port: 18000 } })
      const before = fs.readFileSync(env.configPath)
      const error = yield* Effect.flip(store.write({ next: { gateway: { mode: "local", port: 18001 } }, baseHash: sha256("something else") }))
      expect(error._tag).toBe("ConfigWriteConflict")
      expect(error.code).toBe("CONFIG_WRITE_CONFLICT")
      const viaEditor = yield* Effect.flip(editor.apply([set("gateway.port", 18002)], { baseHash: sha256("stale") }))
      expect(viaEditor._tag).toBe("ConfigWriteConflict")
      expect(viaEditor.code).toBe("CONFIG_WRITE_CONFLICT")
      expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)
      expect(rejectedFiles(env.configPath)).toEqual([])
    }).pipe(Effect.provide(env.layer))
  })

  it.live("a missing file with a baseHash is a conflict too; nothing is created", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const error = yield* Effect.flip(store.write({ next: { gateway: { mode: "local" } }, baseHash: sha256("{}") }))
      expect(error._tag).toBe("ConfigWriteConflict")
      expect(fs.existsSync(env.configPath)).toBe(false)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("an invalid config is refused with ConfigInvalid: file unchanged, nothing saved aside", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed({ gateway: { mode: "local", port: 18000 } })
      const beforeText = fs.readFileSync(env.configPath, "utf8")
      const error = yield* Effect.flip(store.write({ next: { gateway: { mode: "local", bind: "everywhere" } }, baseHash: sha256(beforeText) }))
      expect(error._tag).toBe("ConfigInvalid")
      expect(error.code).toBe("CONFIG_INVALID")
      assert(error._tag === "ConfigInvalid")
      expect(error.issues.map((issue) => issue.path)).toEqual(["gateway.bind"])
      expect(error.message).toContain("gateway.bind")
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(beforeText)
      expect(rejectedFiles(env.configPath)).toEqual([])
      // allowDestructive never skips validation.
      const forced = yield* Effect.flip(
        store.write({ next: { gateway: { mode: "local", bind: "everywhere" } }, baseHash: sha256(beforeText), allowDestructive: true })
      )
      expect(forced._tag).toBe("ConfigInvalid")
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(beforeText)
    }).pipe(Effect.provide(env.layer))
  })
})

describe("ConfigStore writes", () => {
  it.live("stamps meta.lastTouchedVersion, writes two-space JSON + newline, 0600 file in a fresh 0700 dir", () => {
    const env = setup({ OPENCLAW_STATE_DIR: "fresh-state" })
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const stateDir = path.dirname(env.configPath)
      expect(stateDir).toBe(path.join(env.dir, "fresh-state"))
      expect(fs.existsSync(stateDir)).toBe(false)

      const first = yield* seed({ gateway: { mode: "local" } })
      const text = fs.readFileSync(env.configPath, "utf8")
      expect(text).toBe(serialize({ gateway: { mode: "local" }, meta: { lastTouchedVersion: VERSION } }))
      expect(first).toEqual({ path: env.configPath, hash: sha256(text), bytes: bytes(text), anomalies: [] })
      expect(store.path).toBe(env.configPath)
      expect(modeOf(env.configPath)).toBe("600")
      expect(modeOf(stateDir)).toBe("700")

      const next = { meta: { lastTouchedVersion: "2020.1.1", migrations: { legacy: true } }, gateway: { mode: "local", port: 18100 } }
      yield* store.write({ next, baseHash: sha256(text) })
      const second = fs.readFileSync(env.configPath, "utf8")
      expect(second).toBe(serialize({ meta: { lastTouchedVersion: VERSION, migrations: { legacy: true } }, gateway: { mode: "local", port: 18100 } }))
      expect(modeOf(env.configPath)).toBe("600")
    }).pipe(Effect.provide(env.layer))
  })

  it.live("reports missing-meta-before-write as a non-blocking anomaly", () => {
    const env = setup()
    return Effect.gen(function*() {
      fs.writeFileSync(env.configPath, serialize({ gateway: { mode: "local" } }))
      const result = yield* seed({ gateway: { mode: "local", port: 18000 } })
      expect(result.anomalies).toEqual(["missing-meta-before-write"])
      expect(readJson(env.configPath)).toEqual(stamped({ gateway: { mode: "local", port: 18000 } }))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("keeps a .bak ring of five (.bak, .bak.1 … .bak.4) and prunes stray .bak.* files", () => {
    const env = setup()
    return Effect.gen(function*() {
      const version = (i: number) => ({ gateway: { mode: "local", port: 18000 + i } })
      for (let i = 1; i <= 7; i++) yield* seed(version(i))
      const bak = (suffix: string) => `${env.configPath}.bak${suffix}`
      expect(siblings(env.configPath, ".bak")).toEqual([bak(""), bak(".1"), bak(".2"), bak(".3"), bak(".4")])
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(serialize(stamped(version(7))))
      expect(fs.readFileSync(bak(""), "utf8")).toBe(serialize(stamped(version(6))))
      expect(fs.readFileSync(bak(".1"), "utf8")).toBe(serialize(stamped(version(5))))
      expect(fs.readFileSync(bak(".2"), "utf8")).toBe(serialize(stamped(version(4))))
      expect(fs.readFileSync(bak(".3"), "utf8")).toBe(serialize(stamped(version(3))))
      expect(fs.readFileSync(bak(".4"), "utf8")).toBe(serialize(stamped(version(2))))
      expect(fs.existsSync(bak(".5"))).toBe(false)
      expect(modeOf(bak(""))).toBe("600")

      fs.writeFileSync(bak(".9"), "stray backup\n")
      yield* seed(version(8))
      expect(fs.existsSync(bak(".9"))).toBe(false)
      expect(siblings(env.configPath, ".bak")).toEqual([bak(""), bak(".1"), bak(".2"), bak(".3"), bak(".4")])
      expect(fs.readFileSync(bak(""), "utf8")).toBe(serialize(stamped(version(7))))
      expect(fs.readFileSync(bak(".4"), "utf8")).toBe(serialize(stamped(version(3))))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("gaps a crash left in the .bak ring close up on the next write, oldest copies still oldest", () => {
    const env = setup()
    return Effect.gen(function*() {
      const version = (i: number) => ({ gateway: { mode: "local", port: 18000 + i } })
      for (let i = 1; i <= 6; i++) yield* seed(version(i))
      const bak = (suffix: string) => `${env.configPath}.bak${suffix}`
      // A writer killed mid-rotation: `.bak.2` moved on, `.bak.1` not yet, and `.bak` already renamed away.
      fs.renameSync(bak(".2"), bak(".3"))
      fs.rmSync(bak(""))
      yield* seed(version(7))
      expect(siblings(env.configPath, ".bak")).toEqual([bak(""), bak(".1"), bak(".2"), bak(".3")])
      expect([bak(""), bak(".1"), bak(".2"), bak(".3")].map((f) => readJson(f))).toEqual([6, 4, 3, 1].map((i) => stamped(version(i))))
      yield* seed(version(8))
      yield* seed(version(9))
      expect(siblings(env.configPath, ".bak")).toEqual([bak(""), bak(".1"), bak(".2"), bak(".3"), bak(".4")])
      expect([bak(""), bak(".1"), bak(".2"), bak(".3"), bak(".4")].map((f) => readJson(f))).toEqual([8, 7, 6, 4, 3].map((i) => stamped(version(i))))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("a config that is a symlink stays one: writes land in its target, with the backups beside the target", () => {
    const env = setup()
    return Effect.gen(function*() {
      const realDir = path.join(env.dir, "dotfiles")
      fs.mkdirSync(realDir)
      const target = path.join(realDir, "openclaw.json")
      fs.writeFileSync(target, serialize({ gateway: { mode: "local" } }))
      fs.symlinkSync(path.relative(env.dir, target), env.configPath)
      const editor = yield* ConfigEditor
      yield* editor.apply([set("gateway.port", 18555)])
      expect(fs.lstatSync(env.configPath).isSymbolicLink()).toBe(true)
      expect(readJson(target)).toEqual(stamped({ gateway: { mode: "local", port: 18555 } }))
      expect(fs.readdirSync(realDir).sort()).toEqual(["openclaw.json", "openclaw.json.bak"])
      expect(fs.readdirSync(env.dir).filter((name) => name.startsWith("openclaw.json"))).toEqual(["openclaw.json"])
      // A link whose target does not exist yet gets its target created.
      fs.rmSync(target)
      fs.rmSync(`${target}.bak`)
      yield* seed({ gateway: { mode: "local", port: 18556 } })
      expect(fs.lstatSync(env.configPath).isSymbolicLink()).toBe(true)
      expect(readJson(target)).toEqual(stamped({ gateway: { mode: "local", port: 18556 } }))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("refused writes keep only the newest 10 .rejected payloads", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed({ gateway: { mode: "local" } })
      const hash = sha256(fs.readFileSync(env.configPath, "utf8"))
      const saved: Array<string> = []
      for (let i = 0; i < 13; i++) {
        const error = yield* Effect.flip(store.write({ next: { gateway: { port: 18000 + i } }, baseHash: hash }))
        assert(error._tag === "ConfigWriteRejected")
        saved.push(error.rejectedPath)
      }
      expect(rejectedFiles(env.configPath)).toEqual(saved.slice(3))
    }).pipe(Effect.provide(env.layer))
  })
})

describe("ConfigStore last-known-good and observe", () => {
  it.live("promoteLastGood copies a valid snapshot byte for byte to <path>.last-good (0600)", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed({ gateway: { mode: "local", port: 18000, auth: { mode: "token", token: "real-secret-value" } } })
      const snapshot = yield* store.read
      const result = yield* store.promoteLastGood(snapshot)
      expect(result).toEqual({ _tag: "Promoted", hash: snapshot.hash })
      const lastGood = `${env.configPath}.last-good`
      expect(fs.readFileSync(lastGood).equals(fs.readFileSync(env.configPath))).toBe(true)
      expect(modeOf(lastGood)).toBe("600")
    }).pipe(Effect.provide(env.layer))
  })

  it.live("promoteLastGood skips a snapshot holding a *** placeholder and writes nothing", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed({ gateway: { mode: "local", auth: { mode: "token", token: "***" } } })
      const snapshot = yield* store.read
      expect(snapshot.config).toBeDefined()
      const result = yield* store.promoteLastGood(snapshot)
      expect(result).toEqual({
        _tag: "Skipped",
        reason: "Config last-known-good promotion skipped: redacted secret placeholder at gateway.auth.token"
      })
      expect(fs.existsSync(`${env.configPath}.last-good`)).toBe(false)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("read warns about a clobbered file compared with the last-known-good", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      yield* seed(bigConfig())
      const good = yield* store.read
      expect(good.warnings).toEqual([])
      expect(yield* store.promoteLastGood(good)).toMatchObject({ _tag: "Promoted" })
      const goodBytes = bytes(fs.readFileSync(env.configPath, "utf8"))
      expect(goodBytes).toBeGreaterThanOrEqual(512)

      const tiny = serialize({ logging: { level: "info" } })
      fs.writeFileSync(env.configPath, tiny)
      const snapshot = yield* store.read
      expect(snapshot.config).toBeDefined()
      expect(snapshot.warnings).toContain(
        `Config observe anomaly: ${env.configPath} (size-drop-vs-last-good:${goodBytes}->${bytes(tiny)}, missing-meta-vs-last-good, gateway-mode-missing-vs-last-good)`
      )
      // Observing never rewrites the file.
      expect(fs.readFileSync(env.configPath, "utf8")).toBe(tiny)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("read warns when the config was last written by a newer OpenClaw", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      fs.writeFileSync(env.configPath, serialize({ meta: { lastTouchedVersion: "2099.1.1" }, gateway: { mode: "local" } }))
      const snapshot = yield* store.read
      expect(snapshot.warnings).toContain(`Config was last written by a newer OpenClaw (2099.1.1); current version is ${VERSION}.`)
    }).pipe(Effect.provide(env.layer))
  })
})

describe("ConfigStore read and validation", () => {
  it.live("preserves unsupported sections through an edit", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const editor = yield* ConfigEditor
      const tls = { enabled: true, certPath: "/etc/openclaw/cert.pem", keyPath: "/etc/openclaw/key.pem" }
      fs.writeFileSync(env.configPath, serialize({ meta: {}, gateway: { mode: "local", tls }, talk: { x: 1 } }))
      const snapshot = yield* store.read
      expect(snapshot.issues).toEqual([])
      expect(snapshot.config).toBeDefined()
      expect([...snapshot.unsupported].sort()).toEqual(["gateway.tls", "talk"])

      const outcome = yield* editor.apply([set("gateway.port", 19001)])
      expect(outcome._tag).toBe("Written")
      const written = readJson(env.configPath)
      expect(written).toEqual(stamped({ gateway: { mode: "local", tls, port: 19001 }, talk: { x: 1 } }))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("an unknown key in an implemented section is an issue, and the editor refuses to write", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const editor = yield* ConfigEditor
      fs.writeFileSync(env.configPath, serialize({ gateway: { mode: "local", foo: 1 } }))
      const before = fs.readFileSync(env.configPath)
      const snapshot = yield* store.read
      expect(snapshot.config).toBeUndefined()
      expect(snapshot.issues).toContainEqual(expect.objectContaining({ path: "gateway", message: "Unrecognized key: \"foo\"" }))
      const loadError = yield* Effect.flip(store.load)
      expect(loadError._tag).toBe("ConfigInvalid")
      expect(loadError.code).toBe("CONFIG_INVALID")

      const error = yield* Effect.flip(editor.apply([set("gateway.port", 19001)]))
      expect(error._tag).toBe("ConfigWriteBlocked")
      expect(error.code).toBe("CONFIG_WRITE_BLOCKED")
      expect(error.message).toBe(`Config is invalid; run \`openclaw doctor --fix\` before applying source mutations to ${env.configPath}.`)
      expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("a missing file loads as the empty config", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const snapshot = yield* store.read
      expect(snapshot).toMatchObject({ path: env.configPath, exists: false, text: undefined, hash: undefined, issues: [] })
      const loaded = yield* store.load
      expect(loaded.config).toEqual({})
    }).pipe(Effect.provide(env.layer))
  })
})

describe("ConfigEditor", () => {
  it.live("a no-op set returns NoChange and leaves bytes and mtime alone", () => {
    const env = setup()
    return Effect.gen(function*() {
      const editor = yield* ConfigEditor
      yield* seed({ gateway: { mode: "local", port: 19001 } })
      const before = fs.readFileSync(env.configPath)
      // An mtime in the past: any rewrite would move it, however fast the machine is.
      const past = new Date("2020-01-01T00:00:00Z")
      fs.utimesSync(env.configPath, past, past)
      const mtime = fs.statSync(env.configPath).mtimeMs
      const outcome = yield* editor.apply([set("gateway.port", 19001)])
      expect(outcome).toEqual({ _tag: "NoChange", path: env.configPath })
      expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)
      expect(fs.statSync(env.configPath).mtimeMs).toBe(mtime)
      expect(siblings(env.configPath, ".bak")).toEqual([])
    }).pipe(Effect.provide(env.layer))
  })

  it.live("a real set is written with the changed paths and restart hint", () => {
    const env = setup()
    return Effect.gen(function*() {
      const editor = yield* ConfigEditor
      yield* seed({ gateway: { mode: "local", port: 19001 } })
      const outcome = yield* editor.apply([set("gateway.port", 19002)])
      assert(outcome._tag === "Written")
      expect(outcome.changed).toEqual(["gateway.port"])
      expect(outcome.hint).toBe("Restart the gateway to apply.")
      expect(outcome.strippedComments).toBe(false)
      const text = fs.readFileSync(env.configPath, "utf8")
      expect(text).toBe(serialize(stamped({ gateway: { mode: "local", port: 19002 } })))
      expect(outcome.result.hash).toBe(sha256(text))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("JSON5 comments are stripped on write and reported", () => {
    const env = setup()
    const logs = collectLogs()
    return Effect.gen(function*() {
      const editor = yield* ConfigEditor
      fs.writeFileSync(
        env.configPath,
        "// my gateway settings\n{\n  /* keep it local */\n  gateway: { mode: 'local', port: 18000, },\n}\n"
      )
      const outcome = yield* editor.apply([set("gateway.port", 18001)])
      assert(outcome._tag === "Written")
      expect(outcome.strippedComments).toBe(true)
      const text = fs.readFileSync(env.configPath, "utf8")
      expect(text).not.toContain("//")
      expect(text).not.toContain("/*")
      expect(text).toBe(serialize(stamped({ gateway: { mode: "local", port: 18001 } })))
      expect(logs.lines).toContain(`Config write will strip JSON5 comments from ${env.configPath}.`)
    }).pipe(Effect.provide(Layer.merge(env.layer, logs.layer)))
  })

  it.live("replacing a protected map without --merge is refused; merge keeps every entry", () => {
    const env = setup()
    return Effect.gen(function*() {
      const editor = yield* ConfigEditor
      const models = { "openai/gpt-5": { alias: "gpt" }, "anthropic/claude": { alias: "claude" } }
      yield* seed({ gateway: { mode: "local" }, agents: { defaults: { models } } })
      const before = fs.readFileSync(env.configPath)
      const incoming = { "google/gemini": { alias: "gem" } }

      const error = yield* Effect.flip(editor.apply([set("agents.defaults.models", incoming)]))
      expect(error._tag).toBe("ConfigProtectedPath")
      expect(error.code).toBe("CONFIG_PROTECTED_PATH")
      assert(error._tag === "ConfigProtectedPath")
      expect(error.dropped).toEqual(["openai/gpt-5", "anthropic/claude"])
      expect(error.message).toContain("Refusing to replace agents.defaults.models; it would remove existing entries: openai/gpt-5, anthropic/claude.")
      expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)

      const merged = yield* editor.apply([set("agents.defaults.models", incoming, "merge")])
      expect(merged._tag).toBe("Written")
      expect(readJson(env.configPath)).toEqual(stamped({ gateway: { mode: "local" }, agents: { defaults: { models: { ...models, ...incoming } } } }))
    }).pipe(Effect.provide(env.layer))
  })

  it.live("unset of a missing path is ConfigPathNotFound and the file is untouched", () => {
    const env = setup()
    return Effect.gen(function*() {
      const editor = yield* ConfigEditor
      yield* seed({ gateway: { mode: "local" } })
      const before = fs.readFileSync(env.configPath)
      const error = yield* Effect.flip(editor.apply([{ _tag: "Unset", path: ["gateway", "remote", "url"] }]))
      expect(error._tag).toBe("ConfigPathNotFound")
      expect(error.code).toBe("CONFIG_PATH_NOT_FOUND")
      expect(error.message).toContain("Config path not found: gateway.remote.url.")
      expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)
    }).pipe(Effect.provide(env.layer))
  })

  it.live("dryRun validates and reports but never writes", () => {
    const env = setup()
    return Effect.gen(function*() {
      const editor = yield* ConfigEditor
      yield* seed({ gateway: { mode: "local", port: 18000 } })
      const before = fs.readFileSync(env.configPath)
      const ok = yield* editor.apply([set("gateway.port", 18005)], { dryRun: true })
      expect(ok).toEqual({ _tag: "DryRun", path: env.configPath, ok: true, issues: [], changed: ["gateway.port"] })
      const bad = yield* editor.apply([set("gateway.bind", "everywhere")], { dryRun: true })
      assert(bad._tag === "DryRun")
      expect(bad.ok).toBe(false)
      expect(bad.issues.map((issue) => issue.path)).toEqual(["gateway.bind"])
      expect(fs.readFileSync(env.configPath).equals(before)).toBe(true)
      expect(siblings(env.configPath, ".bak")).toEqual([])
    }).pipe(Effect.provide(env.layer))
  })

  it.live("${VAR} references validate with the env value and stay literal on disk after a write", () => {
    const env = setup({ MY_TOKEN: "s3cret-from-env" })
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      const editor = yield* ConfigEditor
      fs.writeFileSync(env.configPath, serialize({ meta: {}, gateway: { mode: "local", auth: { mode: "token", token: "${MY_TOKEN}" } } }))
      const snapshot = yield* store.read
      expect(snapshot.issues).toEqual([])
      expect(snapshot.config?.gateway?.auth?.token).toBe("s3cret-from-env")
      expect(snapshot.authored).toMatchObject({ gateway: { auth: { token: "${MY_TOKEN}" } } })
      expect(snapshot.warnings).toEqual([])

      const outcome = yield* editor.apply([set("gateway.port", 19001)])
      expect(outcome._tag).toBe("Written")
      const text = fs.readFileSync(env.configPath, "utf8")
      expect(text).not.toContain("s3cret-from-env")
      expect(readJson(env.configPath)).toMatchObject({ gateway: { port: 19001, auth: { token: "${MY_TOKEN}" } } })
    }).pipe(Effect.provide(env.layer))
  })

  it.live("an unset ${VAR} is left literal and warned about", () => {
    const env = setup()
    return Effect.gen(function*() {
      const store = yield* ConfigStore
      fs.writeFileSync(env.configPath, serialize({ meta: {}, gateway: { mode: "local", auth: { token: "${MY_TOKEN}" } } }))
      const snapshot = yield* store.read
      expect(snapshot.config?.gateway?.auth?.token).toBe("${MY_TOKEN}")
      expect(snapshot.warnings).toContain("Config references unset environment variable(s) MY_TOKEN; left as literal text.")
    }).pipe(Effect.provide(env.layer))
  })
})

describe("ConfigStore hot reload", () => {
  // The watcher itself is the platform's (covered end to end by the gateway's hot reload test); here
  // the directory events are scripted, so the test waits on the store's own steps, never on time.
  it.scopedLive("watch skips an invalid edit (logged) and delivers the next valid one", () => {
    const env = setup()
    const logs = streamLogs()
    return Effect.gen(function*() {
      const watch = yield* scriptedWatch
      const store = yield* ConfigStore.pipe(Effect.provide(env.withFileSystem(watch.layer)))
      fs.writeFileSync(env.configPath, serialize({ meta: {}, gateway: { mode: "local", port: 19000 } }))
      const fiber = yield* Effect.forkScoped(Stream.runCollect(Stream.take(store.watch, 1)))
      yield* Deferred.await(watch.watching)

      fs.writeFileSync(env.configPath, serialize({ meta: {}, gateway: { mode: "local", port: 19000, bind: "bogus" } }))
      yield* watch.changed(env.configPath)
      const skip = yield* nextLog(logs.queue, (line) => line.startsWith("config reload skipped (invalid config): "))
      expect(skip).toContain("gateway.bind")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)

      fs.writeFileSync(env.configPath, serialize({ meta: {}, gateway: { mode: "local", port: 19002 } }))
      yield* watch.changed(env.configPath)
      const detected = yield* nextLog(logs.queue, (line) => line.startsWith("config change detected; evaluating reload ("))
      expect(detected.startsWith("config change detected; evaluating reload (gateway.port)")).toBe(true)
      const delivered = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(delivered).toHaveLength(1)
      expect(delivered[0]?.config.gateway?.port).toBe(19002)
      expect(delivered[0]?.snapshot.hash).toBe(sha256(fs.readFileSync(env.configPath, "utf8")))
    }).pipe(Effect.provide(logs.layer))
  })
})

describe("ConfigStore faults (FaultyFileSystem)", () => {
  const version = (i: number) => ({ gateway: { mode: "local", port: 18000 + i } })
  /** openclaw.json and every sibling (.bak ring, temp files), name -> bytes. */
  const installFiles = (env: ConfigTestEnv) =>
    Object.fromEntries(siblings(env.configPath, "").map((file) => [path.basename(file), fs.readFileSync(file, "utf8")]))

  it.live("disk full while writing openclaw.json: ConfigIoError naming the file; the file and its .bak ring intact, no temp file left", () => {
    const env = setup()
    return Effect.gen(function*() {
      for (let i = 1; i <= 3; i++) yield* seed(version(i)).pipe(Effect.provide(env.layer))
      const before = installFiles(env)
      expect(Object.keys(before).sort()).toEqual(["openclaw.json", "openclaw.json.bak", "openclaw.json.bak.1"])

      const full = env.withFileSystem(FaultyFileSystem([diskFull("write", (p) => p.endsWith(".tmp") && !p.includes(".lock."))]))
      const error = yield* Effect.flip(seed(version(4)).pipe(Effect.provide(full)))
      expect(error).toMatchObject({ _tag: "ConfigIoError", code: "CONFIG_IO_ERROR", path: env.configPath })
      expect(error.message).toBe(`writing temp file for ${env.configPath} failed: ENOSPC: no space left on device, write`)
      expect(installFiles(env)).toEqual(before)
      expect(fs.readdirSync(env.dir).filter((name) => name.endsWith(".tmp"))).toEqual([])
    })
  })

  it.live("permission denied creating the config dir: ConfigIoError naming the dir, nothing written", () => {
    const env = setup({ OPENCLAW_STATE_DIR: "fresh-state" })
    const stateDir = path.dirname(env.configPath)
    return Effect.gen(function*() {
      const denied = env.withFileSystem(FaultyFileSystem([permissionDenied("makeDirectory", (p) => p === stateDir)]))
      const error = yield* Effect.flip(seed(version(1)).pipe(Effect.provide(denied)))
      expect(error).toMatchObject({ _tag: "ConfigIoError", code: "CONFIG_IO_ERROR", path: stateDir })
      expect(error.message).toBe(`creating directory ${stateDir} failed: EACCES: permission denied`)
      expect(fs.existsSync(stateDir)).toBe(false)
    })
  })

  it.live("permission denied inside the config dir: ConfigIoError naming the path, openclaw.json untouched", () => {
    const env = setup()
    return Effect.gen(function*() {
      yield* seed(version(1)).pipe(Effect.provide(env.layer))
      const before = installFiles(env)
      const inDir = (p: string) => path.dirname(p) === env.dir
      const denied = env.withFileSystem(FaultyFileSystem([permissionDenied("open", inDir), permissionDenied("writeFileString", inDir)]))
      const error = yield* Effect.flip(seed(version(2)).pipe(Effect.provide(denied)))
      expect(error).toMatchObject({ _tag: "ConfigIoError", code: "CONFIG_IO_ERROR", path: `${env.configPath}.lock` })
      expect(error.message).toBe(`locking ${env.configPath}.lock failed: EACCES: permission denied`)
      expect(installFiles(env)).toEqual(before)
    })
  })
})

describe("ConfigEditor under concurrent writers (CLI edits re-applied under the lock)", () => {
  /**
   * `env`'s install through another store, whose lock window runs `meanwhile` once: another writer's
   * whole edit lands after this one read the file and before it takes the lock.
   */
  const interleaved = (env: ConfigTestEnv, meanwhile: Effect.Effect<unknown, unknown>) => {
    let ran = false
    const window = Effect.suspend(() => (ran ? Effect.void : (ran = true, Effect.ignore(meanwhile))))
    const facts = { env: { OPENCLAW_STATE_DIR: env.dir }, osHome: env.dir, cwd: env.dir }
    const host = HostFrom(facts)
    const policy = Layer.succeed(ConfigPolicy, { lockTimeout: "2 seconds", lockPoll: "5 millis", watchDebounce: "50 millis", watchMissingRetries: 2, lockRaceWindow: window })
    const base = Layer.mergeAll(host, PathsLive().pipe(Layer.provide(host)), policy, StateFilesLive.pipe(Layer.provideMerge(NodeFileSystem.layer)))
    return ConfigEditorLive.pipe(Layer.provideMerge(ConfigStoreLive.pipe(Layer.provideMerge(base))))
  }
  const otherWriter = (env: ConfigTestEnv, op: EditOp) => Effect.flatMap(ConfigEditor, (editor) => editor.apply([op])).pipe(Effect.provide(env.layer))

  it.live("a set on another path that lands underneath is kept, and ours is applied on top of it", () => {
    const env = setup()
    return Effect.gen(function*() {
      yield* seed({ gateway: { mode: "local" } }).pipe(Effect.provide(env.layer))
      const outcome = yield* Effect.flatMap(ConfigEditor, (editor) => editor.apply([set("logging.level", "debug")])).pipe(
        Effect.provide(interleaved(env, otherWriter(env, set("gateway.port", 18123))))
      )
      expect(outcome._tag).toBe("Written")
      expect(readJson(env.configPath)).toMatchObject({ gateway: { mode: "local", port: 18123 }, logging: { level: "debug" } })
    })
  })

  it.live("an unset re-applied the same way; a change of the same path underneath is a conflict naming it, the other value stays", () => {
    const env = setup()
    return Effect.gen(function*() {
      yield* seed({ gateway: { mode: "local", port: 18000 }, logging: { level: "info" } }).pipe(Effect.provide(env.layer))
      yield* Effect.flatMap(ConfigEditor, (editor) => editor.apply([{ _tag: "Unset", path: ["logging", "level"] }])).pipe(
        Effect.provide(interleaved(env, otherWriter(env, set("gateway.bind", "loopback"))))
      )
      expect(readJson(env.configPath)).toMatchObject({ gateway: { mode: "local", port: 18000, bind: "loopback" } })
      expect(readJson(env.configPath)).not.toHaveProperty("logging.level")
      const error = yield* Effect.flip(Effect.flatMap(ConfigEditor, (editor) => editor.apply([set("gateway.port", 18001)])).pipe(
        Effect.provide(interleaved(env, otherWriter(env, set("gateway.port", 18002))))
      ))
      expect(error).toMatchObject({ _tag: "ConfigWriteConflict", code: "CONFIG_WRITE_CONFLICT" })
      expect(error.message).toContain("gateway.port was changed by another writer; nothing was changed")
      expect(readJson(env.configPath)).toMatchObject({ gateway: { port: 18002 } })
    })
  })

  it.live("a file deleted underneath is a conflict, not a new file holding only this edit", () => {
    const env = setup()
    return Effect.gen(function*() {
      yield* seed({ gateway: { mode: "local", port: 18000 } }).pipe(Effect.provide(env.layer))
      const error = yield* Effect.flip(Effect.flatMap(ConfigEditor, (editor) => editor.apply([set("logging.level", "debug")])).pipe(
        Effect.provide(interleaved(env, Effect.sync(() => fs.rmSync(env.configPath))))
      ))
      expect(error).toMatchObject({ _tag: "ConfigWriteConflict", code: "CONFIG_WRITE_CONFLICT" })
      expect(fs.existsSync(env.configPath)).toBe(false)
    })
  })
})
