import { Effect, Either, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { AriaNode } from "../../../src/domain/browser/ariaSnapshot.js"
import { renderAriaNodes } from "../../../src/domain/browser/ariaSnapshot.js"
import { BrowserControl, type BrowserRequest } from "../../../src/services/BrowserControl.js"
import { browserControlLayer, freePort, managedConfig, startPageServer, tempStateDir } from "../../support/browserHarness.js"

const runtimeFor = (stateDir: string, cdpPort: number) => ManagedRuntime.make(browserControlLayer(managedConfig(cdpPort), stateDir))
type Runtime = ReturnType<typeof runtimeFor>
const call = (runtime: Runtime, request: BrowserRequest) => runtime.runPromise(Effect.flatMap(BrowserControl, (b) => b.request(request))) as Promise<any>
const failure = (runtime: Runtime, request: BrowserRequest) =>
  runtime.runPromise(Effect.either(Effect.flatMap(BrowserControl, (b) => b.request(request)))).then((e) => {
    if (Either.isRight(e)) throw new Error(`expected a failure, got ${JSON.stringify(e.right).slice(0, 200)}`)
    return e.left
  })
const find = (nodes: ReadonlyArray<AriaNode>, role: string, name: string) => {
  const node = nodes.find((n) => n.role === role && n.name.trim() === name)
  if (node === undefined) throw new Error(`no ${role} "${name}" in\n${renderAriaNodes(nodes)}`)
  return node
}

describe("aria snapshot from Chromium's full accessibility tree (the original's format)", () => {
  let pages: Awaited<ReturnType<typeof startPageServer>>
  let state: ReturnType<typeof tempStateDir>
  let runtime: Runtime

  beforeAll(async () => {
    pages = await startPageServer()
    state = tempStateDir()
    runtime = runtimeFor(state.dir, await freePort())
  })
  afterAll(async () => {
    await runtime.dispose()
    await pages.close()
    state.remove()
  })

  it("lists every AX node depth first as ax1, ax2, ... with role, name, value and depth", async () => {
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const snap = await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria" } })
    expect(snap).toMatchObject({ ok: true, format: "aria", url: `${pages.baseUrl}/form` })
    expect(typeof snap.targetId).toBe("string")
    expect(snap.snapshot).toBeUndefined()
    const nodes = snap.nodes as ReadonlyArray<AriaNode>
    expect(nodes[0]).toMatchObject({ ref: "ax1", role: "RootWebArea", name: "Sign-up form", depth: 0 })
    expect(nodes.map((n) => n.ref)).toEqual(nodes.map((_, i) => `ax${i + 1}`))
    // Depth first: a child is one level below its parent, never more.
    for (let i = 1; i < nodes.length; i++) expect(nodes[i]!.depth).toBeLessThanOrEqual(nodes[i - 1]!.depth + 1)
    // Chromium's own roles, ignored and text nodes included (not Playwright's AI tree).
    expect(nodes.some((n) => n.role === "StaticText")).toBe(true)
    const heading = find(nodes, "heading", "Sign up")
    const colour = find(nodes, "combobox", "Colour")
    expect(colour.value).toBe("red")
    const lines = renderAriaNodes(nodes).split("\n")
    expect(lines[0]).toBe(`- RootWebArea "Sign-up form" [ref=ax1]`)
    expect(lines).toContain(`${"  ".repeat(heading.depth)}- heading "Sign up" [ref=${heading.ref}]`)
    expect(lines.find((l) => l.includes(`[ref=${colour.ref}]`))).toMatch(/^ +- combobox "Colour ?" = "red" \[ref=ax\d+\]$/)
  }, 30_000)

  it("limit bounds the node count; mode=efficient is refused for aria", async () => {
    const snap = await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria", limit: "3" } })
    expect((snap.nodes as Array<AriaNode>).map((n) => n.ref)).toEqual(["ax1", "ax2", "ax3"])
    expect((await failure(runtime, { method: "GET", path: "/snapshot", query: { format: "aria", mode: "efficient" } })).message).toBe("labels/mode=efficient require format=ai")
  }, 30_000)

  it("act, screenshot and evaluate work by axN ref; the refs die on navigation", async () => {
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const nodes = (await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria" } })).nodes as ReadonlyArray<AriaNode>
    const textbox = find(nodes, "textbox", "Your name").ref
    const colour = find(nodes, "combobox", "Colour").ref
    const send = find(nodes, "button", "Send").ref
    const text = find(nodes, "StaticText", "Sign up").ref
    await call(runtime, { method: "POST", path: "/act", body: { kind: "type", ref: textbox, text: "Grace" } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "select", ref: colour, values: ["blue"] } })
    expect((await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", ref: textbox, fn: "(el) => el.value" } })).result).toBe("Grace")
    expect((await call(runtime, { method: "POST", path: "/screenshot", body: { ref: send } })).path).toMatch(/\.png$/)
    // A text node has no element to act on: said at once, not after a timeout.
    expect((await failure(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: text } })).message).toContain("is not an element")
    await call(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: send } })
    await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "Hello, Grace!" } })
    const stale = await failure(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: send } })
    expect(stale.message).toContain(`Unknown ref "${send}"`)
    // A ref string reused by a later snapshot for another element names that element only.
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `${pages.baseUrl}/form` } })
    const first = (await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria" } })).nodes as ReadonlyArray<AriaNode>
    const sendRef = find(first, "button", "Send").ref
    expect((await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", ref: sendRef, fn: "(el) => el.textContent" } })).result).toBe("Send")
    // A button (and its text nodes) before everything: the refs after it shift.
    await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => { const b = document.createElement('button'); b.textContent = 'Early'; document.body.prepend(b) }" } })
    const second = (await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria" } })).nodes as ReadonlyArray<AriaNode>
    const reused = second.find((n) => n.ref === sendRef)
    expect(reused).toBeDefined()
    expect(find(second, "button", "Send").ref).not.toBe(sendRef)
    const holder = await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", ref: find(second, "button", "Send").ref, fn: "(el) => el.textContent" } })
    expect(holder.result).toBe("Send")
    const marks = await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => [...document.querySelectorAll('[data-openclaw-browser-ref]')].map((el) => el.getAttribute('data-openclaw-browser-ref')).join(',')" } })
    // Each marked ref is on one element; the old Send ref no longer points at the Send button.
    const marked = String(marks.result).split(",")
    expect(new Set(marked).size).toBe(marked.length)
    expect(marked).toContain(find(second, "button", "Send").ref)
    // An ai snapshot's numeric ref is not an aria ref of the same number.
    const ai = await call(runtime, { method: "GET", path: "/snapshot" })
    expect(ai.format).toBe("ai")
    expect((await failure(runtime, { method: "POST", path: "/act", body: { kind: "click", ref: "ax1" } })).message).toContain(`Unknown ref "ax1"`)
    // And an aria snapshot replaces the ai snapshot's refs.
    const aiRef = /\[ref=(\d+)\]/.exec(String(ai.snapshot))?.[1] ?? "1"
    await call(runtime, { method: "GET", path: "/snapshot", query: { format: "aria" } })
    expect((await failure(runtime, { method: "POST", path: "/act", body: { kind: "hover", ref: aiRef } })).message).toContain(`Unknown ref "${aiRef}"`)
  }, 30_000)
})
