import { describe, expect, it } from "@effect/vitest"
import {
  findRedactedPlaceholder,
  fileTimestamp,
  judgeWrite,
  observeAgainstGood,
  rejectedMessage,
  serializeConfig,
  summarizeConfig
} from "../../src/domain/WriteGuard.js"

const bytesOf = (config: unknown) => Buffer.byteLength(serializeConfig(config), "utf8")

/** A config (with meta and gateway.mode) whose serialized form is exactly `bytes` long. */
const configOfBytes = (bytes: number): Record<string, unknown> => {
  const overhead = bytesOf({ meta: {}, gateway: { mode: "local" }, pad: "" })
  const config = { meta: {}, gateway: { mode: "local" }, pad: "x".repeat(bytes - overhead) }
  expect(bytesOf(config)).toBe(bytes)
  return config
}

const parsed = (config: unknown) => ({ _tag: "Parsed", config }) as const

describe("serializeConfig", () => {
  it("writes two-space JSON with a trailing newline", () => {
    expect(serializeConfig({ a: { b: 1 } })).toBe("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n")
  })
})

describe("judgeWrite", () => {
  it("has nothing to say when there was no file", () => {
    expect(judgeWrite({ _tag: "Missing" }, {})).toEqual({ blocking: [], anomalies: [] })
  })

  it("blocks when the existing file could not be read", () => {
    expect(judgeWrite({ _tag: "Unreadable" }, configOfBytes(600))).toEqual({
      blocking: ["unreadable-config-before-write"],
      anomalies: []
    })
  })

  it("allows an ordinary edit", () => {
    const before = configOfBytes(800)
    expect(judgeWrite(parsed(before), { ...before, logging: { level: "debug" } })).toEqual({ blocking: [], anomalies: [] })
  })

  it("blocks a drop below half of a 512-byte base", () => {
    const before = configOfBytes(512)
    const next = configOfBytes(255)
    expect(judgeWrite(parsed(before), next)).toEqual({ blocking: ["size-drop:512->255"], anomalies: [] })
  })

  it("allows a drop to exactly half of a 512-byte base", () => {
    expect(judgeWrite(parsed(configOfBytes(512)), configOfBytes(256)).blocking).toEqual([])
  })

  it("ignores drops from a base below 512 bytes", () => {
    expect(judgeWrite(parsed(configOfBytes(511)), configOfBytes(100)).blocking).toEqual([])
  })

  it("uses the floor of half an odd base", () => {
    // floor(1001 * 0.5) = 500
    expect(judgeWrite(parsed(configOfBytes(1001)), configOfBytes(499)).blocking).toEqual(["size-drop:1001->499"])
    expect(judgeWrite(parsed(configOfBytes(1001)), configOfBytes(500)).blocking).toEqual([])
  })

  it("counts bytes, not characters", () => {
    const before = { meta: {}, gateway: { mode: "local" }, pad: "é".repeat(300) }
    const base = bytesOf(before)
    expect(base).toBeGreaterThanOrEqual(512)
    expect(serializeConfig(before).length).toBeLessThan(512)
    const next = { meta: {}, gateway: { mode: "local" } }
    expect(judgeWrite(parsed(before), next).blocking).toEqual([`size-drop:${base}->${bytesOf(next)}`])
  })

  it("blocks removing gateway.mode", () => {
    const before = { meta: {}, gateway: { mode: "local", port: 18789 } }
    expect(judgeWrite(parsed(before), { meta: {}, gateway: { port: 18789 } })).toEqual({
      blocking: ["gateway-mode-removed"],
      anomalies: []
    })
    expect(judgeWrite(parsed(before), { meta: {}, gateway: { mode: "  " } }).blocking).toEqual(["gateway-mode-removed"])
    expect(judgeWrite(parsed(before), { meta: {} }).blocking).toEqual(["gateway-mode-removed"])
  })

  it("allows changing gateway.mode, or writing it when it was absent", () => {
    expect(judgeWrite(parsed({ meta: {}, gateway: { mode: "local" } }), { meta: {}, gateway: { mode: "remote" } }).blocking)
      .toEqual([])
    expect(judgeWrite(parsed({ meta: {}, gateway: { mode: "" } }), { meta: {}, gateway: {} }).blocking).toEqual([])
  })

  it("reports both size drop and gateway-mode removal", () => {
    const before = configOfBytes(1024)
    expect(judgeWrite(parsed(before), { meta: {} }).blocking).toEqual([
      `size-drop:1024->${bytesOf({ meta: {} })}`,
      "gateway-mode-removed"
    ])
  })

  it("notes a missing meta block as a non-blocking anomaly", () => {
    const before = { gateway: { mode: "local" } }
    expect(judgeWrite(parsed(before), { gateway: { mode: "local", port: 1 } })).toEqual({
      blocking: [],
      anomalies: ["missing-meta-before-write"]
    })
  })
})

