/** How `--node <idOrNameOrIp>` picks a node: exact id, then display name, then IP, then a unique id prefix. */
export interface NodeRef {
  readonly nodeId: string
  readonly displayName?: string | undefined
  readonly remoteIp?: string | undefined
  readonly connected?: boolean
}

export type NodeMatch<N> = { readonly ok: true; readonly node: N } | { readonly ok: false; readonly message: string }

export const resolveNode = <N extends NodeRef>(query: string, nodes: ReadonlyArray<N>): NodeMatch<N> => {
  const q = query.trim()
  const lower = q.toLowerCase()
  const pick = (found: ReadonlyArray<N>): NodeMatch<N> | undefined => {
    if (found.length === 0) return undefined
    // Several records of one name: the connected one is meant.
    const connected = found.filter((n) => n.connected === true)
    const unique = found.length === 1 ? found : connected.length === 1 ? connected : undefined
    if (unique !== undefined) return { ok: true, node: unique[0] as N }
    return { ok: false, message: `ambiguous node: ${q} (matches ${found.map((n) => n.nodeId).join(", ")})` }
  }
  if (q.length === 0) return { ok: false, message: "unknown node: (empty)" }
  return pick(nodes.filter((n) => n.nodeId === q)) ??
    pick(nodes.filter((n) => n.displayName?.toLowerCase() === lower)) ??
    pick(nodes.filter((n) => n.remoteIp === q)) ??
    pick(nodes.filter((n) => n.nodeId.startsWith(lower) && lower.length >= 4)) ??
    { ok: false, message: `unknown node: ${q}` }
}
