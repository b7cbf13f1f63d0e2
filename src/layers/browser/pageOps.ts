import type { Locator, Page } from "playwright-core"
import type { ActAction } from "../../domain/browser/act.js"
import { Schema } from "effect"
import { type AriaNode, ariaLimit, formatAriaSnapshot, FullAxTree, isAriaRef } from "../../domain/browser/ariaSnapshot.js"
import { playwrightRefsOf, refNumber, shapeSnapshot, type SnapshotResult } from "../../domain/browser/snapshot.js"

/** A failure with the message the caller sees (and the HTTP-like status of the original's route). */
export class PageOpError extends Error {
  constructor(message: string, readonly status = 400, readonly code?: string) {
    super(message)
  }
}

/**
 * A page's numeric refs: each Playwright ref (`f2e5`) gets a number that stays the same across
 * snapshots of one document and is never reused on the page. `live` holds the numbers of the latest
 * snapshot; a navigation empties it (refs die on navigation).
 */
interface PageRefs {
  readonly toNumber: Map<string, number>
  readonly toPlaywright: Map<number, string>
  next: number
  live: Set<number>
}
const pageRefs = new WeakMap<Page, PageRefs>()
const refsOf = (page: Page) => {
  let refs = pageRefs.get(page)
  if (refs === undefined) {
    refs = { toNumber: new Map(), toPlaywright: new Map(), next: 1, live: new Set() }
    pageRefs.set(page, refs)
  }
  return refs
}
const navigations = new WeakMap<Page, number>()

/**
 * The refs of a page's latest aria snapshot: `axN` -> whether its DOM node is an element we marked
 * (text nodes cannot carry the marker). A navigation empties it.
 */
const ariaRefs = new WeakMap<Page, Map<string, { readonly role: string; readonly marked: boolean }>>()

/** The attribute the original writes on a snapshot's elements so an `axN` ref finds its element again. */
export const REF_MARKER_ATTRIBUTE = "data-openclaw-browser-ref"

/** Starts tracking a page: refs are dropped on every main-frame navigation. */
export const trackPage = (page: Page) => {
  if (navigations.has(page)) return
  navigations.set(page, 0)
  page.on("framenavigated", (frame) => {
    if (frame !== page.mainFrame()) return
    refsOf(page).live = new Set()
    ariaRefs.delete(page)
    navigations.set(page, (navigations.get(page) ?? 0) + 1)
  })
}

export const navigationCount = (page: Page) => navigations.get(page) ?? 0

export const DEFAULT_ACTION_TIMEOUT_MS = 8000

export const takeSnapshot = async (page: Page, options: {
  readonly interactive?: boolean | undefined
  readonly limit?: number | undefined
  readonly maxChars?: number | undefined
  readonly timeoutMs?: number | undefined
  /** Only the subtree of the first element this CSS selector matches. */
  readonly selector?: string | undefined
  readonly depth?: number | undefined
}): Promise<SnapshotResult> => {
  trackPage(page)
  const snapshotOptions = { mode: "ai" as const, timeout: options.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS, ...(options.depth === undefined ? {} : { depth: options.depth }) }
  const raw = options.selector === undefined ? await page.ariaSnapshot(snapshotOptions) : await page.locator(options.selector).first().ariaSnapshot(snapshotOptions)
  const refs = refsOf(page)
  const numberOf = (ref: string) => {
    const known = refs.toNumber.get(ref)
    if (known !== undefined) return known
    const assigned = refs.next++
    refs.toNumber.set(ref, assigned)
    refs.toPlaywright.set(assigned, ref)
    return assigned
  }
  // Every ref of the full snapshot stays usable, also those cut by limit/maxChars.
  refs.live = new Set(playwrightRefsOf(raw).map(numberOf))
  return shapeSnapshot(raw, options, numberOf)
}

/** A CDP answer that is not what the protocol promises. */
const decodeAxTree = Schema.decodeUnknownSync(FullAxTree)

/**
 * The `aria` snapshot, built as the original builds it: Chromium's full accessibility tree
 * (`Accessibility.getFullAXTree`), depth first, refs `ax1`, `ax2`, ... and every element among them
 * marked with `data-openclaw-browser-ref` so act/screenshot can use the ref until the next navigation.
 */
