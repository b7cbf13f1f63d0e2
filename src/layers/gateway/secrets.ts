import { createHash, timingSafeEqual } from "node:crypto"

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest()

// The configured secret's digest, kept while the secret stays the same: every connect compares against it.
let expectedDigest: { readonly secret: string; readonly digest: Buffer } | undefined

/** Constant-time secret comparison: hashing first makes the lengths equal, so length leaks nothing. */
export const secretEquals = (presented: string, expected: string): boolean => {
  if (expectedDigest?.secret !== expected) expectedDigest = { secret: expected, digest: sha256(expected) }
  return timingSafeEqual(sha256(presented), expectedDigest.digest)
}
