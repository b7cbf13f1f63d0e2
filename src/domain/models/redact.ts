// Headers that never carry a secret; every other header value is shown as `***`.
const SAFE_HEADERS = new Set(["content-type", "accept", "anthropic-version", "anthropic-beta", "user-agent", "openai-beta"])

/** A copy of request headers fit for logs and `--json`: credentials and custom header values redacted. */
export const redactHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (SAFE_HEADERS.has(lower)) out[lower] = value
    else if (lower === "authorization") out[lower] = value.includes(" ") ? `${value.slice(0, value.indexOf(" "))} ***` : "***"
    else out[lower] = "***"
  }
  return out
}
