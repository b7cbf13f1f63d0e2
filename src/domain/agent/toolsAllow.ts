/**
 * Whether a per-run tool allow-list (a cron job's `--tools`) lets a tool through: no list, or a `*`
 * entry, allows every tool; otherwise names match case-insensitively.
 */
export const toolAllowed = (allow: ReadonlyArray<string> | undefined, name: string): boolean => {
  if (allow === undefined) return true
  const wanted = name.trim().toLowerCase()
  return allow.some((entry) => {
    const e = entry.trim().toLowerCase()
    return e === "*" || e === wanted
  })
}

/** The tools of `all` the allow-list lets through, in their order. */
export const allowedTools = <T extends { readonly name: string }>(all: ReadonlyArray<T>, allow: ReadonlyArray<string> | undefined): ReadonlyArray<T> =>
  allow === undefined ? all : all.filter((tool) => toolAllowed(allow, tool.name))
