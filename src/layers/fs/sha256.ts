import { createHash } from "node:crypto"

/** Hex sha256 of a UTF-8 text: the content hash stores compare before they write. */
export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex")
