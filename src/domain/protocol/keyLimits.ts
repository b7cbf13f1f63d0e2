/**
 * The longest client-chosen key (UTF-8 bytes) the gateway keeps: session keys name entries of
 * `sessions.json`, idempotency keys entries of the run table. A 2 MB key is a payload, not a name.
 */
export const MAX_KEY_BYTES = 512

/** Why `value` is too long for the `field` it was sent in (naming the limit), or undefined when it fits. */
export const keyLengthProblem = (field: string, value: string | undefined, maxBytes: number = MAX_KEY_BYTES): string | undefined => {
  if (value === undefined || value.length <= maxBytes / 3) return undefined
  const bytes = Buffer.byteLength(value, "utf8")
  return bytes <= maxBytes ? undefined : `${field} is too long (${bytes} bytes; the limit is ${maxBytes})`
}
