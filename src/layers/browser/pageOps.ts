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

/** The refs of a page's latest aria snapshot: `axN` -> its role and DOM node. A navigation empties it. */
const ariaRefs = new WeakMap<Page, Map<string, { readonly role: string; readonly backendDOMNodeId: number | undefined }>>()

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
  // Every ref of the full snapshot stays usable, also those cut by limit/maxChars; an aria snapshot's are replaced.
  refs.live = new Set(playwrightRefsOf(raw).map(numberOf))
  ariaRefs.delete(page)
  return shapeSnapshot(raw, options, numberOf)
}

/** A CDP answer that is not what the protocol promises. */
const decodeAxTree = Schema.decodeUnknownSync(FullAxTree)

/**
 * The `aria` snapshot, built as the original builds it: Chromium's full accessibility tree
 * (`Accessibility.getFullAXTree`), depth first, refs `ax1`, `ax2`, ... usable by act/screenshot until
 * the next navigation.
 */
export const takeAriaSnapshot = async (page: Page, options: { readonly limit?: number | undefined }): Promise<ReadonlyArray<AriaNode>> => {
  trackPage(page)
  const session = await page.context().newCDPSession(page)
  try {
    await session.send("Accessibility.enable").catch(() => {})
    const tree = decodeAxTree(await session.send("Accessibility.getFullAXTree"))
    const nodes = formatAriaSnapshot(tree.nodes, ariaLimit(options.limit))
    ariaRefs.set(page, new Map(nodes.map((n) => [n.ref, { role: n.role, backendDOMNodeId: n.backendDOMNodeId }])))
    // Each snapshot replaces the refs of the one before, whatever its format.
    refsOf(page).live = new Set()
    return nodes
  } finally {
    await session.detach().catch(() => {})
  }
}

/**
 * The element an `axN` ref names, found again through its DOM node: marked with the original's
 * `data-openclaw-browser-ref` attribute when it is first used (an earlier holder of the same ref loses
 * it), so one CDP round trip pays for the ref actually used rather than one per node of every snapshot.
 */
const ariaLocator = async (page: Page, rawRef: string): Promise<Locator> => {
  const ref = rawRef.trim()
  const known = ariaRefs.get(page)?.get(ref)
  if (known === undefined) {
    throw new PageOpError(`Unknown ref "${rawRef}": refs die on navigation and are replaced by each snapshot; take a new snapshot and use a ref from it.`)
  }
  const notElement = () => new PageOpError(`Ref "${rawRef}" (${known.role}) is not an element; use the ref of the element that contains it.`)
  if (known.backendDOMNodeId === undefined) throw notElement()
  const session = await page.context().newCDPSession(page)
  try {
    const resolved = await session.send("DOM.resolveNode", { backendNodeId: known.backendDOMNodeId }).catch(() => undefined)
    const objectId = resolved?.object.objectId
    if (objectId === undefined) throw new PageOpError(`Ref "${rawRef}" is gone from the page; take a new snapshot.`)
    const marked = await session.send("Runtime.callFunctionOn", {
      objectId,
      functionDeclaration: `function(attribute, ref) {
        if (this.nodeType !== 1) return false
        for (const root of new Set([document, this.getRootNode()])) for (const el of root.querySelectorAll("[" + attribute + "]")) if (el.getAttribute(attribute) === ref) el.removeAttribute(attribute)
        this.setAttribute(attribute, ref)
        return true
      }`,
      arguments: [{ value: REF_MARKER_ATTRIBUTE }, { value: ref }],
      returnByValue: true
    })
    if (marked.result.value !== true) throw notElement()
    return page.locator(`[${REF_MARKER_ATTRIBUTE}="${ref}"]`)
  } finally {
    await session.detach().catch(() => {})
  }
}

/** The element a snapshot ref names; fails when the ref is not from the page's latest snapshot. */
export const locatorForRef = async (page: Page, ref: string): Promise<Locator> => {
  if (isAriaRef(ref)) return await ariaLocator(page, ref)
  const n = refNumber(ref)
  if (n === undefined) throw new PageOpError(`Invalid ref "${ref}": use a ref from the latest snapshot (e.g. 12).`)
  const refs = refsOf(page)
  const pw = refs.toPlaywright.get(n)
  if (pw === undefined || !refs.live.has(n)) {
    throw new PageOpError(`Unknown ref "${ref}": refs die on navigation and are replaced by each snapshot; take a new snapshot and use a ref from it.`)
  }
  return page.getByRef(pw)
}

const targetOf = async (page: Page, action: { readonly ref?: string; readonly selector?: string }) =>
  action.ref !== undefined ? await locatorForRef(page, action.ref) : page.locator(action.selector ?? "")

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
      if (action.doubleClick === true) await (await targetOf(page, action)).dblclick(options)
      else await (await targetOf(page, action)).click(options)
      return undefined
    }
    case "clickCoords":
      await page.mouse.click(action.x, action.y)
      return undefined
    case "type": {
      const locator = await targetOf(page, action)
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
      await (await targetOf(page, action)).hover(timeout)
      return undefined
    case "scrollIntoView":
      await (await targetOf(page, action)).scrollIntoViewIfNeeded(timeout)
      return undefined
    case "drag":
      await (await locatorForRef(page, action.startRef)).dragTo(await locatorForRef(page, action.endRef), timeout)
      return undefined
    case "select":
      await (await targetOf(page, action)).selectOption([...action.values], timeout)
      return undefined
    case "fill":
      for (const field of action.fields) {
        const locator = await locatorForRef(page, field.ref)
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
          const element = await locatorForRef(page, action.ref)
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
