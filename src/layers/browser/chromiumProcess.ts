import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync } from "node:fs"

/** A Chromium this gateway launched. */
export interface LaunchedChromium {
  readonly pid: number
  readonly child: ChildProcess
  readonly exited: Promise<void>
  readonly stderr: () => string
}

/** Flags every managed launch gets: no first-run UI, no background traffic (closed networks), software GPU. */
const BASE_FLAGS = [
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--disable-gpu",
  "--disable-features=NetworkPrediction,Translate,MediaRouter",
  "--disable-default-apps",
  "--password-store=basic",
  "--use-mock-keychain",
  "--remote-debugging-address=127.0.0.1"
]

export const chromiumArgs = (input: {
  readonly port: number
  readonly userDataDir: string
  readonly headless: boolean
  readonly noSandbox: boolean
  readonly extraArgs: ReadonlyArray<string>
  /** The egress proxy every request goes through, loopback included (`<-loopback>` drops Chromium's implicit bypass). */
  readonly proxyPort?: number | undefined
}): ReadonlyArray<string> => [
  ...BASE_FLAGS,
  `--remote-debugging-port=${input.port}`,
  // The DevTools pipe on fds 3/4: Chromium exits when it closes, so it never outlives the gateway,
  // even when the gateway is killed without running its finalizers.
  "--remote-debugging-pipe",
  `--user-data-dir=${input.userDataDir}`,
  ...(input.headless ? ["--headless=new", "--hide-scrollbars", "--mute-audio"] : []),
  ...(input.noSandbox ? ["--no-sandbox", "--disable-setuid-sandbox"] : []),
  ...(input.proxyPort === undefined ? [] : [`--proxy-server=http://127.0.0.1:${input.proxyPort}`, "--proxy-bypass-list=<-loopback>"]),
  ...input.extraArgs,
  "about:blank"
]

/** Spawns Chromium in its own process group (so stop kills its helpers too). */
export const spawnChromium = (executable: string, args: ReadonlyArray<string>, userDataDir: string): LaunchedChromium => {
  mkdirSync(userDataDir, { recursive: true, mode: 0o700 })
  const child = spawn(executable, [...args], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true })
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 16_384) stderr += chunk.toString("utf8")
  })
  // The pipe ends are only held open; a write error after exit must not crash the gateway.
  for (const fd of [3, 4]) (child.stdio[fd] as NodeJS.EventEmitter | null | undefined)?.on("error", () => {})
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.once("error", (error) => {
      stderr += String(error)
      resolve()
    })
  })
  launched.add(child)
  void exited.then(() => launched.delete(child))
  return { pid: child.pid ?? -1, child, exited, stderr: () => stderr }
}

/** Every Chromium still running that this process launched: killed synchronously if the process exits. */
const launched = new Set<ChildProcess>()
let exitHookInstalled = false
export const installExitHook = () => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const child of launched) killGroup(child, "SIGKILL")
  })
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the process has exited. */
export const killChromium = async (chromium: LaunchedChromium, graceMs = 2000) => {
  if (chromium.child.exitCode !== null || chromium.child.signalCode !== null) return
  killGroup(chromium.child, "SIGTERM")
  const timer = setTimeout(() => killGroup(chromium.child, "SIGKILL"), graceMs)
  await chromium.exited
  clearTimeout(timer)
  // Renderer and zygote helpers share the group: make sure none is left.
  killGroup(chromium.child, "SIGKILL")
}

/** `GET <cdp>/json/version`: the browser's WebSocket endpoint, or why it could not be read. */
export const probeCdp = async (cdpUrl: string, timeoutMs: number): Promise<{ readonly ok: true; readonly webSocketDebuggerUrl: string; readonly browser: string } | { readonly ok: false; readonly error: string }> => {
  const base = cdpUrl.replace(/^ws/, "http").replace(/\/$/, "")
  try {
    const response = await fetch(`${base}/json/version`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) return { ok: false, error: `HTTP ${response.status}` }
    const body = await response.json() as { webSocketDebuggerUrl?: unknown; Browser?: unknown }
    return { ok: true, webSocketDebuggerUrl: String(body.webSocketDebuggerUrl ?? ""), browser: String(body.Browser ?? "") }
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ""
    return { ok: false, error: `${error instanceof Error ? error.message : String(error)}${cause}` }
  }
}

/** Polls `/json/version` until it answers, the process exits, or `timeoutMs` passes. */
export const waitForCdp = async (cdpUrl: string, chromium: LaunchedChromium, timeoutMs: number) => {
  const started = Date.now()
  let last: Awaited<ReturnType<typeof probeCdp>> = { ok: false, error: "not probed" }
  let exited = false
  void chromium.exited.then(() => {
    exited = true
  })
  while (Date.now() - started < timeoutMs) {
    last = await probeCdp(cdpUrl, 500)
    if (last.ok) return { ok: true as const, elapsedMs: Date.now() - started }
    if (exited) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { ok: false as const, elapsedMs: Date.now() - started, error: last.ok ? "" : last.error }
}
