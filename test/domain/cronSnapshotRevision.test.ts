import { describe, expect, it } from "@effect/vitest"
import { cronSnapshotRevision, stableStringify } from "../../src/domain/cron/snapshotRevision.js"

describe("cron.list snapshotRevision", () => {
  it("stable JSON sorts keys at every level and drops undefined fields", () => {
    expect(stableStringify({ b: 1, a: { d: [1, { z: true, y: null }], c: undefined } })).toBe('{"a":{"d":[1,{"y":null,"z":true}]},"b":1}')
  })

  it("the same jobs in any key order give one revision; a changed job another", () => {
    const revision = cronSnapshotRevision([{ id: "a", enabled: true, name: "x" }])
    expect(revision).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/)
    expect(cronSnapshotRevision([{ name: "x", enabled: true, id: "a" }])).toBe(revision)
    expect(cronSnapshotRevision([{ id: "a", enabled: false, name: "x" }])).not.toBe(revision)
  })
})
