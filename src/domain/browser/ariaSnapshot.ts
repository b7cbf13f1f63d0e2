import { Schema } from "effect"

/** An `AXValue` of CDP's Accessibility domain; only its `value` is read. */
const AxValue = Schema.Struct({ value: Schema.optional(Schema.Unknown) })

/** The part of a CDP `AXNode` the aria snapshot reads (Chromium sends more; extra keys are ignored). */
export const AxNode = Schema.Struct({
  nodeId: Schema.String,
  ignored: Schema.optional(Schema.Boolean),
  role: Schema.optional(AxValue),
  name: Schema.optional(AxValue),
  value: Schema.optional(AxValue),
  description: Schema.optional(AxValue),
  childIds: Schema.optional(Schema.Array(Schema.String)),
  backendDOMNodeId: Schema.optional(Schema.Number)
})
export type AxNode = typeof AxNode.Type

/** `Accessibility.getFullAXTree`'s answer. */
export const FullAxTree = Schema.Struct({ nodes: Schema.Array(AxNode) })

/** One line of an `aria` snapshot, as the original's `/snapshot?format=aria` returns it in `nodes`. */
export const AriaNode = Schema.Struct({
  ref: Schema.String,
  role: Schema.String,
  name: Schema.String,
  value: Schema.optionalWith(Schema.String, { exact: true }),
  description: Schema.optionalWith(Schema.String, { exact: true }),
  backendDOMNodeId: Schema.optionalWith(Schema.Number, { exact: true }),
  depth: Schema.Number
})
export type AriaNode = typeof AriaNode.Type

/** The original's default and bounds for `limit` of an aria snapshot. */
export const ARIA_LIMIT = { default: 500, min: 1, max: 2000 } as const

/** An aria snapshot's `limit` as the original clamps it (a non-integer falls back to the default). */
export const ariaLimit = (raw: number | undefined) =>
  raw === undefined || !Number.isFinite(raw) ? ARIA_LIMIT.default : Math.min(ARIA_LIMIT.max, Math.max(ARIA_LIMIT.min, Math.trunc(raw)))

const text = (v: { readonly value?: unknown } | undefined) => {
  const value = v?.value
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : ""
}

/**
 * Chromium's full accessibility tree as the original formats it: depth-first from the root (the node
 * no other node lists as a child), ignored nodes included, each node numbered `ax1`, `ax2`, ... in
 * visiting order, at most `limit` nodes.
 */
export const formatAriaSnapshot = (nodes: ReadonlyArray<AxNode>, limit: number): ReadonlyArray<AriaNode> => {
  const byId = new Map(nodes.filter((n) => n.nodeId !== "").map((n) => [n.nodeId, n]))
  const referenced = new Set(nodes.flatMap((n) => n.childIds ?? []))
  const root = nodes.find((n) => n.nodeId !== "" && !referenced.has(n.nodeId)) ?? nodes[0]
  if (root === undefined || root.nodeId === "") return []
  const out: Array<AriaNode> = []
  const stack: Array<{ readonly id: string; readonly depth: number }> = [{ id: root.nodeId, depth: 0 }]
  while (stack.length > 0 && out.length < limit) {
    const { id, depth } = stack.pop()!
    const node = byId.get(id)
    if (node === undefined) continue
    const value = text(node.value)
    const description = text(node.description)
    out.push({
      ref: `ax${out.length + 1}`,
      role: text(node.role) || "unknown",
      name: text(node.name),
      ...(value === "" ? {} : { value }),
      ...(description === "" ? {} : { description }),
      ...(node.backendDOMNodeId === undefined ? {} : { backendDOMNodeId: node.backendDOMNodeId }),
      depth
    })
    const children = node.childIds ?? []
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]
      if (child !== undefined && byId.has(child)) stack.push({ id: child, depth: depth + 1 })
    }
  }
  return out
}

/** The original CLI's text form of an aria snapshot: `- role "name" = "value" [ref=axN]`, two spaces a level (at most 20). */
export const renderAriaNodes = (nodes: ReadonlyArray<Pick<AriaNode, "ref" | "role" | "name" | "value" | "depth">>): string =>
  nodes.map((n) => `${"  ".repeat(Math.min(20, n.depth))}- ${n.role}${n.name ? ` "${n.name}"` : ""}${n.value ? ` = "${n.value}"` : ""} [ref=${n.ref}]`).join("\n")

/** Whether a ref names a node of an aria snapshot (`ax12`) rather than an `ai` one (`12`, `e12`). */
export const isAriaRef = (ref: string) => /^ax\d+$/.test(ref.trim())
