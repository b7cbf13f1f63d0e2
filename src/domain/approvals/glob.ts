/**
 * Allowlist globs: `**` spans directories, `*` and `?` stay within one path component, a leading `~`
 * is the home directory. Everything else is literal (no character classes: `[` is an ordinary char).
 */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")

export const globToRegExp = (glob: string): RegExp => {
  let source = ""
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` also matches no directory at all.
        if (glob[i + 2] === "/") {
          source += "(?:.*/)?"
          i += 2
        } else {
          source += ".*"
          i += 1
        }
      } else source += "[^/]*"
    } else if (c === "?") source += "[^/]"
    else source += escapeRegExp(c)
  }
  return new RegExp(`^${source}$`)
}

/** `~` and `~/...` become the home directory. */
export const expandHome = (pattern: string, home: string): string =>
  pattern === "~" ? home : pattern.startsWith("~/") ? `${home.replace(/\/+$/, "")}/${pattern.slice(2)}` : pattern

export const globMatches = (glob: string, text: string): boolean => globToRegExp(glob).test(text)
