// Bundles the CLI into dist/ with esbuild, in two files: openclaw.mjs (the bin: answers `--version` and the
// root help by itself) and openclaw-cli.cjs (the command tree, one CommonJS script so the bin can compile
// it with a V8 code cache, openclaw-cli.cjs.v8cache, trained here on the read-only commands).
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { READ_ONLY_COMMANDS } from "./readOnlyCommands.mjs"
import { bundleUi } from "./bundleUi.mjs"

const common = { bundle: true, minify: true, platform: "node", target: "node20", logLevel: "warning" }

// @effect/cli imports YAML, TOML and INI parsers for `Options.fileParse`, which no command uses; bundled,
// they are evaluated on every start. They resolve to one module that says so if it is ever called.
const unusedFileParsers = {
  name: "unused-file-parsers",
  setup(build) {
    build.onResolve({ filter: /^(yaml|toml|ini)$/ }, (args) =>
      args.importer.includes("@effect/cli") ? { path: args.path, namespace: "unused-file-parser" } : undefined)
    build.onLoad({ filter: /.*/, namespace: "unused-file-parser" }, (args) => ({
      contents: `export const parse = () => { throw new Error("${args.path} files are not supported") }`,
      loader: "js"
    }))
  }
}

/** Builds a bin (ESM) and the CommonJS bundle it loads with a code cache; bench/cli-start builds its floor program with it too. */
export const bundleBinAndApp = ({ bin, app, binOut, appOut }) =>
  Promise.all([
    build({ ...common, entryPoints: [bin], format: "esm", outfile: binOut }),
    // The command tree's dynamic imports become lazily initialised modules inside this one file.
    build({ ...common, entryPoints: [app], format: "cjs", outfile: appOut, external: ["bufferutil", "utf-8-validate", "playwright-core"], plugins: [unusedFileParsers] })
  ])

export const bundleCli = async () => {
  // Chunks of the older split build would linger beside the new files.
  rmSync("dist/chunks", { recursive: true, force: true })
  rmSync("dist/openclaw-cli.cjs.v8cache", { force: true })
  await bundleBinAndApp({ bin: "src/cli/bin.ts", app: "src/cli/app.ts", binOut: "dist/openclaw.mjs", appOut: "dist/openclaw-cli.cjs" })
  // The entry starts with `#!/usr/bin/env node`: executable, it runs as `openclaw` from a global install's bin link.
  chmodSync("dist/openclaw.mjs", 0o755)
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/**
 * Writes the code cache: each read-only command runs once on a scratch home (no gateway answering) and
 * adds the functions it compiled, so every command starts with its code already compiled.
 */
export const trainCodeCache = async () => {
  const home = mkdtempSync(join(tmpdir(), "clawgate-cache-"))
  try {
    mkdirSync(join(home, ".openclaw"))
    const config = { gateway: { mode: "local", port: await freePort(), auth: { mode: "token", token: "code-cache-training-token" } }, logging: { file: join(home, "gateway.log") } }
    writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config))
    const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home, OPENCLAW_CODE_CACHE: "refresh" }
    for (const { args } of READ_ONLY_COMMANDS) spawnSync(process.execPath, ["dist/openclaw.mjs", ...args], { env, stdio: "ignore", timeout: 30_000 })
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await Promise.all([bundleCli(), bundleUi()])
  await trainCodeCache()
}
