import path from "node:path"

/**
 * Where an upload may come from (the original's rule): the temp uploads root or the managed inbound
 * media dir, addressed as a path inside them or as `media://inbound/<id>`. Anything else (other host
 * files, `..` traversal, nested media refs) is refused, so a page cannot be handed the config or keys.
 * Returns the resolved path, or the reason it is refused. Symlinks are checked by the caller.
 */
export const resolveUploadPath = (raw: string, roots: { readonly uploads: string; readonly inbound: string }): { readonly path: string } | { readonly error: string } => {
  const refused = { error: `upload path not allowed: ${raw}. Put the file in ${roots.uploads}/ or use managed inbound media (media://inbound/<id>).` }
  const media = /^media:\/\/inbound\/([^/\\]+)$/.exec(raw)
  if (raw.startsWith("media://")) {
    const id = media?.[1]
    return id === undefined || id === "." || id === ".." ? refused : { path: path.join(roots.inbound, id) }
  }
  if (raw.split(/[/\\]/).includes("..")) return refused
  const resolved = path.resolve(raw)
  const inside = (root: string) => resolved.startsWith(`${path.resolve(root)}${path.sep}`)
  return inside(roots.uploads) || inside(roots.inbound) ? { path: resolved } : refused
}
