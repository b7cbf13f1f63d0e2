import { describe, expect, it } from "vitest"
import { parseActRequest } from "../../../src/domain/browser/act.js"
import { ariaLimit, formatAriaSnapshot, isAriaRef, renderAriaNodes } from "../../../src/domain/browser/ariaSnapshot.js"
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
    const result = shapeSnapshot(RAW, {}, numbering())
    expect(result.snapshot).toContain("textbox \"Your name\" [ref=3]")
    expect(result.refs).toMatchObject({ "3": { role: "textbox", name: "Your name" }, "4": { role: "button", name: "Send" } })
    expect(result.stats).toEqual({ lines: 6, chars: result.snapshot.length, refs: 5, interactive: 3 })
    expect(result.truncated).toBe(false)
  })

  it("interactive keeps only controls; limit and maxChars cut and say so", () => {
    expect(shapeSnapshot(RAW, { interactive: true }, numbering()).snapshot).toBe("- textbox \"Your name\" [ref=3]\n- button \"Send\" [ref=4]\n- link \"Other\" [ref=5] [cursor=pointer]:")
    const limited = shapeSnapshot(RAW, { limit: 2 }, numbering())
    expect(limited).toMatchObject({ truncated: true, stats: { lines: 2 } })
    expect(Object.keys(limited.refs)).toEqual(["1", "2"])
    expect(shapeSnapshot(RAW, { maxChars: 10 }, numbering())).toMatchObject({ truncated: true, stats: { chars: 10 } })
  })

  it("reads refs as people type them", () => {
    expect([refNumber("12"), refNumber("e12"), refNumber("ax12"), refNumber("f1e2"), refNumber("#x")]).toEqual([12, 12, undefined, undefined, undefined])
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

describe("aria snapshot formatting (the original's formatAriaSnapshot)", () => {
  const v = (value: unknown) => ({ value })
  const tree = [
    { nodeId: "2", role: v("heading"), name: v("Title"), childIds: ["3"], backendDOMNodeId: 12 },
    { nodeId: "1", role: v("RootWebArea"), name: v("Doc"), childIds: ["2", "4", "9"], backendDOMNodeId: 5 },
    { nodeId: "3", role: v("StaticText"), name: v("Title"), backendDOMNodeId: 13 },
    { nodeId: "4", ignored: true, role: v("none"), childIds: ["5"] },
    { nodeId: "5", role: v("slider"), name: v("Volume"), value: v(7), description: v("loudness") }
  ]

  it("walks depth first from the node nobody lists as a child, numbering ax1.. and skipping unknown children", () => {
    expect(formatAriaSnapshot(tree, 500)).toEqual([
      { ref: "ax1", role: "RootWebArea", name: "Doc", backendDOMNodeId: 5, depth: 0 },
      { ref: "ax2", role: "heading", name: "Title", backendDOMNodeId: 12, depth: 1 },
      { ref: "ax3", role: "StaticText", name: "Title", backendDOMNodeId: 13, depth: 2 },
      { ref: "ax4", role: "none", name: "", depth: 1 },
      { ref: "ax5", role: "slider", name: "Volume", value: "7", description: "loudness", depth: 2 }
    ])
    expect(formatAriaSnapshot(tree, 2).map((n) => n.ref)).toEqual(["ax1", "ax2"])
    expect(formatAriaSnapshot([], 10)).toEqual([])
  })

  it("renders as the original CLI prints it, and clamps limit like the original", () => {
    expect(renderAriaNodes(formatAriaSnapshot(tree, 500))).toBe([
      `- RootWebArea "Doc" [ref=ax1]`,
      `  - heading "Title" [ref=ax2]`,
      `    - StaticText "Title" [ref=ax3]`,
      `  - none [ref=ax4]`,
      `    - slider "Volume" = "7" [ref=ax5]`
    ].join("\n"))
    expect([ariaLimit(undefined), ariaLimit(0), ariaLimit(5000), ariaLimit(42)]).toEqual([500, 1, 2000, 42])
    expect([isAriaRef("ax3"), isAriaRef("3"), isAriaRef("e3")]).toEqual([true, false, false])
  })
})
