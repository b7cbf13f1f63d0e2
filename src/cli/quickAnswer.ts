import { VERSION } from "../domain/BuildInfo.js"
import { rootHelp } from "./rootHelp.js"
import { splitRootOptions } from "./rootOptions.js"

/**
 * Answers `openclaw --version` and the root help without the command tree: scripts call them often and
 * they should cost no more than starting Node. False when argv needs the command tree.
 */
export const answerQuickly = (args: ReadonlyArray<string>): boolean => {
  const { rest } = splitRootOptions(args)
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V" || args[0] === "-v")) {
    process.stdout.write(`OpenClaw ${VERSION} (clawgate)\n`)
    return true
  }
  if (rest.length === 0 || (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h"))) {
    process.stdout.write(rootHelp(VERSION))
    return true
  }
  return false
}
