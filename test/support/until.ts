/** Polls `probe` until it yields a value (not undefined), or fails naming `what` after `timeoutMs`. */
export const until = async <A>(what: string, probe: () => Promise<A | undefined> | A | undefined, timeoutMs = 10_000, everyMs = 100): Promise<A> => {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
