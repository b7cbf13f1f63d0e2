import os from "node:os"
import path from "node:path"
import { Context, Effect, Layer } from "effect"
import { browserPluginBlocked } from "../../domain/browser/gating.js"
import { type BrowserError, browserError } from "../../domain/browser/errors.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import type { AgentTool } from "../../domain/agent/tools.js"
import { BrowserMethods } from "../../domain/protocol/browserMethods.js"
import { Unavailable } from "../../domain/protocol/errors.js"
import { BrowserControl, type BrowserRequest } from "../../services/BrowserControl.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { Host } from "../../services/Host.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
import { browserTool } from "./browserTool.js"

/** How long a managed Chromium may take to open its CDP port before the launch counts as failed. */
const LAUNCH_TIMEOUT_MS = 15_000

const playwrightMissing = (req: BrowserRequest) =>
  browserError(`Playwright is not available in this gateway build; '${req.path.replace(/^\//, "") || "status"}' is unsupported.`, 501)

/** The original's wire message is the error's string form (`Error: <message>`); the status and code ride in details. */
const toWire = (error: BrowserError) =>
  new Unavailable({
    message: `Error: ${error.message}`,
    details: { status: error.status, ...(error.code === undefined ? {} : { code: error.code }), ...(error.reason === undefined ? {} : { reason: error.reason }) }
  })

/**
 * The browser plugin in the gateway: the `browser.request` method and the agent's `browser` tool over
 * one control service. The service (and playwright-core) loads on first use, in the gateway's scope,
 * so every Chromium it launched is killed when the gateway stops. Absent, as a unit, when
 * `plugins.allow` / `plugins.entries.browser.enabled` exclude the plugin (spec 5.1).
 */
export const browserSurface = (context: Context.Context<Paths | Host>, config: OpenClawConfig | undefined) => {
  if (browserPluginBlocked(config) !== undefined) return { features: [], tools: [] as ReadonlyArray<AgentTool<any, any>> }
  let control: Effect.Effect<Context.Tag.Service<BrowserControl>> | undefined
  const request = (req: BrowserRequest): Effect.Effect<unknown, BrowserError> =>
    control === undefined
      ? Effect.fail(browserError("The browser control service is not running in this gateway.", 503))
      : Effect.flatMap(control, (service) => service.request(req))

  const feature = Layer.scopedDiscard(Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    const paths = Context.get(context, Paths)
    const host = Context.get(context, Host)
    const scope = yield* Effect.scope
    control = yield* Effect.cached(
      Effect.tryPromise({ try: () => import("./BrowserControlLive.js"), catch: (error) => error }).pipe(
        Effect.flatMap((m) =>
          Layer.buildWithScope(
            m.BrowserControlLive({
              settings: Effect.map(runtime.settings, (s) => ({ config: s.config, gatewayPort: s.port })),
              host: {
                stateDir: paths.stateDir,
                home: host.osHome,
                env: host.env,
                platform: process.platform,
                isRoot: process.getuid?.() === 0,
                launchTimeoutMs: LAUNCH_TIMEOUT_MS
              },
              mediaDir: path.join(paths.stateDir, "media", "browser"),
              uploadRoots: { uploads: path.join(os.tmpdir(), "openclaw", "uploads"), inbound: path.join(paths.stateDir, "media", "inbound") }
            }),
            scope
          )
        ),
        Effect.map((built) => Context.get(built, BrowserControl)),
        // The control service cannot load (playwright-core missing from this install): every route says so.
        Effect.orElseSucceed(() => ({ request: (req: BrowserRequest) => Effect.fail(playwrightMissing(req)) }))
      )
    )
    yield* registry.register(BrowserMethods.request, (params) => {
      const call = request({ method: params.method, path: params.path, query: params.query, body: params.body, timeoutMs: params.timeoutMs })
      return (params.timeoutMs === undefined
        ? call
        : call.pipe(Effect.timeoutFail({ duration: params.timeoutMs, onTimeout: () => browserError(`browser request timed out after ${params.timeoutMs}ms`, 504) }))
      ).pipe(Effect.mapError(toWire))
    })
  }))

  return { features: [feature], tools: [browserTool(request)] as ReadonlyArray<AgentTool<any, any>> }
}
