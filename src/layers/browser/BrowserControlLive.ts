import { randomUUID } from "node:crypto"
import { lstatSync, mkdirSync, writeFileSync } from "node:fs"
import path from "node:path"
import { Clock, Effect, Layer } from "effect"
import type { Page } from "playwright-core"
import { type ActAction, parseActRequest } from "../../domain/browser/act.js"
import { actError, BrowserError, browserError, extensionNotConnected } from "../../domain/browser/errors.js"
import { type BrowserProfile, type BrowserSettings, resolveBrowserSettings } from "../../domain/browser/settings.js"
import { navigationProblem } from "../../domain/browser/ssrf.js"
import { blockedNavigation, guardReady } from "./navigationGuard.js"
import { resolveUploadPath } from "../../domain/browser/uploads.js"
import type { SnapshotFormat } from "../../domain/browser/snapshot.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { isRecord } from "../../domain/isRecord.js"
import { BrowserControl, type BrowserRequest } from "../../services/BrowserControl.js"
import { readGraphics } from "./graphics.js"
import { DEFAULT_ACTION_TIMEOUT_MS, describeFailure, locatorForRef, navigationCount, PageOpError, runAction, takeAriaSnapshot, takeSnapshot } from "./pageOps.js"
import {
  attachExistingSession,
  attachRemote,
  executableFor,
  headlessFor,
  isManaged,
  launchManaged,
  policyFor,
  type LaunchHost,
  type ProfileRuntime,
  stopRuntime
} from "./profileRuntime.js"

/** What the control service reads on every request: the config the gateway runs with and its port. */
export interface BrowserControlInput {
  readonly settings: Effect.Effect<{ readonly config: OpenClawConfig; readonly gatewayPort: number }>
  readonly host: LaunchHost
  /** Where screenshots and PDFs are written. */
  readonly mediaDir: string
  /** The only places uploads may come from: the temp uploads root and the managed inbound media dir. */
  readonly uploadRoots: { readonly uploads: string; readonly inbound: string }
}

const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined)
const bool = (v: unknown) => (v === true || v === "true" || v === "1" ? true : v === false || v === "false" || v === "0" ? false : undefined)
const int = (v: unknown) => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN
  return Number.isFinite(n) ? Math.trunc(n) : undefined
}

/** Consecutive failed launches of a profile after which new attempts pause (the original's circuit breaker). */
const LAUNCH_FAILURES_BEFORE_PAUSE = 3
const LAUNCH_PAUSE_MS = 30_000

const transportOf = (profile: BrowserProfile) => (profile.driver === "existing-session" ? "chrome-mcp" : profile.driver === "extension" ? "extension" : "cdp")

