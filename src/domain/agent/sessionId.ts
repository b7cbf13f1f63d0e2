import { truncateEcho } from "../text/truncateEcho.js"

// A letter or digit, then letters, digits, marks, `.`, `_` or `-`: a plain file name, never a path.
const SAFE_SESSION_ID = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}._-]{0,127}$/u

/**
 * Why `sessionId` cannot name a transcript file (`<sessionId>.jsonl` in the agent's sessions folder),
 * or undefined when it can. The rule is the original's: no separators, no leading dot, NFC, 255 bytes.
 */
export const sessionIdProblem = (sessionId: string): string | undefined => {
  const trimmed = sessionId.trim()
  const safe = trimmed === trimmed.normalize("NFC") && SAFE_SESSION_ID.test(trimmed) && Buffer.byteLength(`${trimmed}.jsonl`, "utf8") <= 255
  return safe ? undefined : `Invalid session ID: ${truncateEcho(sessionId)}`
}

/** A transcript file name read back from the index must be a bare name in the sessions folder. */
export const isBareFileName = (name: string) => name !== "" && !/[\\/]/.test(name) && name !== "." && name !== ".." && !name.startsWith(".")
