import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import type { BrowserProfile, BrowserSettings, HeadlessSource } from "../../domain/browser/settings.js"
import { detectExecutable, resolveHeadless } from "../../domain/browser/settings.js"
import { chromiumArgs, installExitHook, killChromium, type LaunchedChromium, probeCdp, spawnChromium, waitForCdp } from "./chromiumProcess.js"
import { controlsProxy, routesThroughOwnProxy, type SsrfPolicy } from "../../domain/browser/ssrf.js"
import { isRecord } from "../../domain/isRecord.js"
import { type EgressProxy, startEgressProxy } from "./egressProxy.js"
import { guardNavigations, guardReady } from "./navigationGuard.js"
import { makePinnedResolver, type PinnedResolver, type ResolveHost, systemResolve } from "./pinnedResolver.js"
import { PageOpError, trackPage } from "./pageOps.js"

/** A tab as the control service names it: a stable `t<n>` handle, an optional label, the raw CDP id. */
export interface TabInfo {
  readonly tabId: string
  label: string | undefined
  targetId: string
}

export interface ConsoleEntry {
  readonly level: string
  readonly text: string
  readonly timestamp: number
  readonly targetId: string
}

/** A profile with a browser attached: the Chromium we launched (if we did) and Playwright's connection. */
export interface ProfileRuntime {
  readonly profile: BrowserProfile
  readonly browser: Browser
  readonly context: BrowserContext
  readonly launched: LaunchedChromium | undefined
  readonly headless: boolean
  readonly headlessSource: HeadlessSource
  readonly executable: { readonly path: string; readonly kind: string } | undefined
  readonly userDataDir: string | undefined
  readonly tabs: Map<Page, TabInfo>
  current: Page | undefined
  nextTab: number
  readonly console: Array<ConsoleEntry>
  dialog: { readonly accept: boolean; readonly promptText: string | undefined } | undefined
  upload: { readonly paths: ReadonlyArray<string> } | undefined
  graphics: unknown
  /** The navigation policy every page's document requests are held to (none for the user's own browser). */
  readonly ssrf: SsrfPolicy | undefined
  /** Hostnames resolved once and pinned: the guard's check and the proxy's connection use the same answer. */
  readonly resolver: PinnedResolver
  /** The proxy a managed browser's traffic goes through when private networks are refused. */
  readonly egress: EgressProxy | undefined
}

/** What a launch needs from the host. */
export interface LaunchHost {
  readonly stateDir: string
  readonly home: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly platform: string
  readonly isRoot: boolean
  readonly launchTimeoutMs: number
  /** How hostnames are resolved for the SSRF policy (default: the system resolver). */
  readonly resolveHost?: ResolveHost
}

export const headlessFor = (settings: BrowserSettings, profile: BrowserProfile, host: LaunchHost, request: boolean | undefined) =>
  resolveHeadless({
    request,
    env: host.env["OPENCLAW_BROWSER_HEADLESS"],
    profile: profile.headless,
    config: settings.headless,
    platform: host.platform,
    displayPresent: (host.env["DISPLAY"] ?? "") !== "" || (host.env["WAYLAND_DISPLAY"] ?? "") !== ""
  })

export const executableFor = (profile: BrowserProfile, host: LaunchHost) => detectExecutable(profile.executablePath, existsSync, host.home)

export const userDataDirFor = (profile: BrowserProfile, host: LaunchHost) =>
  profile.userDataDir !== undefined
    ? (profile.userDataDir.startsWith("~/") ? path.join(host.home, profile.userDataDir.slice(2)) : profile.userDataDir)
    : path.join(host.stateDir, "browser", profile.name, "user-data")

/** The navigation policy of a profile: a managed one routed through the user's own proxy cannot check anything. */
export const policyFor = (settings: BrowserSettings, profile: BrowserProfile): SsrfPolicy =>
  isManaged(profile) && routesThroughOwnProxy(settings.extraArgs) ? { ...settings.ssrf, proxyRouted: true } : settings.ssrf

/** A managed profile launches Chromium itself; a loopback cdpUrl without attachOnly is managed too (spec 5.1). */
export const isManaged = (profile: BrowserProfile) => profile.driver === "openclaw" && !profile.attachOnly && (!profile.remote || isLoopback(profile.cdpUrl))

