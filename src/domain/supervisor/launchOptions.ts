import * as path from "node:path"

const NODE_VERSIONED = /^node(?:-\d+|\d+)(?:\.\d+)*(?:\.exe)?$/

const basenameOf = (execPath: string) => {
  const trimmed = execPath.trim().replace(/^["']|["']$/g, "")
  const slash = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"))
  return (slash === -1 ? trimmed : trimmed.slice(slash + 1)).trim().toLowerCase()
}

/** `node`, `node.exe`, `nodejs`, `node22`, `node-22.1`: a path that names a Node executable (the original's test). */
export const isNodeRuntimePath = (execPath: string): boolean => {
  const base = basenameOf(execPath)
  return base === "node" || base === "node.exe" || base === "nodejs" || base === "nodejs.exe" || NODE_VERSIONED.test(base)
}

/**
 * What is wrong with `--runtime` / `--runtime-path` before any file is looked at, in the original's words;
 * undefined when they can be used. Bun is a runtime the original supports and this version does not.
 */
export const runtimeOptionProblem = (runtime: string | undefined, runtimePath: string | undefined): string | undefined => {
  if (runtime !== undefined && runtime !== "node" && runtime !== "bun") return `Invalid --runtime (use "node" or "bun")`
  if (runtime === "bun") return "--runtime bun: this version of Clawgate runs on Node only; use --runtime node (or leave it out)"
  if (runtimePath === undefined) return undefined
  const value = runtimePath.trim()
  if (value === "" || !path.isAbsolute(value) || /[\0\r\n]/.test(value)) return "--runtime-path must be an absolute executable path."
  if (!isNodeRuntimePath(value)) return `--runtime-path must name a node executable: ${path.normalize(value)}`
  return undefined
}
