import { isRecord } from "../isRecord.js"
/**
 * Spec 1.2 rule 6: tool-call ids are cut at the first `|`, limited to `[A-Za-z0-9_-]` (other
 * characters become `_`) and to 40 characters, so every backend accepts them and replays match.
 */
export const sanitizeToolCallId = (id: string, maxLength = 40): string => {
  const cut = id.includes("|") ? id.slice(0, id.indexOf("|")) : id
  const clean = cut.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, maxLength)
  return clean === "" ? "call" : clean
}

/** Removes the JSON Schema keywords a backend rejects, at every depth. */
export const stripSchemaKeywords = (schema: unknown, keywords: ReadonlyArray<string>): unknown => {
  if (keywords.length === 0) return schema
  if (Array.isArray(schema)) return schema.map((item) => stripSchemaKeywords(item, keywords))
  if (typeof schema !== "object" || schema === null) return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    // Keys under `properties` are property names, not keywords.
    if (key === "properties" && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, stripSchemaKeywords(sub, keywords)]))
    } else if (!keywords.includes(key)) out[key] = stripSchemaKeywords(value, keywords)
  }
  return out
}

/** The system-prompt note for models that must not be offered tools (`compat.supportsTools: false`). */
export const TOOL_AVAILABILITY_NOTE =
  "## Tool availability\nNo tools are available in this conversation. Do not claim to call, run or have used any tool; answer directly from what you know and what the user provided."

/** The system prompt with the tool-availability note appended. */
export const withToolNote = (system: string | undefined): string =>
  system === undefined || system.trim() === "" ? TOOL_AVAILABILITY_NOTE : `${system}\n\n${TOOL_AVAILABILITY_NOTE}`
