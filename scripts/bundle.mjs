// Bundles the CLI into dist/ with esbuild. Code splitting keeps `openclaw --version` from loading the
// command tree: main.js answers it before importing the rest.
import { build } from "esbuild"
import { chmodSync } from "node:fs"

const banner = "import { createRequire as __ocCreateRequire } from 'node:module'; const require = __ocCreateRequire(import.meta.url);"

export const bundleCli = () =>
  build({
    entryPoints: { openclaw: "src/cli/main.ts" },
    bundle: true,
    splitting: true,
    minify: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    external: ["bufferutil", "utf-8-validate"],
    banner: { js: banner },
    logLevel: "warning"
  })

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleCli()
  // The entry starts with `#!/usr/bin/env node`: executable, it runs as `openclaw` from a global install's bin link.
  chmodSync("dist/openclaw.mjs", 0o755)
}
