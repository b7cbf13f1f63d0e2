import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { makeApprovalsFile } from "../../src/layers/approvals/approvalsFile.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { StateFiles } from "../../src/services/StateFiles.js"

const run = <A, E>(effect: Effect.Effect<A, E, StateFiles>) =>
  Effect.runPromise(effect.pipe(Effect.provide(StateFilesLive.pipe(Layer.provide(NodeFileSystem.layer)))))

const storeIn = (dir: string) => Effect.map(StateFiles, (files) => makeApprovalsFile(files, dir, "~/exec-approvals.json"))

describe("the approvals document on disk", () => {
  it("a write based on a stale hash is refused and the newer document kept", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-approvals-"))
    await run(Effect.gen(function*() {
      const store = yield* storeIn(dir)
      const first = yield* store.snapshot
      yield* store.write({ version: 1, defaults: { security: "allowlist" } }, first.hash)
      const stale = yield* Effect.flip(store.write({ version: 1, defaults: { security: "full" } }, first.hash))
      expect(stale.message).toContain("exec approvals changed since they were read")
      expect((yield* store.snapshot).file.defaults?.security).toBe("allowlist")
    }))
    expect(fs.statSync(path.join(dir, "exec-approvals.json")).mode & 0o777).toBe(0o600)
  })

  it("a document that no longer decodes is an error naming the file, never read as no rules", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-approvals-"))
    fs.writeFileSync(path.join(dir, "exec-approvals.json"), `{ "version": 1, "defaults": { "security": "fulll" } }`)
    const error = await run(Effect.flip(Effect.flatMap(storeIn(dir), (store) => store.snapshot)))
    expect(error.message).toContain("exec-approvals.json is invalid: defaults.security")
  })

  it("concurrent allowlist updates under the lock all land", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-approvals-"))
    const outcomes = await run(Effect.gen(function*() {
      const store = yield* storeIn(dir)
      return yield* Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) =>
        Effect.either(store.update((file) => ({ ...file, agents: { ...file.agents, [`a${i}`]: { allowlist: [{ pattern: `bin${i}` }] } } }))), { concurrency: "unbounded" })
    }))
    const doc = JSON.parse(fs.readFileSync(path.join(dir, "exec-approvals.json"), "utf8"))
    expect(outcomes.every((o) => o._tag === "Right")).toBe(true)
    expect(Object.keys(doc.agents).sort()).toEqual(["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"])
  })
})
