import { describe, expect, it } from "@effect/vitest"
import { checkVersionGuard, compareVersions, isOlderThanTouched, parseVersion } from "../../src/domain/Version.js"

describe("parseVersion", () => {
  it("parses a calendar version", () => {
    expect(parseVersion("2026.11.2")).toEqual({ major: 2026, minor: 11, patch: 2, pre: [] })
  })

  it("accepts a leading v and surrounding whitespace", () => {
    expect(parseVersion(" v2026.9.6 ")).toEqual({ major: 2026, minor: 9, patch: 6, pre: [] })
  })

  it("parses a beta pre-release", () => {
    expect(parseVersion("2026.11.2-beta.3")).toEqual({ major: 2026, minor: 11, patch: 2, pre: ["beta", 3] })
  })

  it("parses a -N correction as a single numeric identifier", () => {
    expect(parseVersion("2026.3.13-1")).toEqual({ major: 2026, minor: 3, patch: 13, pre: [1] })
  })

  it("parses a main build", () => {
    expect(parseVersion("2026.3.13-main.abc123")).toEqual({ major: 2026, minor: 3, patch: 13, pre: ["main", "abc123"] })
  })

  it("normalises the legacy x.y.z.beta.N spelling", () => {
    expect(parseVersion("2026.5.3.beta.2")).toEqual({ major: 2026, minor: 5, patch: 3, pre: ["beta", 2] })
    expect(parseVersion("2026.5.3.beta.2")).toEqual(parseVersion("2026.5.3-beta.2"))
  })

  it("ignores build metadata", () => {
    expect(parseVersion("2026.5.3+build.7")).toEqual({ major: 2026, minor: 5, patch: 3, pre: [] })
  })

  it("returns undefined for unparseable input", () => {
    expect(parseVersion("")).toBeUndefined()
    expect(parseVersion("unknown")).toBeUndefined()
    expect(parseVersion("2026.5")).toBeUndefined()
    expect(parseVersion("2026.5.3.4")).toBeUndefined()
  })
})

describe("compareVersions", () => {
  const v = (s: string) => {
    const parsed = parseVersion(s)
    if (parsed === undefined) return expect.fail(`unparseable ${s}`)
    return parsed
  }

  it("orders by major, minor, patch numerically", () => {
    expect(compareVersions(v("2026.9.6"), v("2026.11.2"))).toBeLessThan(0)
    expect(compareVersions(v("2026.11.2"), v("2026.9.6"))).toBeGreaterThan(0)
    expect(compareVersions(v("2026.3.13"), v("2026.3.13"))).toBe(0)
  })

  it("sorts a pre-release before its release", () => {
    expect(compareVersions(v("2026.3.13-beta.2"), v("2026.3.13"))).toBeLessThan(0)
    expect(compareVersions(v("2026.3.13-beta.2"), v("2026.3.13-beta.10"))).toBeLessThan(0)
  })
})

describe("isOlderThanTouched", () => {
  const cases: ReadonlyArray<readonly [current: string, touched: string, older: boolean]> = [
    ["2026.9.6", "2026.11.2", true],
    ["2026.11.2", "2026.9.6", false],
    ["2026.11.2", "2026.11.2", false],
    ["2026.3.12", "2026.3.13", true],
    ["2025.12.31", "2026.1.1", true],
    // Touched by that day's stable release: a same-day beta is not older.
    ["2026.3.13-beta.2", "2026.3.13", false],
    // Touched by a same-day correction.
    ["2026.3.13", "2026.3.13-1", false],
    ["2026.3.13-beta.2", "2026.3.13-1", false],
    ["2026.3.13-beta.2", "2026.3.13-beta.3", true],
    ["2026.3.13-beta.3", "2026.3.13-beta.2", false],
    ["2026.3.13", "2026.3.13-beta.3", false],
    ["2026.3.12", "2026.3.13-beta.1", true],
    ["2026.3.12", "2026.3.13-1", true],
    // Both main builds of the same day, whatever the sha.
    ["2026.3.13-main.aaaa111", "2026.3.13-main.ffff999", false],
    ["2026.3.13-main.ffff999", "2026.3.13-main.aaaa111", false],
    ["2026.3.12-main.aaaa111", "2026.3.13-main.aaaa111", true],
    ["2026.5.3.beta.1", "2026.5.3.beta.2", true],
    ["unknown", "2026.11.2", false],
    ["2026.9.6", "not-a-version", false],
    ["", "", false]
  ]

  it.each(cases)("current %s vs touched %s -> %s", (current, touched, older) => {
    expect(isOlderThanTouched(current, touched)).toBe(older)
  })
})

describe("checkVersionGuard", () => {
  const base = {
    action: "restart the gateway service",
    currentVersion: "2026.9.6",
    touchedVersion: "2026.11.2",
    override: undefined,
    serviceMode: false
  } as const

  const expectedMessage = [
    "Refusing to restart the gateway service because this OpenClaw binary (2026.9.6) is older than the config last written by OpenClaw 2026.11.2.",
    "Run the newer openclaw binary on PATH, or reinstall the intended gateway service from the newer install.",
    "Set OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1 only for an intentional downgrade or recovery action."
  ].join("\n")

  it("allows the action when the binary is not older", () => {
    expect(checkVersionGuard({ ...base, currentVersion: "2026.11.2" })).toBeUndefined()
    expect(checkVersionGuard({ ...base, currentVersion: "2026.12.1" })).toBeUndefined()
  })

  it("allows the action when the config has no touched version", () => {
    expect(checkVersionGuard({ ...base, touchedVersion: undefined })).toBeUndefined()
  })

  it("blocks an older binary with the three-line message", () => {
    const blocked = checkVersionGuard(base)
    expect(blocked).toBeDefined()
    expect(blocked?._tag).toBe("VersionGuardBlocked")
    expect(blocked?.code).toBe("VERSION_GUARD_BLOCKED")
    expect(blocked?.message).toBe(expectedMessage)
    expect(blocked?.message.split("\n")).toHaveLength(3)
    expect(blocked).toMatchObject({
      action: "restart the gateway service",
      currentVersion: "2026.9.6",
      touchedVersion: "2026.11.2",
      serviceMode: false
    })
  })

  it("names the action in the message", () => {
    const blocked = checkVersionGuard({ ...base, action: "force-kill gateway port listeners" })
    expect(blocked?.message.startsWith("Refusing to force-kill gateway port listeners because")).toBe(true)
  })

  it.each(["1", "true", "yes", "TRUE", " Yes "])("the override %j lets the older binary act", (override) => {
    expect(checkVersionGuard({ ...base, override })).toBeUndefined()
  })

  it.each(["0", "false", "no", ""])("the override %j does not", (override) => {
    expect(checkVersionGuard({ ...base, override })?._tag).toBe("VersionGuardBlocked")
  })

  it("service mode ignores the override", () => {
    const blocked = checkVersionGuard({ ...base, override: "1", serviceMode: true })
    expect(blocked?._tag).toBe("VersionGuardBlocked")
    expect(blocked?.serviceMode).toBe(true)
    expect(blocked?.message).toBe(expectedMessage)
  })

  it("service mode still allows a binary that is not older", () => {
    expect(checkVersionGuard({ ...base, currentVersion: "2026.11.2", serviceMode: true })).toBeUndefined()
  })
})
