import { createHash, timingSafeEqual } from "node:crypto"

/** Constant-time secret comparison: hashing first makes the lengths equal, so length leaks nothing. */
export const secretEquals = (presented: string, expected: string): boolean =>
  timingSafeEqual(createHash("sha256").update(presented, "utf8").digest(), createHash("sha256").update(expected, "utf8").digest())
