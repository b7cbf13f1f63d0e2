import * as path from "node:path"

// CommonJS (the CLI bundle) and vitest's module wrapper define these; plain ESM does not.
declare const __filename: string | undefined
declare const __dirname: string | undefined

/**
 * Where the bundled Control UI lives: `dist/control-ui` beside the CLI bundle (`dist/openclaw-cli.cjs`).
 * From source runs (tsx, vitest: this file is `src/layers/gateway/controlUi/defaultRoot.ts`) it is the
 * repository's `dist/control-ui`, which `node scripts/bundle.mjs` writes.
 */
export const controlUiRootFor = (moduleFile: string | undefined, cwd: string): string => {
  if (moduleFile === undefined) return path.join(cwd, "dist", "control-ui")
  const dir = path.dirname(moduleFile)
  const sourceSuffix = path.join("src", "layers", "gateway", "controlUi")
  if (dir.endsWith(sourceSuffix)) return path.join(dir.slice(0, -sourceSuffix.length), "dist", "control-ui")
  return path.join(dir, "control-ui")
}

export const defaultControlUiRoot = (): string =>
  controlUiRootFor(typeof __filename === "string" ? __filename : typeof __dirname === "string" ? path.join(__dirname, "x.js") : undefined, process.cwd())
