import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Script } from "node:vm"
import { crc32 } from "node:zlib"
import { codeCacheKey, decodeCodeCache, encodeCodeCache } from "../../src/cli/boot/codeCache.js"
import { loadBundle, wrapCommonJs } from "../../src/cli/boot/loadBundle.js"

const BUNDLE = `"use strict"; const { join } = require("node:path"); module.exports = { joined: join("a", "b"), file: __filename, twice: (n) => 2 * n }`

interface Tiny {
  readonly joined: string
  readonly file: string
  readonly twice: (n: number) => number
}

/** A scratch dist/ holding a small CommonJS bundle; the cache path beside it does not exist yet. */
const scratchBundle = (source = BUNDLE) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-codecache-"))
  const bundle = path.join(dir, "bundle.cjs")
  fs.writeFileSync(bundle, source)
  return { bundle, cache: path.join(dir, "bundle.cjs.v8cache") }
}

const works = (loaded: { readonly exports: Tiny }, bundle: string) => {
  expect(loaded.exports.joined).toBe(path.join("a", "b"))
  expect(loaded.exports.file).toBe(bundle)
  expect(loaded.exports.twice(21)).toBe(42)
}

describe("the CLI bundle's V8 code cache", () => {
  it("a first run compiles from source and asks to write the cache; the next run uses it", () => {
    const { bundle, cache } = scratchBundle()
    const first = loadBundle<Tiny>(bundle, cache, "on")
    works(first, bundle)
    expect(first.usedCache).toBe(false)
    expect(first.saveWanted).toBe(true)
    expect(first.saveCache()).toBe(true)
    const second = loadBundle<Tiny>(bundle, cache, "on")
    works(second, bundle)
    expect(second.usedCache).toBe(true)
    expect(second.saveWanted).toBe(false)
  })

  it("a truncated, bit-flipped, foreign or empty cache file is ignored, and replaced", () => {
    const { bundle, cache } = scratchBundle()
    loadBundle<Tiny>(bundle, cache, "on").saveCache()
    const good = fs.readFileSync(cache)
    const flipped = Buffer.from(good)
    flipped[flipped.length - 10] = (flipped[flipped.length - 10] ?? 0) ^ 0xff
    for (const bad of [good.subarray(0, good.length - 100), flipped, Buffer.from("not a cache\n"), Buffer.alloc(0), Buffer.from("{\"format\":1}")]) {
      fs.writeFileSync(cache, bad)
      const loaded = loadBundle<Tiny>(bundle, cache, "on")
      works(loaded, bundle)
      expect(loaded.usedCache).toBe(false)
      expect(loaded.saveWanted).toBe(true)
    }
  })

  it("a cache made for another bundle of the same length is not handed to V8 (V8 itself checks only the length)", () => {
    const { bundle, cache } = scratchBundle()
    loadBundle<Tiny>(bundle, cache, "on").saveCache()
    const other = BUNDLE.replace("2 * n", "3 * n")
    expect(other.length).toBe(BUNDLE.length)
    fs.writeFileSync(bundle, other)
    const loaded = loadBundle<Tiny>(bundle, cache, "on")
    expect(loaded.usedCache).toBe(false)
    expect(loaded.exports.twice(2)).toBe(6)
  })

  it("the key is the same for a bundle's text and its bytes as read (a cache written either way is used)", () => {
    const source = `${BUNDLE} // ünïcode ✓`
    expect(codeCacheKey(Buffer.from(source, "utf8"))).toBe(codeCacheKey(source))
    const { bundle, cache } = scratchBundle(source)
    fs.writeFileSync(cache, encodeCodeCache(codeCacheKey(source), new Script(wrapCommonJs(source), { filename: bundle }).createCachedData()))
    expect(loadBundle<Tiny>(bundle, cache, "on").usedCache).toBe(true)
  })

  it("a well-formed file whose bytes V8 refuses runs from source and is kept for the ordinary runs", () => {
    const { bundle, cache } = scratchBundle()
    const source = fs.readFileSync(bundle, "utf8")
    fs.writeFileSync(cache, encodeCodeCache(codeCacheKey(source), Buffer.alloc(4096, 7)))
    const loaded = loadBundle<Tiny>(bundle, cache, "on")
    works(loaded, bundle)
    expect(loaded.usedCache).toBe(false)
    expect(loaded.saveWanted).toBe(false)
  })

  it("OPENCLAW_CODE_CACHE=off neither reads nor writes it; refresh rewrites a good one", () => {
    const { bundle, cache } = scratchBundle()
    loadBundle<Tiny>(bundle, cache, "on").saveCache()
    const off = loadBundle<Tiny>(bundle, cache, "off")
    expect([off.usedCache, off.saveWanted]).toEqual([false, false])
    const refresh = loadBundle<Tiny>(bundle, cache, "refresh")
    expect([refresh.usedCache, refresh.saveWanted]).toEqual([true, true])
  })

  it("a cache that cannot be written (read-only install) is skipped without an error", () => {
    const { bundle } = scratchBundle()
    const loaded = loadBundle<Tiny>(bundle, path.join(path.dirname(bundle), "missing-dir", "bundle.cjs.v8cache"), "on")
    expect(loaded.saveCache()).toBe(false)
  })

  it("a header that lies about the payload's checksum is refused", () => {
    const payload = Buffer.from("payload")
    const file = encodeCodeCache("k", payload)
    expect(decodeCodeCache(file, "k")).toEqual(payload)
    expect(decodeCodeCache(file, "other key")).toBeUndefined()
    const lying = Buffer.concat([Buffer.from(`${JSON.stringify({ format: "clawgate-v8-code-cache/1", key: "k", length: 7, crc: crc32(payload) + 1 })}\n`), payload])
    expect(decodeCodeCache(lying, "k")).toBeUndefined()
  })

  it("the built dist/ ships a cache V8 accepts for this bundle and this Node (the build trained it)", () => {
    const source = fs.readFileSync("dist/openclaw-cli.cjs", "utf8")
    const payload = decodeCodeCache(fs.readFileSync("dist/openclaw-cli.cjs.v8cache"), codeCacheKey(source))
    expect(payload).toBeDefined()
    const script = new Script(wrapCommonJs(source), { filename: "x", ...(payload === undefined ? {} : { cachedData: payload }) })
    expect(script.cachedDataRejected).toBe(false)
  })
})
