/** Result of `${VAR}` substitution: the resolved value and the names that were not set. */
export interface Substituted {
  readonly value: unknown
  readonly missing: ReadonlyArray<string>
}

const PATTERN = /\$?\$\{([A-Z_][A-Z0-9_]*)\}/g

/**
 * Replaces `${VAR}` in every string with the variable's value. `$${VAR}` stays as the literal
 * `${VAR}`; an unset variable is left literal and reported.
 */
export const substituteEnv = (value: unknown, env: Readonly<Record<string, string | undefined>>): Substituted => {
  const missing = new Set<string>()
  const visit = (node: unknown): unknown => {
    if (typeof node === "string") {
      if (!node.includes("${")) return node
      return node.replace(PATTERN, (match, name: string) => {
        if (match.startsWith("$$")) return match.slice(1)
        const found = env[name]
        if (found === undefined) {
          missing.add(name)
          return match
        }
        return found
      })
    }
    if (Array.isArray(node)) return node.map(visit)
    if (typeof node === "object" && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]))
    }
    return node
  }
  const result = visit(value)
  return { value: result, missing: [...missing] }
}
