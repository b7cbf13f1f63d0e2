import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import {
  formatConfigPath,
  getAtPath,
  parseConfigPath,
  type PathSegment,
  setAtPath,
  unsetAtPath
} from "../../src/domain/ConfigPath.js"

const segmentsOf = (input: string): ReadonlyArray<PathSegment> =>
  Either.match(parseConfigPath(input), {
    onLeft: (error) => expect.fail(`expected ${input} to parse, got: ${error.message}`),
    onRight: (segments) => segments
  })

const errorOf = (input: string) =>
  Either.match(parseConfigPath(input), {
    onLeft: (error) => error,
    onRight: (segments) => expect.fail(`expected ${input} to fail, got: ${JSON.stringify(segments)}`)
  })

describe("parseConfigPath", () => {
  it("splits dotted keys", () => {
    expect(segmentsOf("gateway.auth.token")).toEqual(["gateway", "auth", "token"])
    expect(segmentsOf("meta")).toEqual(["meta"])
  })

  it("trims surrounding whitespace", () => {
    expect(segmentsOf("  gateway.port  ")).toEqual(["gateway", "port"])
  })

  it("reads an unquoted numeric bracket as an array index", () => {
    const segments = segmentsOf("a.list[0]")
    expect(segments).toEqual(["a", "list", 0])
    expect(typeof segments[2]).toBe("number")
    expect(segmentsOf("a[12].b")).toEqual(["a", 12, "b"])
  })

  it("reads quoted brackets as string keys, dots included", () => {
    expect(segmentsOf("a.map[\"x.y\"]")).toEqual(["a", "map", "x.y"])
    expect(segmentsOf("a['k']")).toEqual(["a", "k"])
    expect(segmentsOf("models.providers[\"openai\"].apiKey")).toEqual(["models", "providers", "openai", "apiKey"])
  })

  it("keeps a quoted numeric bracket as the string key", () => {
    const segments = segmentsOf("a[\"0\"]")
    expect(segments).toEqual(["a", "0"])
    expect(typeof segments[1]).toBe("string")
  })

  it("reads an unquoted non-numeric bracket as a string key", () => {
    expect(segmentsOf("a[foo]")).toEqual(["a", "foo"])
  })

  it("honours backslash escapes in bare and quoted segments", () => {
    expect(segmentsOf("a\\.b.c")).toEqual(["a.b", "c"])
    expect(segmentsOf("a[\"x\\\"y\"]")).toEqual(["a", "x\"y"])
  })

  it("reports an empty segment", () => {
    expect(errorOf("a..b").message).toBe("Invalid path (empty segment): a..b")
    expect(errorOf("a.").message).toBe("Invalid path (empty segment): a.")
    expect(errorOf(".a").message).toBe("Invalid path (empty segment): .a")
    expect(errorOf("").message).toBe("Invalid path (empty segment): ")
  })

  it("reports a missing closing bracket", () => {
    expect(errorOf("a[0").message).toBe("Invalid path (missing \"]\"): a[0")
    expect(errorOf("a[\"x\"").message).toBe("Invalid path (missing \"]\"): a[\"x\"")
  })

  it("reports an empty bracket", () => {
    expect(errorOf("a[]").message).toBe("Invalid path (empty \"[]\"): a[]")
  })

  it("rejects prototype-polluting segments", () => {
    expect(errorOf("__proto__.x").message).toBe("Invalid path segment: __proto__")
    expect(errorOf("a.constructor").message).toBe("Invalid path segment: constructor")
    expect(errorOf("a.prototype.b").message).toBe("Invalid path segment: prototype")
    expect(errorOf("a[\"__proto__\"]").message).toBe("Invalid path segment: __proto__")
  })

  it("fails with the InvalidConfigPath error", () => {
    const error = errorOf("a..b")
    expect(error._tag).toBe("InvalidConfigPath")
    expect(error.code).toBe("INVALID_CONFIG_PATH")
  })
})

describe("formatConfigPath", () => {
  it("renders identifiers dotted, indexes and odd keys bracketed", () => {
    expect(formatConfigPath(["gateway", "auth", "token"])).toBe("gateway.auth.token")
    expect(formatConfigPath(["a", "list", 0])).toBe("a.list[0]")
    expect(formatConfigPath(["a", "map", "x.y"])).toBe("a.map[\"x.y\"]")
    expect(formatConfigPath(["a", "0"])).toBe("a[\"0\"]")
    expect(formatConfigPath([])).toBe("")
  })

  it("round-trips through parseConfigPath", () => {
    const inputs = [
      "gateway.port",
      "a.list[0]",
      "a.map[\"x.y\"]",
      "a[\"0\"]",
      "models.providers[\"my provider\"].models[2].id",
      "agents.defaults.models[\"openai/gpt-5\"].alias",
      "nextcloud-talk.enabled"
    ]
    for (const input of inputs) {
      const segments = segmentsOf(input)
      expect(formatConfigPath(segments)).toBe(input)
      expect(segmentsOf(formatConfigPath(segments))).toEqual(segments)
    }
  })

  it("normalises alternative spellings to the canonical form", () => {
    expect(formatConfigPath(segmentsOf("a['k']"))).toBe("a.k")
    expect(formatConfigPath(segmentsOf("a\\.b.c"))).toBe("[\"a.b\"].c")
    expect(segmentsOf(formatConfigPath(segmentsOf("a\\.b.c")))).toEqual(["a.b", "c"])
  })
})