const isLoopback = (url: string | null) => {
  if (url === null) return false
  try {
    const host = new URL(url).hostname
    return host === "localhost" || host.startsWith("127.") || host === "[::1]"
  } catch {
    return false
  }
}

const connect = async (endpoint: string, timeoutMs: number) => {
  const browser = await chromium.connectOverCDP(endpoint, { timeout: timeoutMs })
  const context = browser.contexts()[0] ?? await browser.newContext()
  return { browser, context }
}

const wireRuntime = (runtime: ProfileRuntime) => {
  const watch = (page: Page) => {
    trackPage(page)
    if (runtime.ssrf !== undefined) guardReady.set(page, guardNavigations(page, runtime.ssrf, runtime.resolver).catch(() => {}))
    page.on("console", (message) => {
      runtime.console.push({ level: message.type(), text: message.text(), timestamp: Date.now(), targetId: runtime.tabs.get(page)?.targetId ?? "" })
      if (runtime.console.length > 500) runtime.console.splice(0, runtime.console.length - 500)
    })
    page.on("dialog", (dialog) => {
      const armed = runtime.dialog
      runtime.dialog = undefined
      void (armed === undefined || armed.accept ? dialog.accept(armed?.promptText) : dialog.dismiss()).catch(() => {})
    })
    page.on("filechooser", (chooser) => {
      const armed = runtime.upload
      if (armed === undefined) return
      runtime.upload = undefined
      void chooser.setFiles([...armed.paths]).catch(() => {})
    })
    page.on("close", () => {
      runtime.tabs.delete(page)
      if (runtime.current === page) runtime.current = [...runtime.tabs.keys()].at(-1)
    })
  }
  for (const page of runtime.context.pages()) watch(page)
  runtime.context.on("page", watch)
}

type RuntimeInput = Omit<ProfileRuntime, "tabs" | "current" | "nextTab" | "console" | "dialog" | "upload" | "graphics" | "ssrf" | "resolver" | "egress"> & {
  readonly ssrf?: SsrfPolicy
  readonly resolver?: PinnedResolver
  readonly egress?: EgressProxy
}

const newRuntime = (input: RuntimeInput, host: LaunchHost): ProfileRuntime => {
  const runtime: ProfileRuntime = {
    ...input,
    ssrf: input.ssrf,
    resolver: input.resolver ?? makePinnedResolver(host.resolveHost ?? systemResolve),
    egress: input.egress,
    tabs: new Map(),
    current: undefined,
    nextTab: 1,
    console: [],
    dialog: undefined,
    upload: undefined,
    graphics: null
  }
  wireRuntime(runtime)
  return runtime
}

const launchFailure = (profile: BrowserProfile, port: number, diagnostic: string, host: LaunchHost, noSandbox: boolean, stderr: string) =>
  [
    `Failed to start Chrome CDP on port ${port} for profile "${profile.name}". CDP diagnostic: ${diagnostic}.`,
    ...(host.isRoot && !noSandbox ? ["Hint: If running in a container or as root, try setting browser.noSandbox: true."] : []),
    ...(stderr.trim() === "" ? [] : ["Chrome stderr:", stderr.trim().split("\n").slice(0, 20).join("\n")])
  ].join("\n")

/**
 * Launches the managed profile's Chromium (its own user-data dir, the profile's CDP port) and
 * connects Playwright to it. Retries once when CDP never came up; the message names the port, the
 * profile, the diagnostic and Chrome's stderr.
 */
