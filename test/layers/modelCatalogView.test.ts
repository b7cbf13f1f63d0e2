import { expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AuthProfileStoreLive, authProfilesPath } from "../../src/layers/AuthProfileStoreLive.js"
import { ModelCatalogLive } from "../../src/layers/models/ModelCatalogLive.js"
import { ModelCatalog } from "../../src/services/ModelCatalog.js"
import { configTestLayer } from "../support/configTestLayer.js"

const HOUR = 3_600_000

/** A real install on a temp dir with the auth-profile store at its place; the test clock starts at 0. */
const install = () => {
  const env = configTestLayer()
  fs.writeFileSync(env.configPath, JSON.stringify({ gateway: { mode: "local" } }))
  const store = authProfilesPath(env.dir)
  const writeStore = (profiles: Record<string, unknown>) => {
    fs.mkdirSync(path.dirname(store), { recursive: true })
    // Replaced as every writer does: a new file renamed into place.
    fs.writeFileSync(`${store}.tmp`, JSON.stringify({ version: 1, profiles }))
    fs.renameSync(`${store}.tmp`, store)
  }
  const layer = ModelCatalogLive.pipe(Layer.provide(AuthProfileStoreLive), Layer.provideMerge(env.layer))
  return { env, writeStore, layer }
}

const anthropicCredential = Effect.gen(function*() {
  const { catalogue } = yield* (yield* ModelCatalog).view
  return catalogue.providers.find((provider) => provider.id === "anthropic")?.credential
})

it.effect("a stored token is used until it expires, and not after, with nothing written in between", () => {
  const { writeStore, layer } = install()
  writeStore({ "anthropic:work": { type: "token", provider: "anthropic", token: "sk-ant-oat01-abc", expires: 2 * HOUR } })
  return Effect.gen(function*() {
    expect((yield* anthropicCredential)?.source).toBe("profile:anthropic:work")
    yield* TestClock.adjust("1 hour")
    expect((yield* anthropicCredential)?.source).toBe("profile:anthropic:work")
    yield* TestClock.adjust("1 hour")
    const after = yield* anthropicCredential
    expect(after?.value).toBeUndefined()
    expect(after?.unresolved).toContain("profile anthropic:work: expired")
  }).pipe(Effect.provide(layer))
})

it.effect("an edit of the store or the config shows in the next view; unchanged files give the same catalogue", () => {
  const { env, writeStore, layer } = install()
  return Effect.gen(function*() {
    const catalog = yield* ModelCatalog
    const first = yield* catalog.view
    expect((yield* catalog.view).catalogue).toBe(first.catalogue)
    expect((yield* anthropicCredential)?.value).toBeUndefined()
    writeStore({ "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-api03-key" } })
    expect((yield* anthropicCredential)?.source).toBe("profile:anthropic:default")
    fs.writeFileSync(`${env.configPath}.tmp`, JSON.stringify({ gateway: { mode: "local" }, agents: { defaults: { model: { primary: "anthropic/claude-sonnet-4-5" } } } }))
    fs.renameSync(`${env.configPath}.tmp`, env.configPath)
    expect((yield* catalog.view).selection.primary).toBe("anthropic/claude-sonnet-4-5")
  }).pipe(Effect.provide(layer))
})
