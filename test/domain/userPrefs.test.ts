import { describe, expect, it } from "@effect/vitest"
import { applyPrefs, emptyPrefsFile, pickPrefs } from "../../src/domain/userPrefs.js"

describe("Control UI preferences (users.prefs)", () => {
  const stored = { version: 1 as const, entries: { "ui.theme": "claw", "ui.font": { size: 14 } } }

  it("reads the named keys that are set, or all", () => {
    expect(pickPrefs(stored, ["ui.theme", "ui.accent"])).toEqual({ "ui.theme": "claw" })
    expect(pickPrefs(stored, undefined)).toEqual(stored.entries)
    expect(pickPrefs(emptyPrefsFile, ["ui.theme"])).toEqual({})
  })

  it("a write merges, null removes a key", () => {
    expect(applyPrefs(stored, { "ui.accent": "red", "ui.font": null }, undefined)).toEqual({ _tag: "Applied", file: { version: 1, entries: { "ui.theme": "claw", "ui.accent": "red" } } })
  })

  it("compare-and-set: expected values are compared deeply, a never-set key compares as null, a mismatch changes nothing", () => {
    expect(applyPrefs(stored, { "ui.theme": "tide" }, { "ui.font": { size: 14 }, "ui.accent": null })._tag).toBe("Applied")
    expect(applyPrefs(stored, { "ui.theme": "tide" }, { "ui.font": { size: 15 } })).toEqual({ _tag: "Conflict" })
    expect(applyPrefs(stored, { "ui.theme": "tide" }, { "ui.accent": "red" })).toEqual({ _tag: "Conflict" })
  })
})
