/** What a snapshot ref points at, as listed in the snapshot result. */
export interface RefInfo {
  readonly role: string
  readonly name?: string
}

export type SnapshotFormat = "ai" | "aria"

/** An `ai` snapshot (the `aria` format is a list of nodes: ariaSnapshot.ts). */
export interface SnapshotResult {
  readonly format: "ai"
  readonly snapshot: string
  readonly refs: Readonly<Record<string, RefInfo>>
  readonly stats: { readonly lines: number; readonly chars: number; readonly refs: number; readonly interactive: number }
  readonly truncated: boolean
}

const INTERACTIVE_ROLES = new Set([
  "button", "link", "textbox", "searchbox", "checkbox", "radio", "combobox", "listbox", "option", "menuitem",
  "menuitemcheckbox", "menuitemradio", "tab", "switch", "slider", "spinbutton", "treeitem"
])

const LINE = /^(\s*)- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?.*\[ref=([a-z0-9]+)\]/

/** Every Playwright ref (`e5`, `f2e5`) in a raw AI snapshot, in order. */
export const playwrightRefsOf = (raw: string): ReadonlyArray<string> => [...raw.matchAll(/\[ref=([a-z0-9]+)\]/g)].map((m) => m[1] ?? "")

/**
 * Playwright's AI snapshot with the original's numeric refs, optionally only the interactive lines,
 * cut to `limit` lines and `maxChars` characters.
 */
export const shapeSnapshot = (raw: string, options: {
  readonly interactive?: boolean | undefined
  readonly limit?: number | undefined
  readonly maxChars?: number | undefined
}, numberOf: (playwrightRef: string) => number): SnapshotResult => {
  const publicRef = (ref: string) => String(numberOf(ref))
  const refs: Record<string, RefInfo> = {}
  let interactiveCount = 0
  let lines = raw.split("\n").map((line) => {
    const rewritten = line.replace(/\[ref=([a-z0-9]+)\]/g, (_m, ref: string) => `[ref=${publicRef(ref)}]`)
    const match = LINE.exec(line)
    if (match !== null) {
      const [, , role = "", name, ref = ""] = match
      refs[publicRef(ref)] = name === undefined ? { role } : { role, name: name.replace(/\\"/g, "\"") }
      if (INTERACTIVE_ROLES.has(role)) interactiveCount++
    }
    return { text: rewritten, role: match?.[2], hasRef: match !== null }
  })
  if (options.interactive === true) {
    lines = lines.filter((line) => line.hasRef && line.role !== undefined && INTERACTIVE_ROLES.has(line.role)).map((line) => ({ ...line, text: line.text.trimStart() }))
  }
  let truncated = false
  let texts = lines.map((line) => line.text).filter((text) => text.length > 0)
  if (options.limit !== undefined && texts.length > options.limit) {
    texts = texts.slice(0, options.limit)
    truncated = true
  }
  let snapshot = texts.join("\n")
  if (options.maxChars !== undefined && snapshot.length > options.maxChars) {
    snapshot = snapshot.slice(0, options.maxChars)
    truncated = true
  }
  const kept = Object.fromEntries(Object.entries(refs).filter(([ref]) => snapshot.includes(`[ref=${ref}]`)))
  return {
    format: "ai",
    snapshot,
    refs: kept,
    stats: { lines: snapshot === "" ? 0 : snapshot.split("\n").length, chars: snapshot.length, refs: Object.keys(kept).length, interactive: interactiveCount },
    truncated
  }
}

/** The number of an `ai` ref as a person may type it (`12`, `e12`); undefined when it is not one. */
export const refNumber = (ref: string): number | undefined => {
  const digits = /^e?(\d+)$/.exec(ref.trim())?.[1]
  return digits === undefined ? undefined : Number(digits)
}
