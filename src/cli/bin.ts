#!/usr/bin/env node
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { codeCacheMode, loadBundle } from "./boot/loadBundle.js"
import { answerQuickly } from "./quickAnswer.js"

// The installed `openclaw` (dist/openclaw.mjs). `--version` and the root help load nothing more; every
// other command runs the command tree from dist/openclaw-cli.cjs, compiled with its V8 code cache.
if (!answerQuickly(process.argv.slice(2))) {
  const dist = dirname(fileURLToPath(import.meta.url))
  const bundle = loadBundle<typeof import("./app.js")>(join(dist, "openclaw-cli.cjs"), join(dist, "openclaw-cli.cjs.v8cache"), codeCacheMode(process.env.OPENCLAW_CODE_CACHE))
  // Best effort, at exit: a read-only install keeps compiling from source.
  if (bundle.saveWanted) process.once("exit", bundle.saveCache)
  bundle.exports.main(process.argv)
}