export const launchManaged = async (settings: BrowserSettings, profile: BrowserProfile, host: LaunchHost, requestHeadless: boolean | undefined): Promise<ProfileRuntime> => {
  const port = profile.cdpPort ?? 0
  const cdpUrl = profile.cdpUrl ?? `http://127.0.0.1:${port}`
  const busy = await probeCdp(cdpUrl, 300)
  if (busy.ok) throw new PageOpError(`Port ${port} is in use for profile "${profile.name}" but not by openclaw`, 409)
  const executable = executableFor(profile, host)
  if ("error" in executable) throw new PageOpError(executable.error, 500)
  const { headless, source } = headlessFor(settings, profile, host, requestHeadless)
  if (!headless && host.platform === "linux" && (host.env["DISPLAY"] ?? "") === "" && (host.env["WAYLAND_DISPLAY"] ?? "") === "") {
    throw new PageOpError(`Profile "${profile.name}" is configured headed (headless from ${source}) but this Linux host has no display (DISPLAY/WAYLAND_DISPLAY unset). Run \`openclaw browser start --headless\` or set browser.headless: true.`, 400, "no_display_for_headed_profile")
  }
  const userDataDir = userDataDirFor(profile, host)
  const resolver = makePinnedResolver(host.resolveHost ?? systemResolve)
  // With private networks refused, Chromium resolves no name itself: its traffic goes through our
  // proxy, which connects to the address the policy checked (a user's own --proxy-server is kept).
  const ownProxy = controlsProxy(settings.extraArgs)
  const egress = settings.ssrf.allowPrivateNetwork || ownProxy ? undefined : await startEgressProxy(settings.ssrf, resolver)
  const args = chromiumArgs({ port, userDataDir, headless, noSandbox: settings.noSandbox, extraArgs: settings.extraArgs, proxyPort: egress?.port })
  installExitHook()
  try {
    if (egress !== undefined) restrictWebRtc(userDataDir)
    return await launchWithRetry({ settings, profile, host, executable, args, cdpUrl, port, userDataDir, headless, source, resolver, egress })
  } catch (error) {
    await egress?.close()
    throw error
  }
}

/**
 * WebRTC sends its own UDP (STUN, peers) to any address, around the proxy: the profile's
 * `webrtc.ip_handling_policy` limits it to proxied connections. Chromium keeps its Preferences file
 * as JSON; the rest of it is left as it is.
 */
const restrictWebRtc = (userDataDir: string) => {
  const file = path.join(userDataDir, "Default", "Preferences")
  let preferences: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"))
    if (isRecord(parsed)) preferences = { ...parsed }
  } catch {
    // no profile yet (first launch) or an unreadable one: Chromium starts from ours
  }
  const webrtc = isRecord(preferences["webrtc"]) ? preferences["webrtc"] : {}
  preferences["webrtc"] = { ...webrtc, ip_handling_policy: "disable_non_proxied_udp" }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(`${file}.openclaw-tmp`, JSON.stringify(preferences), { mode: 0o600 })
  renameSync(`${file}.openclaw-tmp`, file)
}

