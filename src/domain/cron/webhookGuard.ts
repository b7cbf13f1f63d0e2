import { isPrivateHost } from "../browser/ssrf.js"

/** `cron.webhookSsrfPolicy`: which private targets automation webhooks may reach (none by default). */
export interface WebhookSsrfPolicy {
  readonly allowedHostnames?: ReadonlyArray<string> | undefined
  readonly dangerouslyAllowPrivateNetwork?: boolean | undefined
  readonly allowRfc2544BenchmarkRange?: boolean | undefined
  readonly allowIpv6UniqueLocalRange?: boolean | undefined
}

const bare = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "")

/** 198.18.0.0/15, the benchmark range some fake-IP proxies hand out. */
const isBenchmarkRange = (host: string) => /^198\.(18|19)\.\d{1,3}\.\d{1,3}$/.test(host)
const isUniqueLocalV6 = (host: string) => /^f[cd][0-9a-f]{0,2}:/.test(host)

const allowedByName = (host: string, policy: WebhookSsrfPolicy | undefined) =>
  policy?.dangerouslyAllowPrivateNetwork === true || (policy?.allowedHostnames ?? []).some((h) => bare(h) === host)

/** Why an address (or a literal host) is off limits under the policy, or undefined. */
const addressProblem = (address: string, policy: WebhookSsrfPolicy | undefined): string | undefined => {
  const host = bare(address)
  if (isBenchmarkRange(host)) return policy?.allowRfc2544BenchmarkRange === true ? undefined : "a benchmark-range (198.18.0.0/15) address"
  if (isUniqueLocalV6(host)) return policy?.allowIpv6UniqueLocalRange === true ? undefined : "an IPv6 unique-local address"
  return isPrivateHost(host) ? "a private-network address" : undefined
}

const refusal = (host: string, what: string) =>
  `webhook blocked by SSRF policy: ${host} ${what}. Allow it with cron.webhookSsrfPolicy.allowedHostnames (e.g. ["${host}"]) or cron.webhookSsrfPolicy.dangerouslyAllowPrivateNetwork: true.`

/** Why a webhook URL may not be posted to (scheme, or a private literal host), or undefined. */
export const webhookUrlProblem = (raw: string, policy: WebhookSsrfPolicy | undefined): string | undefined => {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return `webhook URL is not valid: ${raw}`
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `webhook URL must be http(s), got: ${url.protocol.replace(/:$/, "")}`
  const host = bare(url.hostname)
  if (allowedByName(host, policy)) return undefined
  const problem = addressProblem(host, policy)
  return problem === undefined ? undefined : refusal(host, `is ${problem}`)
}

/**
 * Why a webhook host may not be posted to once resolved: a name is private when any of its addresses
 * is (it must not reach the private network through DNS), unless the policy names it.
 */
export const resolvedWebhookProblem = (rawHost: string, addresses: ReadonlyArray<string>, policy: WebhookSsrfPolicy | undefined): string | undefined => {
  const host = bare(rawHost)
  if (allowedByName(host, policy)) return undefined
  for (const address of addresses) {
    const problem = addressProblem(address, policy)
    if (problem !== undefined) return refusal(host, `resolves to ${problem} (${address})`)
  }
  return addresses.length === 0 ? `webhook host ${host} did not resolve to any address` : undefined
}
