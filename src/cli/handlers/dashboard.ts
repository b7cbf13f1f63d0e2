import { Console, Effect } from "effect"
import { spawn } from "node:child_process"
import * as http from "node:http"
import * as https from "node:https"
import { dashboardUrls, remoteDashboardUrls } from "../../domain/dashboard/dashboardUrls.js"
import { resolveGatewayPort } from "../../domain/Paths.js"
import { nonEmpty } from "../../domain/text/nonEmpty.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { CliExit } from "../CliExit.js"

/** The HTTP status of the Control UI page, or the connection error. */
const pageStatus = (url: string) =>
  Effect.async<{ readonly status: number } | { readonly error: string }>((resume) => {
    const req = (url.startsWith("https:") ? https : http).get(url, { timeout: 3000 }, (res) => {
      res.resume()
      resume(Effect.succeed({ status: res.statusCode ?? 0 }))
    })
    req.on("timeout", () => req.destroy(new Error("timed out")))
    req.on("error", (error) => resume(Effect.succeed({ error: error.message })))
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
    const page = yield* pageStatus(urls.httpUrl)
    const reason = "error" in page
      ? `Gateway is not reachable at ${urls.httpUrl}${where} (${page.error})`
      : page.status === 200 ? undefined : `Control UI dashboard is unavailable (HTTP ${page.status}).`
    if (args.json) {
      yield* Console.log(JSON.stringify(reason === undefined ? { ok: true, ...urls } : { ok: false, reason }, null, 2))
      if (reason !== undefined) return yield* new CliExit({ code: 1 })
      return
    }
    if (reason !== undefined) {
      yield* Console.error(reason)
      yield* Console.error(
        "error" in page
          ? `Next: \`openclaw gateway probe\` shows which gateway routes answer${remoteUrl === undefined ? " (start a local gateway with `openclaw gateway run`)" : ""}`
          : remoteUrl === undefined
          ? "Next: `openclaw status` (the gateway answers; this version serves no Control UI page yet)"
          : `Next: \`openclaw gateway probe\` (the gateway at ${urls.wsUrl} answers HTTP but serves no dashboard page there)`
      )
      return yield* new CliExit({ code: 1 })
    }
    // The terminal shows the clean URL; only the browser receives the token fragment.
    yield* Console.log(`Dashboard URL: ${urls.httpUrl}`)
    if (args.noOpen) {
      if (urls.tokenIncluded) yield* Console.log("Authenticate by adding #token=<gateway.auth.token or OPENCLAW_GATEWAY_TOKEN> to the URL.")
      return
    }
    if (!(yield* openBrowser(urls.url))) {
      yield* Console.error("Could not launch a browser. Open the URL above and add #token=<gateway.auth.token or OPENCLAW_GATEWAY_TOKEN> to it.")
    }
  })