export const takeAriaSnapshot = async (page: Page, options: { readonly limit?: number | undefined }): Promise<ReadonlyArray<AriaNode>> => {
  trackPage(page)
  const session = await page.context().newCDPSession(page)
  try {
    await session.send("Accessibility.enable").catch(() => {})
    const tree = decodeAxTree(await session.send("Accessibility.getFullAXTree"))
    const nodes = formatAriaSnapshot(tree.nodes, ariaLimit(options.limit))
    const marked = await markElements(session, nodes)
    ariaRefs.set(page, new Map(nodes.map((n) => [n.ref, { role: n.role, marked: marked.has(n.ref) }])))
    return nodes
  } finally {
    await session.detach().catch(() => {})
  }
}

type Session = Awaited<ReturnType<ReturnType<Page["context"]>["newCDPSession"]>>

/** Clears the markers of an earlier snapshot, then marks each node that is an element; returns the refs marked. */
const markElements = async (session: Session, nodes: ReadonlyArray<AriaNode>): Promise<Set<string>> => {
  await session.send("DOM.getDocument", { depth: 0 })
  await session.send("Runtime.evaluate", {
    expression: `(() => { const a = "${REF_MARKER_ATTRIBUTE}"; const roots = [document]; for (const root of roots) for (const el of root.querySelectorAll("*")) { if (el.hasAttribute(a)) el.removeAttribute(a); if (el.shadowRoot) roots.push(el.shadowRoot) } })()`
  })
  const withNode = nodes.filter((n) => n.backendDOMNodeId !== undefined && n.backendDOMNodeId > 0)
  if (withNode.length === 0) return new Set()
  const backendNodeIds = [...new Set(withNode.map((n) => n.backendDOMNodeId ?? 0))]
  const pushed = await session.send("DOM.pushNodesByBackendIdsToFrontend", { backendNodeIds }).catch(() => ({ nodeIds: [] as Array<number> }))
  const nodeIdOf = new Map(backendNodeIds.map((id, i) => [id, pushed.nodeIds[i] ?? 0]))
  const marked = new Set<string>()
  await Promise.all(withNode.map(async (n) => {
    const nodeId = nodeIdOf.get(n.backendDOMNodeId ?? 0) ?? 0
    if (nodeId <= 0) return
    // Fails for a text node or the document: those refs stay unmarked.
    await session.send("DOM.setAttributeValue", { nodeId, name: REF_MARKER_ATTRIBUTE, value: n.ref }).then(() => marked.add(n.ref), () => {})
  }))
  return marked
}

const ariaLocator = (page: Page, ref: string): Locator => {
  const known = ariaRefs.get(page)?.get(ref.trim())
  if (known === undefined) {
    throw new PageOpError(`Unknown ref "${ref}": refs die on navigation and are replaced by each snapshot; take a new snapshot and use a ref from it.`)
  }
  if (!known.marked) throw new PageOpError(`Ref "${ref}" (${known.role}) is not an element; use the ref of the element that contains it.`)
  return page.locator(`[${REF_MARKER_ATTRIBUTE}="${ref.trim()}"]`)
}

/** The element a snapshot ref names; fails when the ref is not from the page's latest snapshot. */
export const locatorForRef = (page: Page, ref: string): Locator => {
  if (isAriaRef(ref)) return ariaLocator(page, ref)
  const n = refNumber(ref)
  if (n === undefined) throw new PageOpError(`Invalid ref "${ref}": use a ref from the latest snapshot (e.g. 12).`)
  const refs = refsOf(page)
  const pw = refs.toPlaywright.get(n)
  if (pw === undefined || !refs.live.has(n)) {
    throw new PageOpError(`Unknown ref "${ref}": refs die on navigation and are replaced by each snapshot; take a new snapshot and use a ref from it.`)
  }
  return page.getByRef(pw)
}

const targetOf = (page: Page, action: { readonly ref?: string; readonly selector?: string }) =>
  action.ref !== undefined ? locatorForRef(page, action.ref) : page.locator(action.selector ?? "")

const withTimeout = async <A>(timeoutMs: number, run: () => Promise<A>): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([run(), new Promise<A>((_, reject) => {
      timer = setTimeout(() => reject(new PageOpError(`Timed out after ${timeoutMs}ms`, 408)), timeoutMs)
    })])
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

