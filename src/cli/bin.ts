#!/usr/bin/env node
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { codeCacheMode, runBundle } from "./boot/runBundle.js"
import { answerQuickly } from "./quickAnswer.js"

// The installed `openclaw` (dist/openclaw.mjs). `--version` and the root help load nothing more; every
// other command runs the command tree from dist/openclaw-cli.cjs, compiled with its V8 code cache.
if (!answerQuickly(process.argv.slice(2))) {
  const dist = dirname(fileURLToPath(import.meta.url))
  const app = runBundle<typeof import("./app.js")>(join(dist, "openclaw-cli.cjs"), join(dist, "openclaw-cli.cjs.v8cache"), codeCacheMode(process.env.OPENCLAW_CODE_CACHE))
  app.main(process.argv)
}
