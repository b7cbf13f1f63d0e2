// Boot code: runs before the command tree loads (see codeCache.ts for why it uses node:fs directly).
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { Script } from "node:vm"
import { codeCacheKey, readCodeCache, writeCodeCache } from "./codeCache.js"

/** `OPENCLAW_CODE_CACHE`: `off` neither reads nor writes the cache; `refresh` rewrites it after the run (the build's training runs). */
export type CodeCacheMode = "on" | "off" | "refresh"

export const codeCacheMode = (value: string | undefined): CodeCacheMode => (value === "off" || value === "refresh" ? value : "on")

/**
 * Loads a CommonJS bundle as Node would, but compiled with V8's code cache at `cachePath`: Node 20 has no
 * compile cache for modules, and compiling the CLI's ~1.6 MB is most of its start time. A missing,
 * corrupt or mismatched cache is ignored (V8 compiles from source) and replaced at exit, best effort, so
 * a Node upgrade costs one slow run. Returns the bundle's exports.
 */
export const runBundle = <Exports>(bundlePath: string, cachePath: string, mode: CodeCacheMode): Exports => {
  const source = readFileSync(bundlePath, "utf8")
  const key = codeCacheKey(source)
  const cachedData = mode === "off" ? undefined : readCodeCache(cachePath, key)
  // Node's own CommonJS wrapper, on the first line so stack traces keep their line numbers.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData })
  })
  const stale = cachedData === undefined || script.cachedDataRejected === true
  // At exit the cache also holds every function this run compiled, not only the top level.
  if (mode === "refresh" || (mode === "on" && stale)) process.once("exit", () => writeCodeCache(cachePath, key, script.createCachedData()))
  const module = { exports: {} }
  const wrapper = script.runInThisContext() as (...args: ReadonlyArray<unknown>) => void
  wrapper.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath))
  return module.exports as Exports
}
