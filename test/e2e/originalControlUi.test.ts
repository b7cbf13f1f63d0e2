import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import os from "node:os"
import * as path from "node:path"
import { type Browser, chromium } from "playwright-core"
import { CHROMIUM } from "../support/browserHarness.js"
import { type ModelGatewayProcess, startModelGatewayProcess } from "../support/modelGatewayProcess.js"
import { startStaticSpaServer } from "../support/staticSpaServer.js"
import { type RecordedCall, recordFrames, settled } from "../support/wsFrameLog.js"

// The original OpenClaw 2026.9.6's Control UI bundle (../shared/tools/openclaw-original/setup.sh installs it).
const bundleDir = process.env["OPENCLAW_ORIGINAL_CONTROL_UI"] ??
  path.join(os.homedir(), ".cache/openclaw-original/node_modules/openclaw/dist/control-ui")
const bundlePresent = fs.existsSync(path.join(bundleDir, "index.html"))
if (!bundlePresent) console.log(`originalControlUi: skipped, no original Control UI bundle at ${bundleDir} (set OPENCLAW_ORIGINAL_CONTROL_UI)`)

const TOKEN = "origui-token"
const SHOTS = process.env["ORIGUI_SHOTS"] ?? ""

/**
 * Every page load: the boot list of spec control-ui.md section 5 (the shell set comes on workspace pages).
 * `users.prefs.get` is asked only of gateways whose hello names a user profile (none here: one operator),
 * so the UI keeps its preferences in the browser.
 */
const BOOT = ["sessions.subscribe", "sessions.list", "config.get", "agents.list", "exec.approval.list", "agent.identity.get"]
const SHELL = ["cron.list", "cron.status", "models.authStatus"]

/** The views of the original UI and methods each must have answered before it counts as loaded. */
const VIEWS: ReadonlyArray<{ readonly name: string; readonly path: string; readonly expects: ReadonlyArray<string> }> = [
  { name: "overview", path: "/", expects: [...BOOT] },
  { name: "chat", path: "/chat/main", expects: [...BOOT, ...SHELL, "chat.startup", "sessions.describe", "sessions.messages.subscribe", "chat.metadata", "tasks.list"] },
  { name: "sessions", path: "/sessions", expects: [...BOOT, ...SHELL] },
  { name: "channels", path: "/settings/channels", expects: [...BOOT, "channels.status", "channels.pairing.list", "config.schema"] },
  { name: "devices", path: "/settings/devices", expects: [...BOOT, "system.info", "device.pair.list", "node.list", "system-presence"] },
  { name: "logs", path: "/logs", expects: [...BOOT, "logs.tail"] },
  { name: "automations", path: "/automations", expects: [...BOOT, "cron.runs", "cron.list"] },
  { name: "config", path: "/settings/advanced", expects: [...BOOT, "config.schema"] },
  { name: "debug", path: "/debug", expects: [...BOOT, "status", "health", "diagnostics.lanes", "last-heartbeat"] },
  { name: "connection", path: "/settings/connection", expects: [...BOOT, "last-heartbeat", "system.info"] },
  { name: "systems", path: "/systems", expects: [...BOOT, "environments.list", "node.list", "system.info"] },
  { name: "tasks", path: "/tasks", expects: [...BOOT, "tasks.list"] },
  { name: "approvals", path: "/settings/approvals", expects: [...BOOT, "approval.history", "exec.approval.grants.list"] }
  // Not the usage view (`/usage`): its `sessions.usage` (per-day token and cost breakdowns) is not served yet.
]

const outcome = (call: RecordedCall) =>
  call.answer === undefined ? "no answer" : call.answer.ok ? "ok" : `ERROR ${call.answer.error?.code ?? ""}: ${call.answer.error?.message ?? ""}`

const paramKeys = (params: unknown) =>
  params !== null && typeof params === "object" ? Object.keys(params).join(",") : String(params)

