import { describe, expect, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import {
  clampTailOptions,
  compileRedactPatterns,
  defaultLogDir,
  fallbackLogDir,
  formatRecord,
  isPrunableLogName,
  isUnsafeLogDir,
  LOG_LEVELS,
  levelEnabled,
  logFileName,
  redactText,
  rotatedName,
  scanLines
} from "../../src/domain/logFile.js"

const NOW = new Date(2026, 6, 1, 9, 30, 0) // local time: the file date follows the host timezone

describe("file names", () => {
  it("names the daily file by host-local date, with the profile when one is set", () => {
    expect(logFileName(NOW)).toBe("openclaw-2026-07-01.log")
    expect(logFileName(NOW, "dev")).toBe("openclaw-dev-2026-07-01.log")
    expect(logFileName(NOW, "  ")).toBe("openclaw-2026-07-01.log")
    expect(logFileName(new Date(2026, 0, 5, 23, 59, 59))).toBe("openclaw-2026-01-05.log")
  })

  it("uses the fixed root temp dir, and a user-scoped fallback", () => {
    expect(defaultLogDir("/tmp")).toBe("/tmp/openclaw")
    expect(fallbackLogDir("/var/tmp", 1000)).toBe("/var/tmp/openclaw-1000")
  })

  it("numbers rotated archives before the extension", () => {
    expect(rotatedName("/tmp/openclaw/openclaw-2026-07-01.log", 1)).toBe("/tmp/openclaw/openclaw-2026-07-01.1.log")
    expect(rotatedName("openclaw-2026-07-01.log", 5)).toBe("openclaw-2026-07-01.5.log")
    expect(rotatedName("/var/log/gateway", 2)).toBe("/var/log/gateway.2")
  })

  it("prunes only openclaw-*.log names", () => {
    expect(isPrunableLogName("openclaw-2020-01-01.log")).toBe(true)
    expect(isPrunableLogName("openclaw-dev-2020-01-01.3.log")).toBe(true)
    expect(isPrunableLogName("openclaw.json")).toBe(false)
    expect(isPrunableLogName("other-2020-01-01.log")).toBe(false)
  })

  it("flags symlinked, foreign or world-writable log dirs as unsafe", () => {
    const ok = { isSymbolicLink: false, isDirectory: true, uid: 1000, mode: 0o40700 }
    expect(isUnsafeLogDir(ok, 1000)).toBe(false)
    expect(isUnsafeLogDir({ ...ok, isSymbolicLink: true }, 1000)).toBe(true)
    expect(isUnsafeLogDir({ ...ok, uid: 0 }, 1000)).toBe(true)
    expect(isUnsafeLogDir({ ...ok, mode: 0o40777 }, 1000)).toBe(true)
    expect(isUnsafeLogDir({ ...ok, isDirectory: false }, 1000)).toBe(true)
  })
})

describe("levels", () => {
  it("orders silent < fatal < error < warn < info < debug < trace", () => {
    expect(LOG_LEVELS).toEqual(["silent", "fatal", "error", "warn", "info", "debug", "trace"])
  })

  it("enables a level at or below the threshold", () => {
    expect(levelEnabled("info", "error")).toBe(true)
    expect(levelEnabled("info", "info")).toBe(true)
    expect(levelEnabled("info", "debug")).toBe(false)
    expect(levelEnabled("trace", "trace")).toBe(true)
    expect(levelEnabled("fatal", "error")).toBe(false)
    expect(levelEnabled("silent", "fatal")).toBe(false)
    expect(levelEnabled("trace", "silent")).toBe(false)
  })
})

describe("formatRecord", () => {
  const at = new Date("2026-07-01T09:30:00.000Z")

  it("writes one JSON line with time, level, message, hostname, then the fields", () => {
    const line = formatRecord({ level: "info", message: "hello", fields: { subsystem: "gateway", durationMs: 12 } }, at, "box")
    expect(line).not.toContain("\n")
    expect(Object.keys(JSON.parse(line))).toEqual(["time", "level", "message", "hostname", "subsystem", "durationMs"])
    expect(JSON.parse(line)).toEqual({
      time: "2026-07-01T09:30:00.000Z",
      level: "info",
      message: "hello",
      hostname: "box",
      subsystem: "gateway",
      durationMs: 12
    })
  })

  it("writes fields as JSON.stringify would write the record: integer-like keys first, undefined left out, odd numbers as text", () => {
    const fields = { b: 1, "10": "ten", a: "x", "2": true, gone: undefined, nan: Number.NaN, none: null, "__proto__x": "p" }
    const line = formatRecord({ level: "info", message: "m", fields }, at, "h")
    expect(Object.keys(JSON.parse(line))).toEqual(["2", "10", "time", "level", "message", "hostname", "b", "a", "nan", "none", "__proto__x"])
    expect(JSON.parse(line)).toMatchObject({ "2": true, "10": "ten", b: 1, a: "x", nan: "NaN", none: null })
  })

  it("keeps the core keys when a field has the same name", () => {
    const parsed = JSON.parse(formatRecord({ level: "warn", message: "m", fields: { level: "x", time: 1, extra: true } }, at, "h"))
    expect(parsed).toMatchObject({ level: "warn", time: "2026-07-01T09:30:00.000Z", extra: true })
  })

  it("redacts secret-named fields at any depth", () => {
    const line = formatRecord(
      {
        level: "info",
        message: "connect",
        fields: {
          token: "tok-123456",
          auth: { password: "hunter2", apiKey: "sk-1", mode: "token" },
          headers: { Authorization: "Basic abc", Cookie: "sid=1" },
          clientSecret: "s",
          list: [{ accessToken: "x" }]
        }
      },
      at,
      "h"
    )
    for (const secret of ["tok-123456", "hunter2", "sk-1", "Basic abc", "sid=1", "\"s\""]) expect(line).not.toContain(secret)
    expect(JSON.parse(line)).toMatchObject({
      token: "***",
      auth: { password: "***", apiKey: "***", mode: "token" },
      headers: { Authorization: "***", Cookie: "***" },
      clientSecret: "***",
      list: [{ accessToken: "***" }]
    })
  })

  it("redacts bearer credentials and token= values in text", () => {
    const line = formatRecord(
      { level: "info", message: "auth header Bearer abc.DEF-123_x= ok; url ws://h/?token=zzz&x=1", fields: { note: "bearer qqq" } },
      at,
      "h"
    )
    expect(line).not.toContain("abc.DEF")
    expect(line).not.toContain("zzz")
    expect(line).not.toContain("qqq")
    expect(JSON.parse(line)).toMatchObject({ message: "auth header Bearer *** ok; url ws://h/?token=***&x=1" })
  })

  it("applies configured redact patterns and ignores invalid ones", () => {
    const patterns = compileRedactPatterns(["acct-\\d+", "([", "/CaseSensitive/", "x*"])
    expect(patterns).toHaveLength(3)
    const line = formatRecord(
      { level: "info", message: "acct-42 and ACCT-7, casesensitive CaseSensitive", fields: { id: "acct-9" } },
      at,
      "h",
      patterns
    )
    expect(JSON.parse(line)).toMatchObject({ message: "*** and ***, casesensitive ***", id: "***" })
    expect(redactText("plain", patterns)).toBe("plain")
  })

  it("never throws on circular, bigint, function, error or throwing values", () => {
    const circular: Record<string, unknown> = { name: "loop" }
    circular["self"] = circular
    const hostile = {
      get boom(): never {
        throw new Error("getter")
      }
    }
    const line = formatRecord(
      {
        level: "error",
        message: "weird",
        fields: {
          circular,
          big: 10n,
          fn: function named() {},
          err: new Error("failed with Bearer sekrit"),
          hostile,
          nan: Number.NaN,
          date: new Date("2026-01-02T03:04:05.000Z"),
          undef: undefined,
          bytes: Buffer.from("abc"),
          map: new Map([["a", 1]])
        }
      },
      at,
      "h"
    )
    const parsed = JSON.parse(line)
    expect(parsed).toMatchObject({
      circular: { name: "loop", self: "[Circular]" },
      big: "10",
      fn: "[Function: named]",
      err: { name: "Error", message: "failed with Bearer ***" },
      nan: "NaN",
      date: "2026-01-02T03:04:05.000Z",
      bytes: "[Buffer(3)]",
      map: { a: 1 }
    })
    expect(typeof parsed.hostile).toBe("string")
    expect("undef" in parsed).toBe(false)
    expect(line).not.toContain("sekrit")
  })
})

describe("tail helpers", () => {
  it("applies defaults and caps", () => {
    expect(clampTailOptions({})).toEqual({ cursor: undefined, limit: 200, maxBytes: 250_000 })
    expect(clampTailOptions({ cursor: 12.7, limit: 99_999, maxBytes: 5e9 })).toEqual({ cursor: 12, limit: 5000, maxBytes: 1_000_000 })
    expect(clampTailOptions({ cursor: -1, limit: 0, maxBytes: Number.NaN })).toEqual({ cursor: undefined, limit: 1, maxBytes: 250_000 })
  })

  it("returns only complete lines with their end offsets", () => {
    const chunk = Buffer.from("a\nbb\r\n\nccc")
    expect(scanLines(chunk, false)).toEqual({ lines: [{ line: "a", end: 2 }, { line: "bb", end: 6 }], consumed: 7 })
    expect(scanLines(chunk, true)).toEqual({ lines: [{ line: "bb", end: 6 }], consumed: 7 })
    expect(scanLines(Buffer.from("partial"), true)).toEqual({ lines: [], consumed: 0 })
  })
})
