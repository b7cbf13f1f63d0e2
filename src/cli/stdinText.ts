import { Effect } from "effect"

/** Standard input is read once, whole, at most `maxBytes` (the one reader for every `-`/`--stdin` option). */
export const stdinText = (maxBytes: number, tooLarge: string): Effect.Effect<string, string> =>
  Effect.tryPromise({
    try: async () => {
      const chunks: Array<Buffer> = []
      let size = 0
      for await (const chunk of process.stdin) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
        size += buffer.length
        if (size > maxBytes) throw new Error(tooLarge)
        chunks.push(buffer)
      }
      return Buffer.concat(chunks).toString("utf8")
    },
    catch: (cause) => (cause instanceof Error ? cause.message : String(cause))
  })