/** Runs one non-batch action on the page; returns what the action reports (evaluate's value). */
export const runAction = async (page: Page, action: Exclude<ActAction, { kind: "batch" }>, timeoutMs: number): Promise<unknown> => {
  const timeout = { timeout: timeoutMs }
  switch (action.kind) {
    case "click": {
      const options = {
        ...timeout,
        ...(action.button === undefined ? {} : { button: action.button }),
        ...(action.modifiers === undefined ? {} : { modifiers: action.modifiers as Array<"Alt" | "Control" | "ControlOrMeta" | "Meta" | "Shift"> })
      }
      if (action.doubleClick === true) await targetOf(page, action).dblclick(options)
      else await targetOf(page, action).click(options)
      return undefined
    }
    case "clickCoords":
      await page.mouse.click(action.x, action.y)
      return undefined
    case "type": {
      const locator = targetOf(page, action)
      if (action.slowly === true) {
        await locator.click(timeout)
        await locator.pressSequentially(action.text, { ...timeout, delay: 75 })
      } else await locator.fill(action.text, timeout)
      if (action.submit === true) await locator.press("Enter", timeout)
      return undefined
    }
    case "press":
      await page.keyboard.press(action.key, action.delayMs === undefined ? {} : { delay: action.delayMs })
      return undefined
    case "hover":
      await targetOf(page, action).hover(timeout)
      return undefined
    case "scrollIntoView":
      await targetOf(page, action).scrollIntoViewIfNeeded(timeout)
      return undefined
    case "drag":
      await locatorForRef(page, action.startRef).dragTo(locatorForRef(page, action.endRef), timeout)
      return undefined
    case "select":
      await targetOf(page, action).selectOption([...action.values], timeout)
      return undefined
    case "fill":
      for (const field of action.fields) {
        const locator = locatorForRef(page, field.ref)
        if (field.type === "checkbox" || field.type === "radio" || typeof field.value === "boolean") {
          await locator.setChecked(field.value === true || field.value === "true", timeout)
        } else if (field.type === "select" || field.type === "combobox") {
          await locator.selectOption(String(field.value), timeout)
        } else await locator.fill(String(field.value), timeout)
      }
      return undefined
    case "resize":
      await page.setViewportSize({ width: action.width, height: action.height })
      return undefined
    case "wait":
      await withTimeout(Math.max(timeoutMs, (action.timeMs ?? 0) + 1000), async () => {
        if (action.timeMs !== undefined) await page.waitForTimeout(action.timeMs)
        if (action.text !== undefined) await page.getByText(action.text).first().waitFor({ state: "visible", ...timeout })
        if (action.textGone !== undefined) await page.getByText(action.textGone).first().waitFor({ state: "hidden", ...timeout })
        if (action.selector !== undefined) await page.locator(action.selector).first().waitFor({ state: "visible", ...timeout })
        if (action.url !== undefined) await page.waitForURL(action.url, timeout)
        if (action.loadState !== undefined) await page.waitForLoadState(action.loadState, timeout)
        if (action.fn !== undefined) await page.waitForFunction(action.fn, undefined, timeout)
      })
      return undefined
    case "evaluate": {
      // The function text comes from the caller: `(el) => ...` with a ref, `() => ...` or a body.
      const source = action.fn.trim()
      const isFunction = /^(async\s+)?(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>|^(async\s+)?function\b/.test(source)
      return await withTimeout(timeoutMs, async () => {
        if (action.ref !== undefined) {
          const element = locatorForRef(page, action.ref)
          return await element.evaluate((el, fnText) => {
            // eslint-disable-next-line no-new-func
            const fn = new Function(`return (${fnText})`)() as (el: unknown) => unknown
            return fn(el)
          }, isFunction ? source : `() => { ${source} }`)
        }
        return await page.evaluate((fnText) => {
          // eslint-disable-next-line no-new-func
          const fn = new Function(`return (${fnText})`)() as () => unknown
          return fn()
        }, isFunction ? source : `async () => { ${source} }`)
      })
    }
    case "close":
      await page.close()
      return undefined
  }
}

/** A readable message for a Playwright failure (its first line, without the call log). */
export const describeFailure = (error: unknown): string => {
  if (error instanceof PageOpError) return error.message
  const text = error instanceof Error ? error.message : String(error)
  return text.split("\n")[0]?.trim() ?? text
}