describe("getAtPath", () => {
  const root = { a: { list: [10, { id: "x" }], map: { "x.y": true, zero: 0 } } }

  it("reads nested keys and array indexes", () => {
    expect(getAtPath(root, ["a", "list", 0])).toEqual(Option.some(10))
    expect(getAtPath(root, ["a", "list", 1, "id"])).toEqual(Option.some("x"))
    expect(getAtPath(root, ["a", "list", "1", "id"])).toEqual(Option.some("x"))
    expect(getAtPath(root, ["a", "map", "x.y"])).toEqual(Option.some(true))
  })

  it("returns Some for falsy values that are present", () => {
    expect(getAtPath(root, ["a", "map", "zero"])).toEqual(Option.some(0))
  })

  it("returns the root for an empty path", () => {
    expect(getAtPath(root, [])).toEqual(Option.some(root))
  })

  it("returns None when a step is absent", () => {
    expect(Option.isNone(getAtPath(root, ["a", "missing"]))).toBe(true)
    expect(Option.isNone(getAtPath(root, ["a", "list", 5]))).toBe(true)
    expect(Option.isNone(getAtPath(root, ["a", "list", "x"]))).toBe(true)
    expect(Option.isNone(getAtPath(root, ["a", "map", "zero", "deeper"]))).toBe(true)
  })

  it("does not read inherited properties", () => {
    expect(Option.isNone(getAtPath({}, ["toString"]))).toBe(true)
  })
})

describe("setAtPath", () => {
  it("returns a new object and leaves the input untouched", () => {
    const root = { gateway: { port: 18789, mode: "local" }, meta: {} }
    const snapshot = structuredClone(root)
    const next = setAtPath(root, ["gateway", "port"], 19000)
    expect(next).toEqual({ gateway: { port: 19000, mode: "local" }, meta: {} })
    expect(root).toEqual(snapshot)
    expect(next).not.toBe(root)
  })

  it("creates intermediate objects", () => {
    expect(setAtPath({}, ["a", "b", "c"], 1)).toEqual({ a: { b: { c: 1 } } })
    expect(setAtPath(undefined, ["a"], "v")).toEqual({ a: "v" })
  })

  it("replaces a scalar on the way with an object", () => {
    expect(setAtPath({ a: 5 }, ["a", "b"], 1)).toEqual({ a: { b: 1 } })
  })

  it("sets an element of an existing array without mutating it", () => {
    const root = { list: ["x", "y", "z"] }
    const next = setAtPath(root, ["list", 1], "Y")
    expect(next).toEqual({ list: ["x", "Y", "z"] })
    expect(root.list).toEqual(["x", "y", "z"])
  })

  it("sets inside an array element", () => {
    const root = { list: [{ id: "a", n: 1 }, { id: "b", n: 2 }] }
    expect(setAtPath(root, ["list", 1, "n"], 3)).toEqual({ list: [{ id: "a", n: 1 }, { id: "b", n: 3 }] })
    expect(root.list[1]).toEqual({ id: "b", n: 2 })
  })

  it("creates an array for an index under a missing key", () => {
    const next = setAtPath({}, ["a", 0], "first")
    expect(next).toEqual({ a: ["first"] })
    expect(Array.isArray((next as { a: unknown }).a)).toBe(true)
  })

  it("returns the value itself for an empty path", () => {
    expect(setAtPath({ a: 1 }, [], "whole")).toBe("whole")
  })
})

describe("unsetAtPath", () => {
  it("removes a key and leaves the input untouched", () => {
    const root = { gateway: { port: 1, mode: "local" } }
    const snapshot = structuredClone(root)
    const next = unsetAtPath(root, ["gateway", "port"])
    expect(next).toEqual(Option.some({ gateway: { mode: "local" } }))
    expect(root).toEqual(snapshot)
  })

  it("removes an array element by index", () => {
    const root = { list: ["a", "b", "c"] }
    expect(unsetAtPath(root, ["list", 1])).toEqual(Option.some({ list: ["a", "c"] }))
    expect(root.list).toEqual(["a", "b", "c"])
  })

  it("removes a key inside an array element", () => {
    const root = { list: [{ id: "a", x: 1 }] }
    expect(unsetAtPath(root, ["list", 0, "x"])).toEqual(Option.some({ list: [{ id: "a" }] }))
  })

  it("returns None when the path is absent", () => {
    const root = { a: { b: 1 }, list: [1] }
    expect(Option.isNone(unsetAtPath(root, ["a", "c"]))).toBe(true)
    expect(Option.isNone(unsetAtPath(root, ["x", "y"]))).toBe(true)
    expect(Option.isNone(unsetAtPath(root, ["list", 3]))).toBe(true)
    expect(Option.isNone(unsetAtPath(root, ["a", "b", "c"]))).toBe(true)
    expect(Option.isNone(unsetAtPath(root, []))).toBe(true)
  })
})
