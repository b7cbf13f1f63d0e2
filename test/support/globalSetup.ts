import { build } from "esbuild"
import { execFileSync } from "node:child_process"

/** Tests that spawn processes run real bundles: the CLI, and the fixture children. */
export default async function setup() {
  execFileSync(process.execPath, ["scripts/bundle.mjs"], { stdio: "inherit" })
  await build({
    entryPoints: ["test/fixtures/configWriter.ts"],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outdir: "dist/test",
    outExtension: { ".js": ".mjs" },
    logLevel: "warning"
  })
}
