/** A tiny element builder: `h("button", { class: "x", onclick }, "Label")`. Text is always text, never HTML. */
export type Child = Node | string | number | null | undefined | false | ReadonlyArray<Child>
type Attrs = Record<string, string | number | boolean | undefined | null | ((event: never) => void)>

export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child>): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value as EventListener)
    else if (key === "value" && "value" in el) (el as HTMLInputElement).value = String(value)
    else el.setAttribute(key, value === true ? "" : String(value))
  }
  append(el, children)
  return el
}

export const append = (parent: Node, children: ReadonlyArray<Child>) => {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else parent.appendChild(typeof child === "object" ? (child as Node) : document.createTextNode(String(child)))
  }
}

/** Replaces an element's content. */
export const fill = (parent: Element, ...children: Array<Child>) => {
  parent.replaceChildren()
  append(parent, children)
}

/** A table with a header row; `empty` is shown as the only row when there are no rows. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Child>>, empty: string) =>
  h("div", { class: "table-wrap" },
    h("table", {},
      h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, rows.length === 0
        ? h("tr", {}, h("td", { colspan: headers.length, class: "muted" }, empty))
        : rows.map((cells) => h("tr", {}, cells.map((cell, i) => h("td", { "data-label": headers[i] ?? "" }, cell)))))))

/** Key/value pairs as a definition list. */
export const facts = (pairs: ReadonlyArray<readonly [string, Child]>) =>
  h("dl", { class: "facts" }, pairs.map(([key, value]) => [h("dt", {}, key), h("dd", {}, value)]))

export const when = (ms: number | null | undefined): string => {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) return "—"
  return new Date(ms).toLocaleString()
}

export const duration = (ms: number | null | undefined): string => {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "—"
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
}

export const str = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value))

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

export const list = (value: unknown): ReadonlyArray<Record<string, unknown>> => (Array.isArray(value) ? value.filter(isRecord) : [])