const launchWithRetry = async (input: {
  readonly settings: BrowserSettings
  readonly profile: BrowserProfile
  readonly host: LaunchHost
  readonly executable: { readonly path: string; readonly kind: string }
  readonly args: ReadonlyArray<string>
  readonly cdpUrl: string
  readonly port: number
  readonly userDataDir: string
  readonly headless: boolean
  readonly source: HeadlessSource
  readonly resolver: PinnedResolver
  readonly egress: EgressProxy | undefined
}): Promise<ProfileRuntime> => {
  const { settings, profile, host, executable, args, cdpUrl, port, userDataDir, headless, source, resolver, egress } = input
  let lastError = ""
  for (let attempt = 1; attempt <= 2; attempt++) {
    const launched = spawnChromium(executable.path, args, userDataDir)
    const ready = await waitForCdp(cdpUrl, launched, host.launchTimeoutMs)
    if (ready.ok) {
      try {
        const { browser, context } = await connect(cdpUrl, host.launchTimeoutMs)
        return newRuntime({ profile, browser, context, launched, headless, headlessSource: source, executable, userDataDir, ssrf: policyFor(settings, profile), resolver, ...(egress === undefined ? {} : { egress }) }, host)
      } catch (error) {
        await killChromium(launched)
        lastError = launchFailure(profile, port, `websocket_unreachable after ${ready.elapsedMs}ms; cdp=${cdpUrl}; ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, host, settings.noSandbox, launched.stderr())
        continue
      }
    }
    await killChromium(launched)
    lastError = launchFailure(profile, port, `http_unreachable after ${ready.elapsedMs}ms; cdp=${cdpUrl}; ${ready.error}`, host, settings.noSandbox, launched.stderr())
    // A process that exited on its own fails the same way again: no second attempt.
    if (launched.child.exitCode !== null && launched.child.signalCode === null) break
  }
  throw new PageOpError(lastError, 500)
}

/** Attaches to a browser we did not launch: a remote `cdpUrl`, or an attach-only local port. */
export const attachRemote = async (settings: BrowserSettings, profile: BrowserProfile, host: LaunchHost): Promise<ProfileRuntime> => {
  const cdpUrl = profile.cdpUrl ?? `http://127.0.0.1:${profile.cdpPort ?? 0}`
  const isWs = /^wss?:/i.test(cdpUrl)
  if (!isWs) {
    const probe = await probeCdp(cdpUrl, Math.min(host.launchTimeoutMs, 5000))
    if (!probe.ok) {
      throw new PageOpError(profile.attachOnly ? `Browser attachOnly is enabled and profile "${profile.name}" is not running.` : `Remote CDP for profile "${profile.name}" is not reachable at ${cdpUrl}.`, 503)
    }
  }
  try {
    const { browser, context } = await connect(cdpUrl, Math.min(host.launchTimeoutMs, 10_000))
    const { headless, source } = headlessFor(settings, profile, host, undefined)
    return newRuntime({ profile, browser, context, launched: undefined, headless, headlessSource: source, executable: undefined, userDataDir: undefined, ssrf: settings.ssrf }, host)
  } catch {
    throw new PageOpError(profile.attachOnly ? `Browser attachOnly is enabled and CDP websocket for profile "${profile.name}" is not reachable` : `Remote CDP for profile "${profile.name}" is not reachable at ${cdpUrl}.`, 503)
  }
}

/**
 * Attaches an `existing-session` profile to the user's running Chrome the way Chrome DevTools MCP's
 * auto-connect does: through the `DevToolsActivePort` file in its user-data dir (or its `cdpUrl`).
 */
export const attachExistingSession = async (profile: BrowserProfile, host: LaunchHost): Promise<ProfileRuntime> => {
  let endpoint = profile.cdpUrl ?? undefined
  if (endpoint === undefined) {
    const dir = profile.userDataDir !== undefined ? userDataDirFor(profile, host) : path.join(host.home, ".config", "google-chrome")
    const file = path.join(dir, "DevToolsActivePort")
    if (!existsSync(file)) throw new PageOpError("Could not find DevToolsActivePort for chrome", 503)
    const [port, wsPath] = readFileSync(file, "utf8").split("\n")
    endpoint = `ws://127.0.0.1:${port?.trim() ?? ""}${wsPath?.trim() ?? ""}`
  }
  let runtime: ProfileRuntime
  try {
    const { browser, context } = await connect(endpoint, 10_000)
    runtime = newRuntime({ profile, browser, context, launched: undefined, headless: false, headlessSource: "default", executable: undefined, userDataDir: undefined }, host)
  } catch {
    throw new PageOpError("Could not find DevToolsActivePort for chrome", 503)
  }
  if (runtime.context.pages().length === 0) {
    await runtime.browser.close().catch(() => {})
    throw new PageOpError(`No browser tabs found for profile="${profile.name}"`, 404)
  }
  return runtime
}

/**
 * Ends the control session: emulation overrides released on every tab, Playwright disconnected, and
 * the browser process killed only when this gateway launched it.
 */
export const stopRuntime = async (runtime: ProfileRuntime) => {
  if (runtime.launched === undefined) {
    for (const page of runtime.context.pages()) {
      try {
        const session = await runtime.context.newCDPSession(page)
        await session.send("Emulation.clearDeviceMetricsOverride").catch(() => {})
        await session.send("Emulation.setEmulatedMedia", { media: "", features: [] }).catch(() => {})
        await session.send("Emulation.setTimezoneOverride", { timezoneId: "" }).catch(() => {})
        await session.send("Emulation.setLocaleOverride", {}).catch(() => {})
        await session.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }).catch(() => {})
        await session.detach().catch(() => {})
      } catch {
        // a tab closing meanwhile has nothing left to release
      }
    }
  }
  await runtime.browser.close().catch(() => {})
  if (runtime.launched !== undefined) await killChromium(runtime.launched)
  await runtime.egress?.close()
}
