#!/usr/bin/env node
import { answerQuickly } from "./quickAnswer.js"

// The entry for `npm run dev` (tsx, from source). The installed `openclaw` is bin.ts, which loads the same
// command tree from the bundle with its V8 code cache.
if (!answerQuickly(process.argv.slice(2))) {
  const { main } = await import("./app.js")
  main(process.argv)
}
