#!/usr/bin/env node
import { VERSION } from "../domain/BuildInfo.js"
import { splitRootOptions } from "./rootOptions.js"

// `openclaw --version` and the root help are answered before anything else loads: scripts call them
// often and they should cost no more than starting Node. Everything else imports the command tree on demand.
const args = process.argv.slice(2)
const { rest } = splitRootOptions(args)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V" || args[0] === "-v")) {
  process.stdout.write(`OpenClaw ${VERSION} (clawgate)\n`)
} else if (rest.length === 0 || (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h"))) {
  const { rootHelp } = await import("./rootHelp.js")
  process.stdout.write(rootHelp(VERSION))
} else {
  const { main } = await import("./app.js")
  main(process.argv)
}
