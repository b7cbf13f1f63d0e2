/** The placeholder shown instead of a secret value. */
export const REDACTED = "***"

// Keys whose string values are secrets. Paths to files holding secrets (`tokenFile`) are not secrets.
const SECRET_KEY = /token|password|secret|apikey|api_key|privatekey|credential|bearer|passphrase/i
const NOT_SECRET_KEY = /(file|path|dir|field|header)$/i

const isSecretKey = (key: string) => SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key)

/** A copy of `value` with every secret string replaced by `***`; SecretRef objects stay visible. */
export const redactSecrets = (value: unknown, key = ""): unknown => {
  if (typeof value === "string") return isSecretKey(key) ? REDACTED : value
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, key))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]))
  }
  return value
}
