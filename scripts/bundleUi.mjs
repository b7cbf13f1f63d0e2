// Bundles the Control UI page (src/ui) into dist/control-ui: index.html, favicon.svg and content-hashed
// assets/*.js and *.css, each asset with precompressed .br and .gz siblings (the gateway serves those).
import { build } from "esbuild"
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { brotliCompressSync, constants, gzipSync } from "node:zlib"

const OUT = "dist/control-ui"

export const bundleUi = async () => {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(join(OUT, "assets"), { recursive: true })
  const result = await build({
    entryPoints: { app: "src/ui/main.ts" },
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: ["chrome120", "firefox120", "safari17"],
    outdir: join(OUT, "assets"),
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    metafile: true,
    logLevel: "warning"
  })
  const outputs = Object.keys(result.metafile.outputs).map((file) => file.slice(OUT.length + 1))
  const script = outputs.find((file) => file.endsWith(".js"))
  const style = outputs.find((file) => file.endsWith(".css"))
  if (script === undefined || style === undefined) throw new Error("control ui bundle: missing js or css output")
  // No inline script: the page is one external module, so the server's CSP needs no script hashes.
  const html = readFileSync("src/ui/index.html", "utf8")
    .replace("%SCRIPT%", `./${script}`)
    .replace("%STYLE%", `./${style}`)
  writeFileSync(join(OUT, "index.html"), html)
  writeFileSync(join(OUT, "favicon.svg"), readFileSync("src/ui/favicon.svg"))
  for (const name of readdirSync(join(OUT, "assets"))) {
    const file = join(OUT, "assets", name)
    const body = readFileSync(file)
    writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }))
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }))
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleUi()
