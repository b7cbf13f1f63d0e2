import { Buffer } from "node:buffer"

/** How much of a client-given value an error reply or a log line repeats back. */
export const ECHO_MAX_BYTES = 256

/**
 * `text` cut to `maxBytes` of UTF-8 (never inside a character), with a marker saying how much was cut,
 * so a hostile 5 MB value costs a few hundred bytes in a reply or a log line.
 */
export const truncateEcho = (text: string, maxBytes: number = ECHO_MAX_BYTES): string => {
  // Cheap exit for the common case: UTF-8 never takes more than 3 bytes per UTF-16 code unit.
  if (text.length * 3 <= maxBytes) return text
  const total = Buffer.byteLength(text, "utf8")
  if (total <= maxBytes) return text
  let bytes = 0
  let end = 0
  for (const char of text) {
    const size = Buffer.byteLength(char, "utf8")
    if (bytes + size > maxBytes) break
    bytes += size
    end += char.length
  }
  return `${text.slice(0, end)}…[${total - bytes} more bytes cut]`
}