/** The browser control service over live Chromium processes; every browser it launched is killed when its scope closes. */
export const BrowserControlLive = (input: BrowserControlInput) =>
  Layer.scoped(BrowserControl, Effect.gen(function*() {
    const runtimes = new Map<string, ProfileRuntime>()
    const launchFailures = new Map<string, { count: number; message: string; pausedUntil: number }>()
    const lock = yield* Effect.makeSemaphore(1)

    yield* Effect.addFinalizer(() =>
      Effect.promise(() => Promise.all([...runtimes.values()].map((runtime) => stopRuntime(runtime).catch(() => {})))).pipe(
        Effect.tap(() => Effect.sync(() => runtimes.clear()))
      )
    )

    const fail = (error: unknown) =>
      error instanceof BrowserError
        ? error
        : error instanceof PageOpError
        ? new BrowserError({ message: error.message, status: error.status, ...(error.code === undefined ? {} : { reason: error.code }) })
        : browserError(describeFailure(error), 500)
    const attempt = <A>(run: () => Promise<A>) => Effect.tryPromise({ try: run, catch: fail })

    const resolve = Effect.flatMap(input.settings, ({ config, gatewayPort }) => {
      const resolved = resolveBrowserSettings(config, gatewayPort)
      return "error" in resolved ? Effect.fail(browserError(resolved.error, 400)) : Effect.succeed(resolved.settings)
    })

    const profileOf = (settings: BrowserSettings, query: BrowserRequest["query"]) => {
      const name = str(query?.["profile"]) ?? settings.defaultProfile
      const profile = settings.profiles.find((p) => p.name === name)
      return profile === undefined
        ? Effect.fail(browserError(`Profile "${name}" not found. Run \`openclaw browser profiles\` to list profiles.`, 404))
        : Effect.succeed(profile)
    }

    /** A runtime whose browser is gone (crashed, closed remotely) is forgotten. */
    const liveRuntime = (name: string) => {
      const runtime = runtimes.get(name)
      if (runtime === undefined) return undefined
      const exited = runtime.launched !== undefined && (runtime.launched.child.exitCode !== null || runtime.launched.child.signalCode !== null)
      if (exited || !runtime.browser.isConnected()) {
        runtimes.delete(name)
        return undefined
      }
      return runtime
    }

    /** `waitForGraphics: false` answers without the GPU facts when they are not read yet (start's answer). */
    const statusOf = (settings: BrowserSettings, profile: BrowserProfile, waitForGraphics = true) =>
      Effect.promise(async () => {
        const runtime = liveRuntime(profile.name)
        const managed = isManaged(profile)
        const detected = managed ? executableFor(profile, input.host) : undefined
        const configuredPath = profile.executablePath ?? null
        const { headless, source } = runtime === undefined
          ? headlessFor(settings, profile, input.host, undefined)
          : { headless: runtime.headless, source: runtime.headlessSource }
        if (runtime !== undefined && runtime.launched !== undefined && runtime.graphics === null) {
          const reading = readGraphics(runtime.browser).then((graphics) => {
            runtime.graphics = graphics
          }, () => {})
          if (waitForGraphics) await reading
        }
        const pages = runtime?.context.pages() ?? []
        return {
          enabled: settings.enabled,
          profile: profile.name,
          driver: profile.driver,
          transport: transportOf(profile),
          running: runtime !== undefined,
          cdpReady: runtime !== undefined,
          cdpHttp: runtime !== undefined,
          pageReady: pages.length > 0,
          pid: runtime?.launched?.pid ?? null,
          cdpPort: profile.cdpPort,
          cdpUrl: profile.cdpUrl,
          chosenBrowser: runtime?.executable?.kind ?? null,
          detectedBrowser: detected !== undefined && "kind" in detected ? detected.kind : null,
          detectedExecutablePath: detected !== undefined && "kind" in detected ? detected.path : configuredPath,
          detectError: detected !== undefined && "error" in detected && configuredPath !== null ? `Error: ${detected.error}` : null,
          userDataDir: runtime?.userDataDir ?? null,
          color: profile.color,
          headless,
          headlessSource: source,
          noSandbox: settings.noSandbox,
          executablePath: configuredPath,
          attachOnly: profile.attachOnly,
          graphics: runtime?.graphics ?? null
        }
      })

    const start = (settings: BrowserSettings, profile: BrowserProfile, headless: boolean | undefined) =>
      lock.withPermits(1)(Effect.gen(function*() {
        if (!settings.enabled) return yield* browserError("Browser control is disabled (browser.enabled=false). Set browser.enabled: true and restart the gateway.", 503)
        if (headless !== undefined && !isManaged(profile)) {
          return yield* browserError(`headless override is only supported for locally launched managed profiles; profile "${profile.name}" attaches to a browser OpenClaw does not launch.`, 400)
        }
        if (liveRuntime(profile.name) !== undefined) return
        if (profile.driver === "extension") {
          // The original starts its extension relay and waits for the OpenClaw Chrome extension to
          // connect; this version has no relay, so no extension can ever connect: its answer for that case, at once.
          return yield* browserError(extensionNotConnected(profile.name), 409)
        }
        const now = yield* Clock.currentTimeMillis
        const failed = launchFailures.get(profile.name)
        if (failed !== undefined && failed.pausedUntil > now) {
          return yield* browserError(`${failed.message}\nLaunch attempts for profile "${profile.name}" are paused for ${Math.ceil((failed.pausedUntil - now) / 1000)}s after ${failed.count} consecutive failures; fix the problem above or restart the gateway.`, 503)
        }
        const runtime = yield* attempt(() =>
          profile.driver === "existing-session"
            ? attachExistingSession(profile, input.host)
            : isManaged(profile)
            ? launchManaged(settings, profile, input.host, headless)
            : attachRemote(settings, profile, input.host)
        ).pipe(Effect.tapError((error) =>
          Effect.sync(() => {
            if (!isManaged(profile) || error.status < 500) return
            const count = (launchFailures.get(profile.name)?.count ?? 0) + 1
            launchFailures.set(profile.name, { count, message: error.message, pausedUntil: count >= LAUNCH_FAILURES_BEFORE_PAUSE ? now + LAUNCH_PAUSE_MS : 0 })
          })
        ))
        launchFailures.delete(profile.name)
        runtimes.set(profile.name, runtime)
      }))

    const requireRuntime = (settings: BrowserSettings, profile: BrowserProfile) =>
      Effect.gen(function*() {
        const running = liveRuntime(profile.name)
        if (running !== undefined) return running
        // Actions start the profile on demand, as the original's tool does.
        yield* start(settings, profile, undefined)
        const started = liveRuntime(profile.name)
        return started ?? (yield* browserError(`Browser profile "${profile.name}" is not running. Run \`openclaw browser start --browser-profile ${profile.name}\`.`, 503))
      })

    const tabOf = (runtime: ProfileRuntime, page: Page) =>
      Effect.promise(async () => {
        const known = runtime.tabs.get(page)
        if (known !== undefined) return known
        let targetId = ""
        try {
          const session = await runtime.context.newCDPSession(page)
          const info = await session.send("Target.getTargetInfo") as { targetInfo?: { targetId?: string } }
          targetId = info.targetInfo?.targetId ?? ""
          await session.detach().catch(() => {})
        } catch {
          targetId = `page-${runtime.nextTab}`
        }
        const tab = { tabId: `t${runtime.nextTab++}`, label: undefined, targetId }
        runtime.tabs.set(page, tab)
        return tab
      })

    const tabJson = (runtime: ProfileRuntime, page: Page) =>
      Effect.map(tabOf(runtime, page), (tab) => ({
        suggestedTargetId: tab.label ?? tab.tabId,
        tabId: tab.tabId,
        ...(tab.label === undefined ? {} : { label: tab.label }),
        targetId: tab.targetId,
        title: "",
        url: page.url(),
        type: "page"
      })).pipe(Effect.flatMap((tab) => Effect.promise(() => page.title().catch(() => "")).pipe(Effect.map((title) => ({ ...tab, title })))))

    /** The tab a request names (tabId, label, raw CDP id or a unique prefix), else the current one. */
    const pageOf = (runtime: ProfileRuntime, targetId: string | undefined) =>
      Effect.gen(function*() {
        const pages = runtime.context.pages()
        for (const page of pages) yield* tabOf(runtime, page)
        if (targetId === undefined) {
          const current = runtime.current !== undefined && !runtime.current.isClosed() ? runtime.current : pages.at(-1)
          if (current !== undefined) return current
          const created = yield* attempt(() => runtime.context.newPage())
          yield* tabOf(runtime, created)
          runtime.current = created
          return created
        }
        const entries = [...runtime.tabs.entries()].filter(([page]) => !page.isClosed())
        const exact = entries.find(([, tab]) => tab.tabId === targetId || tab.label === targetId || tab.targetId === targetId)
        const prefixed = entries.filter(([, tab]) => tab.targetId.toLowerCase().startsWith(targetId.toLowerCase()))
        const found = exact?.[0] ?? (prefixed.length === 1 ? prefixed[0]?.[0] : undefined)
        return found ?? (yield* browserError(`tab not found: ${targetId}. Run \`openclaw browser tabs\` to list tabs.`, 404))
      })

    /**
     * `goto` once the page's navigation guard is in place; a hop the guard refused, or a host the
     * egress proxy refused (its DNS answer turned private after the guard's check), is named as the
     * policy words it.
     */
    const guardedGoto = (runtime: ProfileRuntime, page: Page, url: string, timeout: number) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => guardReady.get(page) ?? Promise.resolve())
        blockedNavigation.delete(page)
        runtime.egress?.clearRefusal()
        const refusedByProxy = () => {
          const refusal = runtime.egress?.lastRefusal()
          if (refusal === undefined) return undefined
          const hosts = [url, page.url()].map((u) => URL.canParse(u) ? new URL(u).hostname.toLowerCase().replace(/^\[|\]$/g, "") : "")
          return hosts.includes(refusal.host) ? refusal.message : undefined
        }
        yield* attempt(() => page.goto(url, { waitUntil: "domcontentloaded", timeout })).pipe(
          Effect.catchAll((error) => {
            const blocked = blockedNavigation.get(page) ?? refusedByProxy()
            if (blocked === undefined) return Effect.fail(error)
            // Chromium commits its error page for the refused hop; the next navigation must not race it.
            return Effect.zipRight(Effect.promise(() => page.waitForURL(/^chrome-error:/, { timeout: 2_000, waitUntil: "commit" }).catch(() => {})), Effect.fail(browserError(blocked, 403)))
          })
        )
        // Plain http refused by the proxy still "loads" (its 403 answer): that is a refusal too.
        const refused = refusedByProxy()
        if (refused !== undefined) return yield* browserError(refused, 403)
      })

    const checkUrl = (settings: BrowserSettings, profile: BrowserProfile, url: string) => {
      const problem = navigationProblem(url, policyFor(settings, profile))
      return problem === undefined ? Effect.void : Effect.fail(browserError(problem, 403))
    }

    const saveMedia = (bytes: Buffer, extension: string) =>
      Effect.try({
        try: () => {
          mkdirSync(input.mediaDir, { recursive: true, mode: 0o700 })
          const file = path.join(input.mediaDir, `browser-${randomUUID()}.${extension}`)
          writeFileSync(file, bytes, { mode: 0o600 })
          return file
        },
        catch: (error) => browserError(`Could not save ${extension}: ${String(error)}`, 500)
      })

    const existingSessionGuard = (profile: BrowserProfile, action: ActAction, timeoutMs: number | undefined) => {
      if (profile.driver !== "existing-session") return Effect.void
      if (action.kind === "batch") return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "batch is not supported for existing-session profiles; send actions individually."))
      if (action.kind === "type" && timeoutMs !== undefined) return Effect.fail(browserError("existing-session type does not support timeoutMs overrides.", 501))
      if ("selector" in action && action.selector !== undefined && action.kind !== "wait") {
        return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "existing-session profiles support refs only; use ref from snapshot."))
      }
      if (action.kind === "click" && ((action.button !== undefined && action.button !== "left") || action.doubleClick === true)) {
        return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "existing-session click supports a single left click only."))
      }
      if (action.kind === "type" && action.slowly === true) return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "existing-session type does not support slowly."))
      if (action.kind === "press" && action.delayMs !== undefined) return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "existing-session press does not support delayMs."))
      if (action.kind === "select" && action.values.length > 1) return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "existing-session select supports a single value."))
      if (action.kind === "wait" && action.loadState === "networkidle") return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", "existing-session wait does not support networkidle."))
      if (timeoutMs !== undefined && action.kind !== "evaluate") return Effect.fail(actError("ACT_EXISTING_SESSION_UNSUPPORTED", `existing-session ${action.kind} does not support timeoutMs overrides.`))
      return Effect.void
    }

    const act = (settings: BrowserSettings, profile: BrowserProfile, body: unknown) =>
      Effect.gen(function*() {
        const parsed = parseActRequest(body, { evaluateEnabled: settings.evaluateEnabled })
        if ("code" in parsed) return yield* actError(parsed.code, parsed.message)
        yield* existingSessionGuard(profile, parsed.action, parsed.timeoutMs)
        const runtime = yield* requireRuntime(settings, profile)
        const page = yield* pageOf(runtime, parsed.targetId)
        const tab = yield* tabOf(runtime, page)
        const timeoutMs = parsed.timeoutMs ?? (profile.driver === "existing-session" && parsed.action.kind === "evaluate" ? 60_000 : DEFAULT_ACTION_TIMEOUT_MS)
        const action = parsed.action
        if (action.kind !== "batch") {
          const result = yield* attempt(() => runAction(page, action, timeoutMs))
          return { ok: true, targetId: tab.targetId, url: page.isClosed() ? "" : page.url(), ...(action.kind === "evaluate" ? { result: result ?? null } : {}) }
        }
        const results: Array<{ ok: boolean; error?: string }> = []
        const before = navigationCount(page)
        for (const [index, one] of action.actions.entries()) {
          if (one.kind === "batch") continue
          const outcome = yield* Effect.either(attempt(() => runAction(page, one, timeoutMs)))
          results.push(outcome._tag === "Right" ? { ok: true } : { ok: false, error: outcome.left.message })
          const remaining = action.actions.length - index - 1
          if (page.isClosed() && remaining > 0) {
            return { ok: false, targetId: tab.targetId, results, aborted: { reason: "closed", afterAction: index, url: "", skipped: remaining } }
          }
          // A navigation invalidates the refs the remaining actions were written against.
          if (navigationCount(page) !== before && remaining > 0) {
            return { ok: false, targetId: tab.targetId, results, aborted: { reason: "navigation", afterAction: index, url: page.url(), skipped: remaining } }
          }
          if (outcome._tag === "Left" && action.stopOnError) break
        }
        return { ok: results.every((r) => r.ok), targetId: tab.targetId, url: page.isClosed() ? "" : page.url(), results }
      })

    const snapshotOptions = (source: Readonly<Record<string, unknown>>, fallbackFormat: SnapshotFormat) => {
      const format = str(source["snapshotFormat"]) ?? str(source["format"]) ?? fallbackFormat
      if (format !== "ai" && format !== "aria") return Effect.fail(browserError(`snapshot format must be ai or aria, got: ${format}`, 400))
      const efficient = str(source["mode"]) === "efficient" || bool(source["efficient"]) === true
      return Effect.succeed({
        format: format as SnapshotFormat,
        interactive: bool(source["interactive"]) ?? (efficient ? true : undefined),
        limit: int(source["limit"]),
        maxChars: int(source["maxChars"]) ?? (efficient ? 12_000 : undefined),
        selector: str(source["selector"]),
        depth: int(source["depth"])
      })
    }

    const route = (request: BrowserRequest) =>
      Effect.gen(function*() {
        const settings = yield* resolve
        const query = request.query ?? {}
        const body = isRecord(request.body) ? request.body : {}
        const profile = yield* profileOf(settings, { profile: query["profile"] ?? body["profile"] })
        const method = request.method.toUpperCase()
        const routePath = request.path.replace(/\/+$/, "") || "/"
        const key = `${method} ${routePath}`
        switch (key) {
          case "GET /":
            return yield* statusOf(settings, profile)
          case "GET /doctor": {
            const status = yield* statusOf(settings, profile)
            const checks = [
              { name: "gateway", ok: true, detail: "browser control endpoint reachable" },
              { name: "plugin", ok: settings.enabled, detail: settings.enabled ? "enabled" : "browser.enabled=false; run `openclaw config set browser.enabled true` and restart the gateway" },
              { name: "profile", ok: status.detectError === null, detail: status.detectError === null ? `${profile.name} (${status.transport})` : `${profile.name}: ${status.detectError}` },
              { name: "browser", ok: status.running, detail: status.running ? `running (${status.chosenBrowser ?? "attached"})` : "not running; run `openclaw browser start`" },
              { name: "profiles", ok: settings.profiles.length > 0, detail: `${settings.profiles.length} configured` }
            ]
            return { ok: checks.every((c) => c.ok), profile: profile.name, checks }
          }
          case "POST /start": {
            yield* start(settings, profile, bool(query["headless"] ?? body["headless"]))
            return yield* statusOf(settings, profile, false)
          }
          case "POST /stop": {
            const stopped = yield* lock.withPermits(1)(Effect.promise(async () => {
              const runtime = runtimes.get(profile.name)
              if (runtime === undefined) return false
              runtimes.delete(profile.name)
              await stopRuntime(runtime)
              return true
            }))
            return { ok: true, stopped, profile: profile.name }
          }
          case "GET /profiles":
            return {
              profiles: yield* Effect.forEach(settings.profiles, (p) =>
                Effect.succeed(liveRuntime(p.name)).pipe(Effect.map((runtime) => ({
                  name: p.name,
                  driver: p.driver,
                  transport: transportOf(p),
                  cdpPort: p.cdpPort,
                  cdpUrl: p.cdpUrl,
                  ...(p.relayPort === undefined ? {} : { relayPort: p.relayPort }),
                  color: p.color,
                  running: runtime !== undefined,
                  tabCount: runtime?.context.pages().length ?? 0,
                  isDefault: p.name === settings.defaultProfile,
                  isRemote: p.remote && !isManaged(p),
                  attachOnly: p.attachOnly
                }))))
            }
          case "GET /tabs": {
            const runtime = liveRuntime(profile.name)
            if (runtime === undefined) return { running: false, tabs: [] }
            return { running: true, tabs: yield* Effect.forEach(runtime.context.pages(), (page) => tabJson(runtime, page)) }
          }
          case "POST /tabs/open": {
            const url = str(body["url"]) ?? str(body["targetUrl"]) ?? "about:blank"
            yield* checkUrl(settings, profile, url)
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* attempt(() => runtime.context.newPage())
            const tab = yield* tabOf(runtime, page)
            const label = str(body["label"])
            if (label !== undefined) tab.label = label
            runtime.current = page
            if (url !== "about:blank") yield* guardedGoto(runtime, page, url, 30_000)
            return yield* tabJson(runtime, page)
          }
          case "POST /tabs/focus": {
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* pageOf(runtime, str(body["targetId"]) ?? str(body["tabId"]))
            yield* attempt(() => page.bringToFront())
            runtime.current = page
            return { ok: true, ...(yield* tabJson(runtime, page)) }
          }
          case "POST /navigate": {
            const url = str(body["url"]) ?? str(body["targetUrl"])
            if (url === undefined) return yield* browserError("url is required", 400)
            yield* checkUrl(settings, profile, url)
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* pageOf(runtime, str(body["targetId"]))
            yield* guardedGoto(runtime, page, url, int(body["timeoutMs"]) ?? 30_000)
            runtime.current = page
            const tab = yield* tabOf(runtime, page)
            // The loaded page comes back as an efficient snapshot, so no second call is needed.
            const [snapshot, title] = yield* attempt(() => Promise.all([takeSnapshot(page, { interactive: true, maxChars: 12_000 }), page.title().catch(() => "")]))
            return { ok: true, targetId: tab.targetId, url: page.url(), title, ...snapshot }
          }
          case "GET /snapshot": {
            const options = yield* snapshotOptions(query, "ai")
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* pageOf(runtime, str(query["targetId"]))
            const tab = yield* tabOf(runtime, page)
            if (options.format === "aria") {
              if (str(query["mode"]) === "efficient" || bool(query["labels"]) === true) return yield* browserError("labels/mode=efficient require format=ai", 400)
              const nodes = yield* attempt(() => takeAriaSnapshot(page, { limit: options.limit }))
              return { ok: true, format: "aria", targetId: tab.targetId, url: page.url(), nodes }
            }
            const snapshot = yield* attempt(() => takeSnapshot(page, options))
            return { ok: true, targetId: tab.targetId, url: page.url(), ...snapshot, newElements: 0 }
          }
          case "POST /screenshot": {
            const fullPage = bool(body["fullPage"]) === true
            const ref = str(body["ref"]) ?? (typeof body["ref"] === "number" ? String(body["ref"]) : undefined)
            const element = str(body["element"])
            if (fullPage && (ref !== undefined || element !== undefined)) return yield* browserError("fullPage is not supported for element screenshots", 400)
            if (profile.driver === "existing-session" && element !== undefined) {
              return yield* browserError("element screenshots are not supported for existing-session profiles; use ref from snapshot.", 400)
            }
            const type = str(body["type"]) === "jpeg" ? "jpeg" : "png"
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* pageOf(runtime, str(body["targetId"]))
            const tab = yield* tabOf(runtime, page)
            const bytes = yield* attempt(async () => {
              if (ref !== undefined) return await (await locatorForRef(page, ref)).screenshot({ type, timeout: DEFAULT_ACTION_TIMEOUT_MS })
              if (element !== undefined) return await page.locator(element).first().screenshot({ type, timeout: DEFAULT_ACTION_TIMEOUT_MS })
              return await page.screenshot({ type, fullPage, timeout: 30_000 })
            })
            const file = yield* saveMedia(bytes, type === "jpeg" ? "jpg" : "png")
            return { ok: true, path: file, targetId: tab.targetId, url: page.url() }
          }
          case "POST /pdf": {
            if (profile.driver === "existing-session") return yield* browserError("pdf is not supported for existing-session profiles.", 501)
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* pageOf(runtime, str(body["targetId"]))
            const tab = yield* tabOf(runtime, page)
            const bytes = yield* attempt(() => page.pdf({ printBackground: true }))
            const file = yield* saveMedia(bytes, "pdf")
            return { ok: true, path: file, targetId: tab.targetId, url: page.url() }
          }
          case "POST /act":
            return yield* act(settings, profile, request.body)
          case "GET /console": {
            const runtime = liveRuntime(profile.name)
            const level = str(query["level"])
            const targetId = str(query["targetId"])
            const messages = (runtime?.console ?? []).filter((m) => (level === undefined || m.level === level) && (targetId === undefined || m.targetId === targetId))
            return { ok: true, messages }
          }
          case "POST /hooks/file-chooser": {
            const requested = Array.isArray(body["paths"]) ? body["paths"].filter((p): p is string => typeof p === "string") : []
            if (requested.length === 0) return yield* browserError("paths is required (one or more files)", 400)
            const ref = str(body["ref"]) ?? str(body["inputRef"])
            const element = str(body["element"])
            if (profile.driver === "existing-session") {
              if (element !== undefined) return yield* browserError("existing-session file uploads do not support element selectors; use ref/inputRef.", 400)
              if (requested.length > 1) return yield* browserError("existing-session file uploads currently support one file at a time.", 400)
            }
            const paths = yield* Effect.forEach(requested, (raw) => {
              const resolved = resolveUploadPath(raw, input.uploadRoots)
              if ("error" in resolved) return Effect.fail(browserError(resolved.error, 400))
              // A symlink or hardlink could point anywhere on the host: only plain files are sent.
              const stat = (() => {
                try {
                  return lstatSync(resolved.path)
                } catch {
                  return undefined
                }
              })()
              if (stat === undefined) return Effect.fail(browserError(`upload file not found: ${raw}`, 400))
              if (!stat.isFile() || stat.nlink > 1) return Effect.fail(browserError(`upload path not allowed: ${raw} (symlinks, hardlinks and non-files are refused)`, 400))
              return Effect.succeed(resolved.path)
            })
            const runtime = yield* requireRuntime(settings, profile)
            const page = yield* pageOf(runtime, str(body["targetId"]))
            if (str(body["inputRef"]) !== undefined || element !== undefined) {
              yield* attempt(async () => (element !== undefined ? page.locator(element).first() : await locatorForRef(page, str(body["inputRef"]) ?? "")).setInputFiles(paths, { timeout: DEFAULT_ACTION_TIMEOUT_MS }))
              return { ok: true }
            }
            runtime.upload = { paths }
            // With a ref, clicking it opens the chooser the hook answers.
            if (ref !== undefined) yield* attempt(async () => (await locatorForRef(page, ref)).click({ timeout: DEFAULT_ACTION_TIMEOUT_MS }))
            return { ok: true }
          }
          case "POST /hooks/dialog": {
            if (profile.driver === "existing-session" && body["timeoutMs"] !== undefined) {
              return yield* browserError("existing-session dialog handling does not support timeoutMs.", 400)
            }
            const runtime = yield* requireRuntime(settings, profile)
            runtime.dialog = { accept: bool(body["accept"]) !== false, promptText: str(body["promptText"]) }
            return { ok: true, armed: true }
          }
          case "POST /response/body":
            return yield* Effect.fail(profile.driver === "existing-session"
              ? browserError("response body is not supported for existing-session profiles yet.", 501)
              : browserError("responsebody is not supported by this version yet.", 501))
        }
        if (method === "DELETE" && routePath.startsWith("/tabs/")) {
          const runtime = yield* requireRuntime(settings, profile)
          const page = yield* pageOf(runtime, decodeURIComponent(routePath.slice("/tabs/".length)))
          yield* attempt(() => page.close())
          return { ok: true }
        }
        return yield* browserError(`Unknown browser route: ${method} ${routePath}`, 404)
      })

    return {
      request: (request: BrowserRequest) =>
        route(request).pipe(
          Effect.catchAllDefect((defect) => Effect.fail(fail(defect))),
          Effect.withSpan("BrowserControl.request", { attributes: { path: request.path } })
        )
    }
  }))

