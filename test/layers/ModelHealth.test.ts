import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { resolvePaths } from "../../src/domain/Paths.js"
import type { FailoverAttempt } from "../../src/domain/models/errors.js"
import { HostFrom } from "../../src/layers/HostLive.js"
import { healthPath, ModelHealthLive } from "../../src/layers/models/ModelHealthLive.js"
import { PathsLive } from "../../src/layers/PathsLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { ModelHealth } from "../../src/services/ModelHealth.js"
import { diskFull, type Fault, FaultyFileSystem, permissionDenied } from "../support/faultyFileSystem.js"
import { ModelPolicyTest } from "../support/modelsTestLayer.js"

const rateLimited: FailoverAttempt = { provider: "anthropic", model: "claude-opus-4-6", reason: "rate_limit", status: 429, summary: "HTTP 429: rate_limit_error", code: "MODEL_RATE_LIMITED" }
const overloaded: FailoverAttempt = { provider: "anthropic", model: "claude-opus-4-6", reason: "overloaded", status: 529, summary: "HTTP 529: overloaded_error", code: "MODEL_HTTP_ERROR" }

/** A fresh state dir and where its health file goes. */
const stateDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-health-"))
  const facts = { env: { OPENCLAW_STATE_DIR: dir }, osHome: dir, cwd: dir }
  return { facts, file: healthPath(resolvePaths(facts).stateDir) }
}

/** ModelHealthLive over `state`, on the real disk or with `faults` injected. */
const healthLayer = (state: ReturnType<typeof stateDir>, faults: ReadonlyArray<Fault> = []) => {
  const host = HostFrom(state.facts)
  const files = StateFilesLive.pipe(Layer.provideMerge(faults.length === 0 ? NodeFileSystem.layer : FaultyFileSystem(faults)))
  return ModelHealthLive.pipe(Layer.provide(Layer.mergeAll(PathsLive().pipe(Layer.provide(host)), ModelPolicyTest, files)))
}

const captureLogs = (lines: Array<string>) =>
  Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => {
    lines.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
  }))

const temps = (file: string) => fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith(".tmp"))

it.effect("records failures to auth-health.json and reads them back", () =>
  Effect.gen(function*() {
    const state = stateDir()
    const health = yield* Effect.gen(function*() {
      const health = yield* ModelHealth
      yield* health.recordFailure(rateLimited)
      return yield* health.read
    }).pipe(Effect.provide(healthLayer(state)))
    expect(health.profiles["anthropic:default"]).toMatchObject({ errorCount: 1, cooldownReason: "rate_limit" })
    expect(JSON.parse(fs.readFileSync(state.file, "utf8"))).toEqual(health)
    expect(fs.statSync(state.file).mode & 0o777).toBe(0o600)
  }))

it.effect("disk full while saving health: the call goes on, the warning names the file, the previous file is intact", () =>
  Effect.gen(function*() {
    const state = stateDir()
    yield* Effect.flatMap(ModelHealth, (health) => health.recordFailure(rateLimited)).pipe(Effect.provide(healthLayer(state)))
    const before = fs.readFileSync(state.file, "utf8")
    const logs: Array<string> = []
    yield* Effect.flatMap(ModelHealth, (health) => health.recordFailure(overloaded)).pipe(
      Effect.provide(Layer.merge(healthLayer(state, [diskFull("write", (p) => p.startsWith(path.dirname(state.file)))]), captureLogs(logs)))
    )
    expect(logs).toEqual([`could not record model health: writing temp file for ${state.file} failed: ENOSPC: no space left on device, write`])
    expect(fs.readFileSync(state.file, "utf8")).toBe(before)
    expect(temps(state.file)).toEqual([])
  }))

it.effect("a denied rename keeps the previous file; a denied read answers empty health with a warning naming the file", () =>
  Effect.gen(function*() {
    const state = stateDir()
    yield* Effect.flatMap(ModelHealth, (health) => health.recordFailure(rateLimited)).pipe(Effect.provide(healthLayer(state)))
    const before = fs.readFileSync(state.file, "utf8")
    const logs: Array<string> = []
    yield* Effect.flatMap(ModelHealth, (health) => health.recordSuccess("anthropic")).pipe(
      Effect.provide(Layer.merge(healthLayer(state, [permissionDenied("rename", (p) => p === state.file)]), captureLogs(logs)))
    )
    expect(logs).toEqual([`could not record model health: replacing ${state.file} failed: EACCES: permission denied`])
    expect(fs.readFileSync(state.file, "utf8")).toBe(before)
    expect(temps(state.file)).toEqual([])
    const health = yield* Effect.flatMap(ModelHealth, (health) => health.read).pipe(
      Effect.provide(Layer.merge(healthLayer(state, [permissionDenied("readFileString", (p) => p === state.file)]), captureLogs(logs)))
    )
    expect(health.profiles).toEqual({})
    expect(logs[1]).toBe(`reading ${state.file} failed: EACCES: permission denied`)
  }))