describe("the original Control UI (2026.9.6 bundle) against our gateway", () => {
  let gateway: ModelGatewayProcess
  let ui: Awaited<ReturnType<typeof startStaticSpaServer>>
  let browser: Browser

  beforeAll(async () => {
    if (!bundlePresent) return
    gateway = await startModelGatewayProcess(TOKEN)
    ui = await startStaticSpaServer(bundleDir)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] })
  }, 60_000)

  afterAll(async () => {
    if (!bundlePresent) return
    await browser?.close()
    await ui?.close()
    expect(await gateway?.stop()).toBe(0)
  })

  it.skipIf(!bundlePresent)("connects, boots and loads every view with every call answered ok", async () => {
    // The bundle's service worker only caches assets; blocked so each visit is a fresh page load.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: "block" })
    await context.addInitScript((auth) => {
      ;(globalThis as any).__OPENCLAW_NATIVE_CONTROL_AUTH__ = auth
    }, { gatewayUrl: `ws://127.0.0.1:${gateway.port}`, token: TOKEN })
    const page = await context.newPage()
    const log = recordFrames(page)
    page.on("console", (m) => process.env["ORIGUI_DEBUG"] && console.log("console:", m.type(), m.text().slice(0, 300)))
    page.on("websocket", (ws) => process.env["ORIGUI_DEBUG"] && console.log("websocket:", ws.url()))
    page.on("response", (r) => process.env["ORIGUI_DEBUG"] && r.status() >= 400 && console.log("http", r.status(), r.url()))
    page.on("framenavigated", (f) => process.env["ORIGUI_DEBUG"] && f === page.mainFrame() && console.log("navigated:", f.url()))
    const starts: Array<{ readonly name: string; readonly from: number }> = []
    try {
      for (const view of VIEWS) {
        const from = log.calls.length
        starts.push({ name: view.name, from })
        await page.goto(`${ui.baseUrl}${view.path}`)
        const answered = (method: string) => log.calls.slice(from).some((c) => c.method === method && c.answer !== undefined)
        await log.until(() => log.calls.slice(from).some((c) => c.method === "connect" && c.answer?.ok === true), 30_000, () => `no hello-ok on ${view.path}: ${log.calls.slice(from).map((c) => `${c.method} ${outcome(c)}`).join("; ")}`)
        await log.until(() => view.expects.every(answered), 30_000, () => `${view.name} never called/answered: ${view.expects.filter((m) => !answered(m)).join(", ")}`)
        if (view.name === "logs") {
          // The logs view polls every 2 s with the cursor of the previous answer.
          await log.until(() => log.calls.slice(from).some((c) => c.method === "logs.tail" && (c.params as any)?.cursor !== undefined && c.answer !== undefined), 15_000, () => "no logs.tail poll with a cursor")
        }
        await settled(log, from, 1_500, 30_000)
        // What the views show: no error the UI raised about an answer (unknown method, bad params, a page it refuses).
        const shown = await page.locator("body").innerText()
        for (const complaint of ["unknown method", "invalid params", "returned an invalid"]) {
          expect(shown.includes(complaint), `${view.name} shows "${complaint}"`).toBe(false)
        }
        if (SHOTS !== "") {
          fs.mkdirSync(SHOTS, { recursive: true })
          await page.screenshot({ path: path.join(SHOTS, `${view.name}.png`) })
        }
      }
    } finally {
      const rows = log.calls.map((call, index) => {
        const view = [...starts].reverse().find((s) => s.from <= index)?.name ?? ""
        return `${view.padEnd(12)} ${call.method.padEnd(40)} {${paramKeys(call.params)}} ${outcome(call)}`
      })
      console.log(["view         method                                   {params}  outcome", ...rows].join("\n"))
      await context.close()
    }
    const failed = log.calls.filter((c) => c.answer === undefined || !c.answer.ok)
    expect(failed.map((c) => `${c.method} ${outcome(c)}`)).toEqual([])
  }, 600_000)
})
