// Boot code: it runs before the command tree loads, so it uses node:fs directly (Effect's FileSystem would
// cost the start time this file exists to save). Nothing here may throw: a cache is only ever a speed-up.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { crc32 } from "node:zlib"

const FORMAT = "clawgate-v8-code-cache/1"

/**
 * What a code cache is made for: this exact bundle text, this Node (and so V8) build and CPU architecture.
 * V8 checks only the source's length, so the bundle's checksum is ours to check; V8 flags it checks itself.
 */
export const codeCacheKey = (source: string | Uint8Array): string => [crc32(source).toString(16), process.version, process.arch].join("|")

/** A cache file: one JSON header line (format, key, payload length and checksum), then V8's bytes. */
export const encodeCodeCache = (key: string, payload: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`${JSON.stringify({ format: FORMAT, key, length: payload.length, crc: crc32(payload) })}\n`), payload])

/** V8's bytes when `file` is a whole, uncorrupted cache made for `key`; undefined for anything else. */
export const decodeCodeCache = (file: Buffer, key: string): Buffer | undefined => {
  const newline = file.indexOf(10)
  if (newline < 0 || newline > 4096) return undefined
  let header: unknown
  try {
    header = JSON.parse(file.subarray(0, newline).toString("utf8"))
  } catch {
    return undefined
  }
  const payload = file.subarray(newline + 1)
  if (typeof header !== "object" || header === null) return undefined
  const { format, key: made, length, crc } = header as Record<string, unknown>
  return format === FORMAT && made === key && length === payload.length && crc === crc32(payload) ? payload : undefined
}

/** The cache at `path` for `key`, or undefined (missing, unreadable, corrupt or made for something else). */
export const readCodeCache = (path: string, key: string): Buffer | undefined => {
  try {
    return decodeCodeCache(readFileSync(path), key)
  } catch {
    return undefined
  }
}

/** Replaces the cache at `path` whole (temp file, rename); false when it cannot (a read-only install). */
export const writeCodeCache = (path: string, key: string, payload: Buffer): boolean => {
  const temp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temp, encodeCodeCache(key, payload))
    renameSync(temp, path)
    return true
  } catch {
    rmSync(temp, { force: true })
    return false
  }
}
