import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { EditOp } from "../../src/domain/config/edits.js"
import { rebaseEdits } from "../../src/domain/config/rebaseEdits.js"

const set = (path: ReadonlyArray<string | number>, value: unknown): EditOp => ({ _tag: "Set", path, value, mode: "plain" })
const unset = (path: ReadonlyArray<string | number>): EditOp => ({ _tag: "Unset", path })

describe("rebaseEdits", () => {
  const base = { gateway: { mode: "local", port: 1 }, logging: { level: "info" } }

  it("applies a set or unset to the file another writer changed elsewhere, keeping that change", () => {
    const current = { ...base, gateway: { ...base.gateway, bind: "lan" } }
    expect(rebaseEdits(base, current, [set(["logging", "level"], "debug")])).toEqual(Either.right({ ...current, logging: { level: "debug" } }))
    expect(rebaseEdits(base, current, [unset(["logging", "level"])])).toEqual(Either.right({ ...current, logging: {} }))
    expect(rebaseEdits(base, current, [set(["agents", "defaults", "model"], "m")])).toEqual(Either.right({ ...current, agents: { defaults: { model: "m" } } }))
  })

  it("two writers creating keys under a parent neither file had both land", () => {
    const other = { ...base, env: { vars: { A: "1" } } }
    expect(rebaseEdits(base, other, [set(["env", "vars", "B"], "2")])).toEqual(Either.right({ ...base, env: { vars: { A: "1", B: "2" } } }))
  })

  it("is a conflict naming the path when the same path, a value below it, or its parent's shape changed underneath", () => {
    expect(rebaseEdits(base, { ...base, gateway: { ...base.gateway, port: 2 } }, [set(["gateway", "port"], 3)])).toEqual(Either.left({ path: "gateway.port" }))
    expect(rebaseEdits(base, { ...base, logging: { level: "warn" } }, [unset(["logging"])])).toEqual(Either.left({ path: "logging" }))
    expect(rebaseEdits(base, { ...base, logging: "off" }, [set(["logging", "file"], "/x")])).toEqual(Either.left({ path: "logging.file" }))
    // Another writer made the same new key: still the same path.
    expect(rebaseEdits(base, { ...base, ui: { theme: "dark" } }, [set(["ui", "theme"], "light")])).toEqual(Either.left({ path: "ui.theme" }))
  })

  it("a merge patch is re-applied when the leaves it changes are untouched", () => {
    const patch: EditOp = { _tag: "Patch", patch: { gateway: { port: 5 } }, replacePaths: [] }
    const current = { ...base, logging: { level: "debug" } }
    expect(rebaseEdits(base, current, [patch])).toEqual(Either.right({ ...current, gateway: { mode: "local", port: 5 } }))
    expect(rebaseEdits(base, { ...base, gateway: { mode: "local", port: 9 } }, [patch])).toEqual(Either.left({ path: "gateway.port" }))
  })
})
