// The floor's bin, loading its bundle with a V8 code cache exactly as dist/openclaw.mjs loads the CLI's.
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { codeCacheMode, loadBundle } from "../../src/cli/boot/loadBundle.js"

const dist = dirname(fileURLToPath(import.meta.url))
const bundle = loadBundle<typeof import("./app.js")>(join(dist, "floor-cli.cjs"), join(dist, "floor-cli.cjs.v8cache"), codeCacheMode(process.env.OPENCLAW_CODE_CACHE))
if (bundle.saveWanted) process.once("exit", bundle.saveCache)
bundle.exports.main(process.argv)