describe("observeAgainstGood", () => {
  const summary = (config: unknown) => summarizeConfig(config, serializeConfig(config))

  it("reports nothing when the current file matches the good copy", () => {
    const good = configOfBytes(700)
    expect(observeAgainstGood(summary(good), summary(good))).toEqual([])
  })

  it("reports a size drop against the good copy", () => {
    const good = configOfBytes(600)
    const current = configOfBytes(299)
    expect(observeAgainstGood(summary(current), summary(good))).toEqual(["size-drop-vs-last-good:600->299"])
    expect(observeAgainstGood(summary(configOfBytes(300)), summary(good))).toEqual([])
  })

  it("reports lost meta and gateway mode", () => {
    const good = { meta: { lastTouchedVersion: "2026.9.6" }, gateway: { mode: "local" } }
    expect(observeAgainstGood(summary({ gateway: { mode: "local" } }), summary(good))).toEqual(["missing-meta-vs-last-good"])
    expect(observeAgainstGood(summary({ meta: {}, gateway: {} }), summary(good))).toEqual([
      "gateway-mode-missing-vs-last-good"
    ])
    expect(observeAgainstGood(summary({}), summary(good))).toEqual([
      "missing-meta-vs-last-good",
      "gateway-mode-missing-vs-last-good"
    ])
  })

  it("does not complain about what the good copy never had", () => {
    expect(observeAgainstGood(summary({}), summary({ logging: { level: "info" } }))).toEqual([])
  })

  it("summarizes from the given text and config", () => {
    expect(summarizeConfig({ meta: {}, gateway: { mode: "remote" } }, "héllo")).toEqual({
      bytes: 6,
      hasMeta: true,
      gatewayMode: "remote"
    })
    expect(summarizeConfig({ meta: "x" }, "")).toEqual({ bytes: 0, hasMeta: false, gatewayMode: undefined })
  })
})

describe("findRedactedPlaceholder", () => {
  it("finds *** anywhere", () => {
    expect(findRedactedPlaceholder({ logging: { file: "***" } })).toBe("logging.file")
    expect(findRedactedPlaceholder({ gateway: { auth: { token: "***" } } })).toBe("gateway.auth.token")
    expect(findRedactedPlaceholder({ list: ["ok", " *** "] })).toBe("list[1]")
  })

  it("finds [redacted] and the sentinel", () => {
    expect(findRedactedPlaceholder({ a: { b: "[redacted]" } })).toBe("a.b")
    expect(findRedactedPlaceholder({ a: "__OPENCLAW_REDACTED__" })).toBe("a")
  })

  it("finds an ellipsis-shortened value under a secret-looking key", () => {
    expect(findRedactedPlaceholder({ models: { providers: { openai: { apiKey: "sk-...abc" } } } }))
      .toBe("models.providers.openai.apiKey")
    expect(findRedactedPlaceholder({ gateway: { remote: { token: "sk-...abc" } } })).toBe("gateway.remote.token")
    expect(findRedactedPlaceholder({ channels: { telegram: { botToken: "123…xyz" } } })).toBe("channels.telegram.botToken")
  })

  it("treats everything below a secret key as secret", () => {
    expect(findRedactedPlaceholder({ models: { providers: { p: { headers: { x: "a" }, apiKey: { nested: "sk-...abc" } } } } }))
      .toBe("models.providers.p.apiKey.nested")
  })

  it("ignores an ellipsis under a non-secret key", () => {
    expect(findRedactedPlaceholder({ agents: { defaults: { heartbeat: { prompt: "sk-...abc" } } } })).toBeUndefined()
    expect(findRedactedPlaceholder({ description: "Wait for it..." })).toBeUndefined()
  })

  it("returns undefined for a clean config", () => {
    expect(findRedactedPlaceholder({ gateway: { auth: { token: "sk-live-abcdef" }, port: 18789 } })).toBeUndefined()
    expect(findRedactedPlaceholder({})).toBeUndefined()
    expect(findRedactedPlaceholder(null)).toBeUndefined()
  })
})

describe("fileTimestamp", () => {
  it("formats ISO-8601 UTC with : and . replaced by -", () => {
    expect(fileTimestamp(new Date(Date.UTC(2026, 6, 1, 12, 34, 56, 789)))).toBe("2026-07-01T12-34-56-789Z")
    expect(fileTimestamp(new Date("2026-01-02T03:04:05.006Z"))).toBe("2026-01-02T03-04-05-006Z")
  })
})

describe("rejectedMessage", () => {
  it("names the file, the reasons and where the payload went", () => {
    expect(rejectedMessage(
      "/home/u/.openclaw/openclaw.json",
      ["size-drop:1024->100", "gateway-mode-removed"],
      "/home/u/.openclaw/openclaw.json.rejected.2026-07-01T12-34-56-789Z"
    )).toBe(
      "Config write rejected: /home/u/.openclaw/openclaw.json (size-drop:1024->100, gateway-mode-removed). " +
        "Rejected payload saved to /home/u/.openclaw/openclaw.json.rejected.2026-07-01T12-34-56-789Z."
    )
  })
})
