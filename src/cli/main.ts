import { VERSION } from "../domain/BuildInfo.js"

// `openclaw --version` is answered before anything else loads: scripts call it often and it should cost
// no more than starting Node. Everything else imports the command tree on demand.
const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V" || args[0] === "-v")) {
  process.stdout.write(`OpenClaw ${VERSION} (clawgate)\n`)
} else {
  const { main } = await import("./app.js")
  main(process.argv)
}
