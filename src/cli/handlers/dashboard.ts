import { Clock, Console, Duration, Effect } from "effect"
import { spawn } from "node:child_process"
import * as http from "node:http"
import * as https from "node:https"
import { dashboardUrls, remoteDashboardUrls } from "../../domain/dashboard/dashboardUrls.js"
import { documentVerdict, PENDING_NOTICE, PENDING_TIMEOUT_REASON, unavailableReason } from "../../domain/dashboard/documentReadiness.js"
import { resolveGatewayPort } from "../../domain/Paths.js"
import { nonEmpty } from "../../domain/text/nonEmpty.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { CliExit } from "../CliExit.js"

/** Per request, as the original: a page that does not answer in 2 s is not ready. */
const REQUEST_TIMEOUT_MS = 2000
/** How long assets may stay "preparing" before giving up (the original's 10 minutes). */
const PENDING_DEADLINE_MS = 600_000

type DocumentReply = { readonly status: number; readonly contentType: string | undefined; readonly retryAfter: string | undefined; readonly body: string } | { readonly error: string }

/** One request for the Control UI document as a browser would ask for it (HTML, no compression). */
const requestDocument = (url: string, method: "HEAD" | "GET") =>
  Effect.async<DocumentReply>((resume) => {
    const req = (url.startsWith("https:") ? https : http).request(url, { method, timeout: REQUEST_TIMEOUT_MS, headers: { Accept: "text/html", "Accept-Encoding": "identity" } }, (res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      res.on("data", (chunk: Buffer) => {
        // Only a short diagnostic is ever read from a body.
        if (size < 2048) chunks.push(chunk)
        size += chunk.length
      })
      res.on("end", () =>
        resume(Effect.succeed({
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"],
          retryAfter: typeof res.headers["retry-after"] === "string" ? res.headers["retry-after"] : undefined,
          body: Buffer.concat(chunks).toString("utf8").slice(0, 2048)
        })))
    })
    req.on("timeout", () => req.destroy(new Error("timed out")))
    req.on("error", (error) => resume(Effect.succeed({ error: error.message })))
    req.end()
  })

/**
 * Waits while the gateway says its assets are preparing (503 + Retry-After), telling the user once;
 * any other answer is final. Undefined when the page is ready, else why not (or the connection error).
 */
const waitForDocument = (url: string, onPending: Effect.Effect<void>) =>
  Effect.gen(function*() {
    const deadline = (yield* Clock.currentTimeMillis) + PENDING_DEADLINE_MS
    let reported = false
    while (true) {
      const reply = yield* requestDocument(url, "HEAD")
      if ("error" in reply) return { unreachable: reply.error } as const
      const verdict = documentVerdict(reply)
      switch (verdict._tag) {
        case "Ready":
          return undefined
        case "Unavailable": {
          if (!verdict.needsDetail) return { reason: unavailableReason(verdict.status, undefined) } as const
          const detail = yield* requestDocument(url, "GET")
          const plain = !("error" in detail) && detail.status === 503 && detail.contentType?.split(";", 1)[0]?.trim().toLowerCase() === "text/plain"
          return { reason: unavailableReason(verdict.status, plain && !("error" in detail) ? detail.body : undefined) } as const
        }
        case "Pending": {
          if (!reported) {
            reported = true
            yield* onPending
          }
          const remaining = deadline - (yield* Clock.currentTimeMillis)
          if (remaining <= 0) return { reason: PENDING_TIMEOUT_REASON } as const
          yield* Effect.sleep(Duration.millis(Math.min(verdict.delayMs, remaining)))
        }
      }
    }
  })

const opener = () => (process.platform === "darwin" ? ["open"] : process.platform === "win32" ? ["cmd", "/c", "start", ""] : ["xdg-open"])

/** Launches the browser detached; false when no opener could be started. */
const openBrowser = (url: string) =>
  Effect.async<boolean>((resume) => {
    const [command, ...args] = opener()
    const child = spawn(command ?? "xdg-open", [...args, url], { detached: true, stdio: "ignore" })
    child.once("error", () => resume(Effect.succeed(false)))
    child.once("spawn", () => {
      child.unref()
      resume(Effect.succeed(true))
    })
  })

/** `openclaw dashboard [--no-open] [--json]`. */
export const dashboard = (args: { readonly noOpen: boolean; readonly json: boolean }) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const host = yield* Host
    const paths = yield* Paths
    // An invalid config fails here: a port and token guessed from the defaults would open someone else's page.
    const { config } = yield* store.load
    const remoteUrl = config.gateway?.mode === "remote" ? nonEmpty(config.gateway.remote?.url) : undefined
    const { port } = resolveGatewayPort({ env: host.env, configPort: config.gateway?.port, dev: paths.dev })
    const urls = (remoteUrl === undefined ? undefined : remoteDashboardUrls(remoteUrl, config)) ?? dashboardUrls(config, host.env, port)
    const where = remoteUrl === undefined ? "" : " (gateway.remote.url, remote mode)"
    // --json stays machine-readable: no progress line on stdout.
    const page = yield* waitForDocument(urls.httpUrl, args.json ? Effect.void : Console.log(PENDING_NOTICE))
    const reason = page === undefined
      ? undefined
      : "unreachable" in page ? `Gateway is not reachable at ${urls.httpUrl}${where} (${page.unreachable})` : page.reason
    if (args.json) {
      // No one-time bootstrap token is minted by this version: the browser URL is the token URL itself.
      yield* Console.log(JSON.stringify(reason === undefined ? { ok: true, url: urls.url, httpUrl: urls.httpUrl, wsUrl: urls.wsUrl, port: urls.port, tokenIncluded: urls.tokenIncluded, browserUrl: urls.url } : { ok: false, reason }, null, 2))
      if (reason !== undefined) return yield* new CliExit({ code: 1 })
      return
    }
    if (reason !== undefined) {
      yield* Console.error(reason)
      yield* Console.error(
        page !== undefined && "unreachable" in page
          ? `Next: \`openclaw gateway probe\` shows which gateway routes answer${remoteUrl === undefined ? " (start a local gateway with `openclaw gateway run`)" : ""}`
          : remoteUrl === undefined
          ? "Next: `openclaw gateway status --deep` for details (build the page with `npm run build`, or set gateway.controlUi.root to a folder holding index.html)"
          : `Next: \`openclaw gateway probe\` (the gateway at ${urls.wsUrl} answers HTTP but serves no dashboard page there)`
      )
      return yield* new CliExit({ code: 1 })
    }
    // The terminal shows the clean URL; only the browser receives the token fragment.
    yield* Console.log(`Dashboard URL: ${urls.httpUrl}`)
    if (args.noOpen) {
      if (urls.tokenIncluded) yield* Console.log("Browser launch disabled (--no-open). Authenticate by adding #token=<gateway.auth.token or OPENCLAW_GATEWAY_TOKEN> to the URL.")
      else yield* Console.log("Browser launch disabled (--no-open). Use the URL above.")
      return
    }
    if (yield* openBrowser(urls.url)) yield* Console.log("Opened in your browser. Keep that tab to control OpenClaw.")
    else yield* Console.error("Could not launch a browser. Open the URL above and add #token=<gateway.auth.token or OPENCLAW_GATEWAY_TOKEN> to it.")
  })
