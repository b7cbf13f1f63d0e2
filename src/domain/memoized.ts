/**
 * `f` remembered for its first `limit` distinct keys: for keys drawn from a small set (names in code, agents
 * on disk). Keys past the limit are computed each time, so input from outside cannot grow the memory.
 */
export const memoized = <A>(f: (key: string) => A, limit: number) => {
  const known = new Map<string, A>()
  return (key: string): A => {
    let result = known.get(key)
    if (result === undefined) {
      result = f(key)
      if (known.size < limit) known.set(key, result)
    }
    return result
  }
}
