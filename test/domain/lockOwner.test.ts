import { describe, expect, it } from "vitest"
import { judgeLock, parseLockOwner, renderLockOwner } from "../../src/domain/lock/lockOwner.js"

const owner = { pid: 4242, startTime: "900", nonce: "n1" }

describe("parseLockOwner", () => {
  it("reads the record it renders", () => {
    expect(parseLockOwner(renderLockOwner(owner))).toEqual(owner)
  })
  it("takes an empty file, a bare pid (`echo 1 > openclaw.json.lock`), torn JSON or a non-positive pid as no owner", () => {
    for (const text of ["", "1\n", "4242", "{\"pid\":", "{\"pid\":0}", "{\"pid\":-3}", "{\"pid\":1.5}", "null", "[]"]) {
      expect(parseLockOwner(text)).toBeUndefined()
    }
  })
})

describe("judgeLock", () => {
  it("holds while the pid runs with the recorded start time, or when a start time is unknown", () => {
    expect(judgeLock(owner, { alive: true, startTime: "900" })).toEqual({ _tag: "Held", pid: 4242 })
    expect(judgeLock(owner, { alive: true, startTime: undefined })).toEqual({ _tag: "Held", pid: 4242 })
    expect(judgeLock({ pid: 4242 }, { alive: true, startTime: "900" })).toEqual({ _tag: "Held", pid: 4242 })
  })
  it("is stale when the pid is gone, reused by a process started later, or the record is unreadable", () => {
    expect(judgeLock(owner, { alive: false, startTime: undefined })).toEqual({ _tag: "Stale", reason: "pid 4242 is not running" })
    expect(judgeLock(owner, { alive: true, startTime: "901" })).toEqual({ _tag: "Stale", reason: "pid 4242 now belongs to another process" })
    expect(judgeLock(undefined, undefined)).toEqual({ _tag: "Stale", reason: "unreadable owner record" })
  })
})
