import { build } from "esbuild"
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * Tests that spawn processes run real bundles: the CLI, and the fixture children. Every temp dir a test
 * makes (and those of the processes it starts: gateways, Chromium's profiles) lands in one folder for the
 * run, removed at its end: a test that forgets its own, or a process killed mid-test, leaves nothing in /tmp.
 */
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
  const runTmp = mkdtempSync(join(tmpdir(), "clawgate-test-"))
  // os.tmpdir() reads TMPDIR; the workers and every child they spawn inherit it.
  process.env["TMPDIR"] = runTmp
  return () => rmSync(runTmp, { recursive: true, force: true })
}
