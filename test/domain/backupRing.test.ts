import { describe, expect, it } from "vitest"
import { planBackupRotation, type RotationStep, rejectedToPrune } from "../../src/domain/config/backupRing.js"

/** Runs the plan over a ring of named copies as the renames would; no rename may land on an existing copy. */
const simulate = (ring: Record<number, string>, steps: ReadonlyArray<RotationStep>) => {
  const files = new Map(Object.entries(ring).map(([k, v]) => [Number(k), v]))
  for (const step of steps) {
    if (step._tag === "Remove") {
      files.delete(step.index)
      continue
    }
    expect(files.has(step.to)).toBe(false)
    const value = files.get(step.from)
    files.delete(step.from)
    if (value !== undefined) files.set(step.to, value)
  }
  return Object.fromEntries([...files].sort(([a], [b]) => a - b))
}

describe("planBackupRotation", () => {
  it("a full ring shifts one place and drops the oldest", () => {
    expect(simulate({ 0: "v5", 1: "v4", 2: "v3", 3: "v2", 4: "v1" }, planBackupRotation([0, 1, 2, 3, 4], 4))).toEqual({ 1: "v5", 2: "v4", 3: "v3", 4: "v2" })
  })
  it("gaps a crash left close up, order kept", () => {
    expect(simulate({ 1: "v4", 3: "v3", 4: "v1" }, planBackupRotation([4, 1, 3], 4))).toEqual({ 1: "v4", 2: "v3", 3: "v1" })
    expect(simulate({ 0: "v9", 3: "v2", 4: "v1" }, planBackupRotation([0, 3, 4], 4))).toEqual({ 1: "v9", 2: "v2", 3: "v1" })
    expect(simulate({ 2: "a", 4: "b" }, planBackupRotation([2, 4], 4))).toEqual({ 1: "a", 2: "b" })
    expect(planBackupRotation([], 4)).toEqual([])
  })
})

describe("rejectedToPrune", () => {
  it("keeps the newest by timestamp, a same-millisecond suffix counting as newer", () => {
    const names = [".rejected.2026-01-02T00-00-00-000Z", ".rejected.2026-01-01T00-00-00-000Z-01", ".rejected.2026-01-01T00-00-00-000Z", ".rejected.2026-01-03T00-00-00-000Z"]
    expect(rejectedToPrune(names, 2)).toEqual([".rejected.2026-01-01T00-00-00-000Z", ".rejected.2026-01-01T00-00-00-000Z-01"])
    expect(rejectedToPrune(names, 10)).toEqual([])
  })
})
