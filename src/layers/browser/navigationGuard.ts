import type { Page } from "playwright-core"
import { hostTrusted, navigationProblem, resolvedProblem, type SsrfPolicy } from "../../domain/browser/ssrf.js"
import type { PinnedResolver } from "./pinnedResolver.js"

/** Why the last document request of a page was refused (to name it when the navigation fails). */
export const blockedNavigation = new WeakMap<Page, string>()

/** Settles once a page's guard is in place: a navigation waits for it, so no request leaves unjudged. */
export const guardReady = new WeakMap<Page, Promise<void>>()

/**
 * The policy's verdict for a URL, with a hostname resolved through the pinned resolver: a public name
 * that points at a private address is private. The egress proxy connects with the same pinned answer.
 */
const problemOf = async (url: string, policy: SsrfPolicy, resolver: PinnedResolver): Promise<string | undefined> => {
  const direct = navigationProblem(url, policy)
  if (direct !== undefined || url === "about:blank") return direct
  const host = new URL(url).hostname
  if (hostTrusted(host, policy)) return undefined
  return resolvedProblem(host, await resolver.addressesOf(host), policy)
}

/**
 * Holds every document request of a page (each redirect hop, a clicked link, a frame, script-driven
 * navigation) until the SSRF policy has judged its URL; a refused one never leaves Chromium. The check
 * before `open`/`navigate` only saw the first URL.
 */
export const guardNavigations = async (page: Page, policy: SsrfPolicy, resolver: PinnedResolver): Promise<void> => {
  const session = await page.context().newCDPSession(page)
  session.on("Fetch.requestPaused", (event: { readonly requestId: string; readonly request: { readonly url: string } }) => {
    void problemOf(event.request.url, policy, resolver).then(
      (problem) => {
        if (problem === undefined) return session.send("Fetch.continueRequest", { requestId: event.requestId })
        blockedNavigation.set(page, problem)
        return session.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" })
      },
      // A request the policy cannot judge does not go out.
      () => session.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" })
    ).catch(() => {
      // The page closed meanwhile.
    })
  })
  await session.send("Fetch.enable", { patterns: [{ urlPattern: "*", resourceType: "Document", requestStage: "Request" }] })
}
