import { describe, expect, it } from "vitest"
import { parseActRequest } from "../../../src/domain/browser/act.js"
import { refNumber, shapeSnapshot } from "../../../src/domain/browser/snapshot.js"

const RAW = [
  "- generic [active] [ref=f2e1]:",
  "  - heading \"Sign up\" [level=1] [ref=f2e2]",
  "  - textbox \"Your name\" [ref=f2e5]",
  "  - button \"Send\" [ref=f2e6]",
  "  - link \"Other\" [ref=f2e7] [cursor=pointer]:",
  "    - /url: /other"
].join("\n")

const numbering = () => {
  const seen = new Map<string, number>()
  return (ref: string) => seen.get(ref) ?? (seen.set(ref, seen.size + 1), seen.size)
}

describe("snapshot shaping", () => {
  it("ai: numeric refs, the ref table and stats", () => {
    const result = shapeSnapshot(RAW, { format: "ai" }, numbering())
    expect(result.snapshot).toContain("textbox \"Your name\" [ref=3]")
    expect(result.refs).toMatchObject({ "3": { role: "textbox", name: "Your name" }, "4": { role: "button", name: "Send" } })
    expect(result.stats).toEqual({ lines: 6, chars: result.snapshot.length, refs: 5, interactive: 3 })
    expect(result.truncated).toBe(false)
  })

  it("aria: axN refs; interactive keeps only controls; limit and maxChars cut and say so", () => {
    expect(shapeSnapshot(RAW, { format: "aria" }, numbering()).snapshot).toContain("[ref=ax4]")
    expect(shapeSnapshot(RAW, { format: "ai", interactive: true }, numbering()).snapshot).toBe("- textbox \"Your name\" [ref=3]\n- button \"Send\" [ref=4]\n- link \"Other\" [ref=5] [cursor=pointer]:")
    const limited = shapeSnapshot(RAW, { format: "ai", limit: 2 }, numbering())
    expect(limited).toMatchObject({ truncated: true, stats: { lines: 2 } })
    expect(Object.keys(limited.refs)).toEqual(["1", "2"])
    expect(shapeSnapshot(RAW, { format: "ai", maxChars: 10 }, numbering())).toMatchObject({ truncated: true, stats: { chars: 10 } })
  })

  it("reads refs as people type them", () => {
    expect([refNumber("12"), refNumber("e12"), refNumber("ax12"), refNumber("f1e2"), refNumber("#x")]).toEqual([12, 12, 12, undefined, undefined])
  })
})

describe("/act request validation (spec 5.2 codes)", () => {
  const on = { evaluateEnabled: true }
  it("accepts {kind} and {request:{kind}} bodies", () => {
    expect(parseActRequest({ kind: "click", ref: 12 }, on)).toEqual({ action: { kind: "click", ref: "12" }, timeoutMs: undefined, targetId: undefined })
    expect(parseActRequest({ targetId: "t1", request: { kind: "type", ref: "3", text: "hi", submit: true, timeoutMs: 500 } }, on)).toEqual({
      action: { kind: "type", ref: "3", text: "hi", submit: true },
      timeoutMs: 500,
      targetId: "t1"
    })
    expect(parseActRequest({ kind: "batch", actions: [{ kind: "wait", timeMs: 5 }, { kind: "press", key: "Enter" }] }, on)).toMatchObject({ action: { kind: "batch", stopOnError: true } })
  })

  it("answers each failure with its code", () => {
    expect(parseActRequest({}, on)).toMatchObject({ code: "ACT_KIND_REQUIRED" })
    expect(parseActRequest({ kind: "teleport" }, on)).toMatchObject({ code: "ACT_KIND_REQUIRED" })
    expect(parseActRequest({ kind: "drag", startRef: "1" }, on)).toMatchObject({ code: "ACT_INVALID_REQUEST" })
    expect(parseActRequest({ kind: "resize", width: -1, height: 10 }, on)).toMatchObject({ code: "ACT_INVALID_REQUEST" })
    expect(parseActRequest({ kind: "batch", actions: [{ kind: "batch", actions: [] }] }, on)).toMatchObject({ code: "ACT_INVALID_REQUEST" })
    expect(parseActRequest({ kind: "fill", selector: "#a", fields: [{ ref: "1", value: "x" }] }, on)).toMatchObject({ code: "ACT_SELECTOR_UNSUPPORTED" })
    expect(parseActRequest({ kind: "evaluate", fn: "() => 1" }, { evaluateEnabled: false })).toMatchObject({ code: "ACT_EVALUATE_DISABLED" })
    expect(parseActRequest({ kind: "batch", actions: [{ kind: "wait", fn: "() => true" }] }, { evaluateEnabled: false })).toMatchObject({ code: "ACT_EVALUATE_DISABLED" })
    expect(parseActRequest({ targetId: "t1", request: { kind: "batch", actions: [{ kind: "click", ref: "1", targetId: "t2" }] } }, on)).toMatchObject({ code: "ACT_TARGET_ID_MISMATCH" })
  })
})
