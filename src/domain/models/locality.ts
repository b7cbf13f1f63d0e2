/** True for loopback, private-LAN and `.local` hosts: local model servers that may run without a key. */
export const isLocalBaseUrl = (baseUrl: string): boolean => {
  let host: string
  try {
    host = new URL(baseUrl).hostname.toLowerCase()
  } catch {
    return false
  }
  if (host.startsWith("[")) host = host.slice(1, -1)
  if (host === "localhost" || host === "::1" || host.endsWith(".local")) return true
  const parts = host.split(".").map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false
  const [a = 0, b = 0] = parts
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254)
}

/** Chat Completions endpoints other than OpenAI's own (spec 1.2 "non-native"). */
export const isNativeOpenAi = (baseUrl: string): boolean => {
  try {
    return new URL(baseUrl).hostname.toLowerCase() === "api.openai.com"
  } catch {
    return false
  }
}
