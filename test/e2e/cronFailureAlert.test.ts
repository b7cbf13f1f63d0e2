import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { useTelegramGateway } from "../support/telegramGateway.js"
import { until } from "../support/until.js"

const GATEWAY_TOKEN = "failure-alert-e2e-token-0123456789"
const BOT_TOKEN = "777111:AAfailure-alert-e2e-bot-token"
const OWNER = 4242

interface Hook {
  readonly url: string
  readonly bodies: Array<Record<string, unknown>>
  readonly headers: Array<http.IncomingHttpHeaders>
  readonly close: () => Promise<void>
}

/** A webhook receiver on 127.0.0.1 recording every POST. */
const startHook = async (): Promise<Hook> => {
  const bodies: Array<Record<string, unknown>> = []
  const headers: Array<http.IncomingHttpHeaders> = []
  const server = http.createServer((req, res) => {
    let data = ""
    req.on("data", (chunk) => (data += chunk))
    req.on("end", () => {
      bodies.push(JSON.parse(data))
      headers.push(req.headers)
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as { port: number }).port
  return { url: `http://127.0.0.1:${port}/alerts`, bodies, headers, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

// Failure alerts (issue 11 item 7): a real `gateway run`, the Telegram adapter on a fake Bot API, a webhook
// receiver on 127.0.0.1 and the CLI's `cron edit --failure-alert*` flags.
describe("a failing automation alerts its owner", { timeout: 180_000 }, () => {
  const gw = useTelegramGateway({
    gatewayToken: GATEWAY_TOKEN,
    botToken: BOT_TOKEN,
    modelReply: "ok",
    telegram: { dmPolicy: "open", allowFrom: ["*"] },
    config: {
      agents: { defaults: { userTimezone: "UTC" } },
      // Only this receiver may be reached on the private network; 127.0.0.2 stays refused.
      cron: { webhookToken: "hook-secret", webhookSsrfPolicy: { allowedHostnames: ["127.0.0.1"] } }
    }
  })
  const cli = (args: ReadonlyArray<string>) => runCliAsync(gw.home.home, args, {}, 60_000)
  let hook: Hook
  let rpc: RawClient
  let jobId = ""

  beforeAll(async () => {
    hook = await startHook()
    const port = JSON.parse(fs.readFileSync(gw.home.configPath, "utf8")).gateway.port as number
    rpc = (await connectRaw(`ws://127.0.0.1:${port}`, { token: GATEWAY_TOKEN, scopes: ["operator.admin"] })).client
  })
  afterAll(async () => {
    rpc?.close()
    await hook?.close()
  })

  type ListedJob = { readonly id?: string; readonly failureAlert?: unknown; readonly state: Record<string, unknown> }
  const job = async (): Promise<ListedJob> => {
    const res = await call(rpc, "cron.list", { includeDisabled: true })
    return (res.payload as { jobs: Array<ListedJob> }).jobs.find((j) => j.id === jobId) ?? { state: {} }
  }
  /** Runs the job by hand and waits until its run, and any alert it sends, are recorded. */
  const runOnce = async () => {
    const before = ((await call(rpc, "cron.runs", { id: jobId, limit: 500 })).payload as { total: number }).total
    expect((await call(rpc, "cron.run", { id: jobId })).ok).toBe(true)
    await until("the run to be recorded", async () => (((await call(rpc, "cron.runs", { id: jobId, limit: 500 })).payload as { total: number }).total > before ? true : undefined), 30_000)
    return until("the alert to settle", async () => {
      const current = await job()
      return current.state["lastFailureNotificationDeliveryStatus"] === "unknown" ? undefined : current
    }, 30_000)
  }

  it("cron edit --failure-alert-after 1 --failure-alert-cooldown 0s: the next failure is announced in the owner's chat, with the cause and not the raw error", async () => {
    const added = await cli(["cron", "add", "--name", "nightly backup", "--every", "1h", "--command", "echo 'token=hunter2 in /srv/backup' >&2; exit 3", "--announce", "--channel", "telegram", "--to", String(OWNER)])
    expect(added.code, added.stderr).toBe(0)
    jobId = JSON.parse(added.stdout).id
    const edited = await cli(["cron", "edit", jobId, "--failure-alert-after", "1", "--failure-alert-cooldown", "0s"])
    expect(edited.code, edited.stderr).toBe(0)
    expect(JSON.parse(edited.stdout).failureAlert).toEqual({ after: 1, cooldownMs: 0 })

    const after = await runOnce()
    await gw.telegram.waitForSent((sent) => sent.some((m) => m.text.startsWith("Automation \"nightly backup\"")), 30_000)
    const alert = gw.telegram.sent.find((m) => m.text.startsWith("Automation \"nightly backup\""))
    expect(String(alert?.chat_id)).toBe(String(OWNER))
    expect(alert?.text).toMatch(/^Automation "nightly backup" failed 1 times\nCause: command exited with code 3\nRun started: \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)
    expect(alert?.text).not.toContain("hunter2")
    // The raw error stays in the run history and the job's state, with the alert's outcome.
    expect(after.state).toMatchObject({ consecutiveErrors: 1, lastFailureNotificationDeliveryStatus: "delivered", lastError: expect.stringContaining("hunter2") })
    expect(typeof after.state["lastFailureAlertAtMs"]).toBe("number")
  })

  it("cron get shows the policy in the job, and the state on disk matches", async () => {
    const shown = await cli(["cron", "get", jobId])
    expect(shown.code, shown.stderr).toBe(0)
    const got = JSON.parse(shown.stdout)
    expect(got).toMatchObject({ id: jobId, failureAlert: { after: 1, cooldownMs: 0 }, state: { lastFailureNotificationDeliveryStatus: "delivered", consecutiveErrors: 1 } })
    const listed = await cli(["cron", "list", "--json"])
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout).jobs.find((j: { id: string }) => j.id === jobId)).toMatchObject({ failureAlert: { after: 1, cooldownMs: 0 }, lastFailureNotificationDeliveryStatus: "delivered" })
    const onDisk = JSON.parse(fs.readFileSync(path.join(path.dirname(gw.home.configPath), "cron", "jobs.json"), "utf8")).jobs.find((j: { id: string }) => j.id === jobId)
    expect(onDisk.failureAlert).toEqual({ after: 1, cooldownMs: 0 })
    expect(onDisk.state).toMatchObject({ lastFailureAlertAtMs: got.state.lastFailureAlertAtMs, consecutiveErrors: 1, lastFailureNotificationDeliveryStatus: "delivered" })
  })

  it("webhook mode to a private host that is not allowed is refused by the SSRF policy; nothing is posted", async () => {
    const blocked = hook.url.replace("127.0.0.1", "127.0.0.2")
    const edited = await cli(["cron", "edit", jobId, "--failure-alert-mode", "webhook", "--failure-alert-to", blocked])
    expect(edited.code, edited.stderr).toBe(0)
    // The edit is merged over the job's policy.
    expect(JSON.parse(edited.stdout).failureAlert).toEqual({ after: 1, cooldownMs: 0, mode: "webhook", to: blocked })
    const after = await runOnce()
    expect(after.state).toMatchObject({ lastFailureNotificationDeliveryStatus: "not-delivered" })
    expect(after.state["lastFailureNotificationDeliveryError"]).toContain("webhook blocked by SSRF policy: 127.0.0.2 is a private-network address")
    expect(hook.bodies).toEqual([])
  })

  it("webhook mode to the allowed receiver POSTs the alert with the raw error, the run time and the bearer token", async () => {
    const edited = await cli(["cron", "edit", jobId, "--failure-alert-to", hook.url])
    expect(edited.code, edited.stderr).toBe(0)
    const after = await runOnce()
    expect(after.state).toMatchObject({ lastFailureNotificationDeliveryStatus: "delivered", consecutiveErrors: 3 })
    expect(hook.bodies).toHaveLength(1)
    expect(hook.bodies[0]).toMatchObject({
      jobId,
      jobName: "nightly backup",
      message: "Automation \"nightly backup\" failed 3 times\nLast error: command exited with code 3: token=hunter2 in /srv/backup",
      runAtMs: expect.any(Number),
      kind: "failed",
      count: 3
    })
    expect(hook.headers[0]?.authorization).toBe("Bearer hook-secret")
  })

  it("--no-failure-alert silences the job; contradictory or bad flags are refused with the flag's name", async () => {
    const off = await cli(["cron", "edit", jobId, "--no-failure-alert"])
    expect(off.code, off.stderr).toBe(0)
    expect(JSON.parse(off.stdout).failureAlert).toBe(false)
    const telegramBefore = gw.telegram.sent.length
    await runOnce()
    expect(hook.bodies).toHaveLength(1)
    expect(gw.telegram.sent.length).toBe(telegramBefore)
    const both = await cli(["cron", "edit", jobId, "--no-failure-alert", "--failure-alert-after", "2"])
    expect([both.code, both.stderr.trim()]).toEqual([1, "Use --no-failure-alert alone (without failure-alert-* options)."])
    const zero = await cli(["automations", "edit", jobId, "--failure-alert-after", "0"])
    expect([zero.code, zero.stderr.trim()]).toEqual([1, "Invalid --failure-alert-after (must be a positive integer)."])
    // Nothing was changed by the refused edits.
    expect((await job()).failureAlert).toBe(false)
  })

  it("the RPCs refuse a bad policy and a failure destination where the job cannot have one", async () => {
    const bad = await call(rpc, "cron.update", { id: jobId, patch: { failureAlert: { after: 0 } } })
    expect(bad.ok).toBe(false)
    expect(bad.error?.code).toBe("INVALID_REQUEST")
    expect(bad.error?.message).toContain("failureAlert")
    const main = await call(rpc, "cron.add", {
      name: "main reminder",
      schedule: { kind: "every", everyMs: 3_600_000 },
      payload: { kind: "systemEvent", text: "stand up" },
      sessionTarget: "main",
      delivery: { mode: "none", failureDestination: { channel: "telegram", to: String(OWNER) } }
    })
    expect(main.ok).toBe(false)
    expect(main.error?.message).toBe("delivery.failureDestination is only supported for sessionTarget \"isolated\" jobs (or with delivery.mode \"webhook\")")
  })
})
