import { Effect, Either } from "effect"
import { lookup } from "node:dns/promises"
import { isIP } from "node:net"
import { resolvedWebhookProblem, type WebhookSsrfPolicy, webhookUrlProblem } from "../../domain/cron/webhookGuard.js"

const WEBHOOK_TIMEOUT_MS = 10_000

/** What a webhook POST came to: delivered (2xx), or why not. */
export type WebhookResult = { readonly ok: true } | { readonly ok: false; readonly error: string }

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * POSTs JSON to an automation webhook under the SSRF policy: the URL and every address its host
 * resolves to are checked first (private targets refused unless `cron.webhookSsrfPolicy` allows them),
 * then the body goes out with the bearer token if one is configured, within 10 s.
 */
export const postWebhook = (input: {
  readonly url: string
  readonly body: unknown
  readonly token?: string | undefined
  readonly policy?: WebhookSsrfPolicy | undefined
}): Effect.Effect<WebhookResult> =>
  Effect.gen(function*() {
    const urlProblem = webhookUrlProblem(input.url, input.policy)
    if (urlProblem !== undefined) return { ok: false as const, error: urlProblem }
    const url = new URL(input.url.trim())
    const host = url.hostname.replace(/^\[|\]$/g, "")
    if (isIP(host) === 0) {
      const resolved = yield* Effect.either(Effect.tryPromise(() => lookup(host, { all: true })))
      if (Either.isLeft(resolved)) return { ok: false as const, error: `webhook host ${host} did not resolve: ${messageOf(resolved.left.error)}` }
      const problem = resolvedWebhookProblem(host, resolved.right.map((a) => a.address), input.policy)
      if (problem !== undefined) return { ok: false as const, error: problem }
    }
    const posted = yield* Effect.either(Effect.tryPromise(async () => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(input.token === undefined ? {} : { authorization: `Bearer ${input.token}` }) },
        body: JSON.stringify(input.body),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)
      })
      await response.body?.cancel()
      return response.status
    }))
    if (Either.isLeft(posted)) return { ok: false as const, error: `webhook POST failed: ${messageOf(posted.left.error)}` }
    return posted.right >= 200 && posted.right < 300 ? { ok: true as const } : { ok: false as const, error: `webhook answered HTTP ${posted.right}` }
  })
