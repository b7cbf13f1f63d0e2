// Boot code: runs before the command tree loads (see codeCache.ts for why it uses node:fs directly).
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { Script } from "node:vm"
import { codeCacheKey, readCodeCache, writeCodeCache } from "./codeCache.js"

/** `OPENCLAW_CODE_CACHE`: `off` neither reads nor writes the cache; `refresh` rewrites it after the run (the build's training runs). */
export type CodeCacheMode = "on" | "off" | "refresh"

export const codeCacheMode = (value: string | undefined): CodeCacheMode => (value === "off" || value === "refresh" ? value : "on")

/** Node's own CommonJS wrapper, on the bundle's first line so stack traces keep their line numbers. */
export const wrapCommonJs = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`

/** A loaded bundle: its exports, whether V8 took the cache, and how to write a fresh one. */
export interface LoadedBundle<Exports> {
  readonly exports: Exports
  readonly usedCache: boolean
  /** True when the cache should be (re)written once the run is over: missing, corrupt, made for another bundle or Node, or `refresh`. */
  readonly saveWanted: boolean
  /** Writes the cache; called after the run it also holds every function the run compiled. False when it cannot. */
  readonly saveCache: () => boolean
}

/**
 * Loads a CommonJS bundle as Node would, but compiled with V8's code cache at `cachePath`: Node 20 has no
 * compile cache for modules, and compiling the CLI's ~1.5 MB is most of its start time. A missing or
 * corrupt cache, or one made for another bundle or Node, is ignored (V8 compiles from source) and asks to
 * be replaced, so a Node upgrade costs one slow run. One V8 rejects (a run with other V8 flags, say) is
 * kept for the ordinary runs.
 */
export const loadBundle = <Exports>(bundlePath: string, cachePath: string, mode: CodeCacheMode): LoadedBundle<Exports> => {
  // Checksummed as read: the same key as its text's, without encoding 2 MB back to UTF-8 for it.
  const bytes = readFileSync(bundlePath)
  const key = codeCacheKey(bytes)
  const source = bytes.toString("utf8")
  const cachedData = mode === "off" ? undefined : readCodeCache(cachePath, key)
  const script = new Script(wrapCommonJs(source), {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData })
  })
  const module = { exports: {} }
  const wrapper = script.runInThisContext() as (...args: ReadonlyArray<unknown>) => void
  wrapper.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath))
  return {
    exports: module.exports as Exports,
    usedCache: cachedData !== undefined && script.cachedDataRejected !== true,
    saveWanted: mode === "refresh" || (mode === "on" && cachedData === undefined),
    saveCache: () => writeCodeCache(cachePath, key, script.createCachedData())
  }
}
