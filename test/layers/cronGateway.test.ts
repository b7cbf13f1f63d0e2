import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentMethodsLive } from "../../src/layers/gateway/methods/agentMethods.js"
import * as http from "node:http"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"
import { recordingDelivery } from "../support/cronTestLayers.js"
import { freePort } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "cron-test-token-0123456789"

interface CronGateway {
  readonly gw: RunningGateway
  readonly admin: RawClient
  readonly reader: RawClient
  readonly sent: ReturnType<typeof recordingDelivery>["sent"]
  readonly close: () => Promise<void>
}

/** A real gateway with the cron feature, the agent stack on the scripted model, and a recording channel layer. */
const startCronGateway = async (model: ScriptedModelServer, extra: Record<string, unknown>, channels: Record<string, ReadonlyArray<string>> = { telegram: ["default"] }, lastRoutes = {}): Promise<CronGateway> => {
  const delivery = recordingDelivery(channels, lastRoutes)
  const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
  const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model), ...extra }
  const gw = await startGateway(config, {}, (base) => {
    // One agent stack for chat and cron, as `gateway run` wires it.
    const agentStack = AgentStackLive({ tools: [], policy })
    return [
      AgentMethodsLive.pipe(Layer.provide(agentStack), Layer.provide(base)),
      CronFeatureLive({ retryBusyForMs: 0 }).pipe(Layer.provide(agentStack), Layer.provide(delivery.layer), Layer.provide(base))
    ]
  }, "clawgate-crongw-")
  const admin = (await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.admin"] })).client
  const reader = (await connectRaw(gw.url, { token: TOKEN, scopes: ["operator.read"] })).client
  return {
    gw,
    admin,
    reader,
    sent: delivery.sent,
    close: async () => {
      admin.close()
      reader.close()
      await gw.stop()
    }
  }
}

const ok = async (client: RawClient, method: string, params?: unknown) => {
  const res = await call(client, method, params)
  if (res.ok !== true) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`)
  return res.payload
}

const until = async <A>(probe: () => Promise<A | undefined>, timeoutMs = 8000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error("timed out waiting")
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Runs a job now and waits for its run entry. */
const runAndWait = async (c: CronGateway, id: string) => {
  const before = (await ok(c.reader, "cron.runs", { id, limit: 200 })).total
  const started = await ok(c.admin, "cron.run", { id })
  expect(started).toMatchObject({ ok: true, enqueued: true })
  return until(async () => {
    const page = await ok(c.reader, "cron.runs", { id, limit: 200 })
    return page.total > before ? page.entries[0] : undefined
  })
}

const heartbeatJobId = async (c: CronGateway) => {
  const list = await ok(c.reader, "cron.list", { includeDisabled: true })
  return list.jobs.find((j: { declarationKey?: string }) => j.declarationKey === "heartbeat:main").id as string
}

/** Runs the heartbeat job once and answers the last heartbeat and the job's run entry. */
const heartbeatOnce = async (c: CronGateway) => {
  const entry = await runAndWait(c, await heartbeatJobId(c))
  return { entry, last: await ok(c.reader, "last-heartbeat", {}) }
}

const TELEGRAM = { channels: { telegram: { botToken: "123:abc", allowFrom: ["12345"] } } }

// These tests run a dozen built CLIs each: a second apiece on a quiet machine, several on a busy one.
const SPAWNED_CLI_TIMEOUT_MS = 60_000

describe("cron and heartbeat over a real gateway", () => {
  let model: ScriptedModelServer
  let c: CronGateway
  beforeAll(async () => {
    model = await startScriptedModelServer()
    // Webhooks to a private address are refused unless allowed: the test's receiver is on 127.0.0.1.
    c = await startCronGateway(model, { ...TELEGRAM, cron: { webhookSsrfPolicy: { allowedHostnames: ["127.0.0.1"] } } })
  })
  afterAll(async () => {
    await c.close()
    await model.close()
  })

  it("reads need operator.read, mutations operator.admin", async () => {
    expect(await ok(c.reader, "cron.status", {})).toMatchObject({ enabled: true, storage: "json", jobs: 1, storePath: path.join(c.gw.dir, "cron", "jobs.json") })
    const refused = await call(c.reader, "cron.add", { name: "x", schedule: { kind: "every", everyMs: 60000 }, payload: { kind: "systemEvent", text: "x" } })
    expect(refused.ok).toBe(false)
    expect(refused.error?.details).toMatchObject({ code: "MISSING_SCOPE", missingScope: "operator.admin" })
    expect((await call(c.reader, "cron.run", { id: "x" })).error?.details?.missingScope).toBe("operator.admin")
    expect((await call(c.reader, "set-heartbeats", { enabled: false })).ok).toBe(false)
    expect(await ok(c.reader, "last-heartbeat", {})).toBe(null)
    const unknown = await call(c.reader, "cron.runs", { id: "does-not-exist", limit: 20 })
    expect(unknown.error?.message).toBe("Automation not found: does-not-exist. Run `openclaw cron list` to see recent automation ids.")
  })

  it("a command job runs as a real child process and its output is announced to the channel", async () => {
    const job = await ok(c.admin, "cron.add", { name: "runbook-cmd", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["sh", "-lc", "echo hello-from-cron; echo pid=$$ >&2"] }, delivery: { mode: "announce", channel: "telegram", to: "12345" } })
    expect(job).toMatchObject({ name: "runbook-cmd", enabled: true, sessionTarget: "isolated", wakeMode: "now", deliveryPreview: { label: "announce -> telegram" } })
    const entry = await runAndWait(c, job.id)
    expect(entry).toMatchObject({ jobId: job.id, action: "finished", status: "ok", completionStatus: "succeeded", summary: "hello-from-cron", delivered: true, deliveryStatus: "delivered", jobName: "runbook-cmd" })
    expect(c.sent.at(-1)).toEqual({ target: { channel: "telegram", to: "12345" }, text: "hello-from-cron" })
    const failing = await ok(c.admin, "cron.add", { name: "exit-3", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["sh", "-c", "echo bad >&2; exit 3"] }, delivery: { mode: "none" } })
    expect(await runAndWait(c, failing.id)).toMatchObject({ status: "error", error: "command exited with code 3: bad" })
    const listed = await ok(c.reader, "cron.list", {})
    expect(listed.jobs.find((j: { id: string }) => j.id === failing.id)).toMatchObject({ status: "error", lastRunStatus: "error", lastRunError: "command exited with code 3: bad", effectiveAgentId: "main" })
  })

  it("an announce with no route is recorded as not delivered, with the original's reason", async () => {
    const job = await ok(c.admin, "cron.add", { name: "no-route", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["echo", "hi"] }, delivery: { mode: "announce", channel: "last" } })
    expect(job.deliveryPreview.detail).toMatch(/^last -> no route, will fail-closed: Channel is required/)
    const entry = await runAndWait(c, job.id)
    expect(entry).toMatchObject({ status: "ok", completionStatus: "failed", delivered: false, deliveryStatus: "not-delivered" })
    expect(entry.deliveryError).toMatch(/^Channel is required \(no configured channels detected\)/)
  })

  it("an agentTurn job runs through the agent runner on the model and delivers the reply", async () => {
    model.script.push({ text: "Report: all good" })
    const job = await ok(c.admin, "cron.add", { name: "report", schedule: { kind: "cron", expr: "0 9 * * *", tz: "Europe/Berlin" }, payload: { kind: "agentTurn", message: "Write the report" }, delivery: { mode: "announce", channel: "telegram", to: "12345" } })
    const entry = await runAndWait(c, job.id)
    expect(entry).toMatchObject({ status: "ok", summary: "Report: all good", delivered: true, sessionKey: `agent:main:cron:${job.id}`, model: "m1", provider: "fake" })
    expect(c.sent.at(-1)?.text).toBe("Report: all good")
  })

  it("a heartbeat alert reaches the owner; HEARTBEAT_OK is an ack that is not delivered", async () => {
    const events: Array<unknown> = []
    model.script.push({ text: "The oven is on!" })
    const first = await heartbeatOnce(c)
    expect(first.last).toMatchObject({ status: "sent", channel: "telegram", to: "12345", preview: "The oven is on!", indicatorType: "alert" })
    expect(first.entry).toMatchObject({ status: "ok", jobName: "heartbeat-main", deliveryStatus: "not-requested" })
    expect(c.sent.at(-1)).toEqual({ target: { channel: "telegram", to: "12345" }, text: "The oven is on!" })
    const sentBefore = c.sent.length
    model.script.push({ text: "HEARTBEAT_OK" })
    const second = await heartbeatOnce(c)
    expect(second.last).toMatchObject({ status: "ok-token", indicatorType: "ok", silent: true })
    expect(c.sent.length).toBe(sentBefore)
    // The read-only client saw `heartbeat` and `cron` events.
    const hb = await c.reader.next((f) => f.type === "event" && f.event === "heartbeat", 2000)
    const cronEvent = await c.reader.next((f) => f.type === "event" && f.event === "cron", 2000)
    events.push(hb, cronEvent)
    expect(events).toHaveLength(2)
  })

  it("system events are queued as System: lines and a wake runs the heartbeat at once", async () => {
    model.script.push({ text: "Saw the event. HEARTBEAT_OK" })
    const before = model.requests.length
    const lastBefore = (await ok(c.reader, "last-heartbeat", {}))?.ts ?? 0
    expect(await ok(c.admin, "wake", { mode: "now", text: "deploy finished" })).toEqual({ ok: true })
    await until(async () => (model.requests.length > before ? true : undefined))
    const body = JSON.stringify(model.requests.at(-1)?.body)
    expect(body).toContain("System: deploy finished")
    // The turn saw the event: it is consumed, not repeated on the next heartbeat.
    await until(async () => {
      const last = await ok(c.reader, "last-heartbeat", {})
      return last !== null && last.ts > lastBefore && last.status === "ok-token" ? true : undefined
    })
  })

  it("empty-heartbeat-file, no-tasks-due and the task prompt from HEARTBEAT.md", async () => {
    const workspace = path.join(c.gw.dir, "workspace")
    fs.mkdirSync(workspace, { recursive: true })
    fs.writeFileSync(path.join(workspace, "HEARTBEAT.md"), "# Heartbeat\n\n- [ ]\n<!-- add checks here -->\n")
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "empty-heartbeat-file" })
    expect((await heartbeatOnce(c)).entry).toMatchObject({ status: "skipped", error: "heartbeat skipped: empty-heartbeat-file" })
    fs.writeFileSync(path.join(workspace, "HEARTBEAT.md"), "tasks:\n- name: inbox\n  interval: 1h\n  prompt: \"Check the inbox\"\n")
    model.script.push({ text: "HEARTBEAT_OK" })
    const before = model.requests.length
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "ok-token" })
    expect(JSON.stringify(model.requests.slice(before).map((r) => r.body))).toContain("- inbox: Check the inbox")
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "no-tasks-due" })
    const lines = await c.gw.logLines()
    expect(lines.some((l) => l.includes("heartbeat skipped reason=empty-heartbeat-file"))).toBe(true)
    expect(lines.some((l) => l.includes("heartbeat skipped reason=no-tasks-due"))).toBe(true)
    fs.rmSync(path.join(workspace, "HEARTBEAT.md"))
  })

  it("requests-in-flight while a chat turn runs on the main session", async () => {
    model.script.push({ hang: true })
    const res = await call(c.admin, "chat.send", { sessionKey: "agent:main:main", message: "long task", idempotencyKey: "hang-1" })
    expect(res.ok).toBe(true)
    await until(async () => (model.requests.length > 0 ? true : undefined))
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "requests-in-flight" })
    await ok(c.admin, "chat.abort", { sessionKey: "agent:main:main" })
  })

  it("webhook delivery POSTs the finished run; repeated failures send one failure alert", async () => {
    const bodies: Array<unknown> = []
    const server = http.createServer((req, res) => {
      let data = ""
      req.on("data", (chunk) => (data += chunk))
      req.on("end", () => {
        bodies.push(JSON.parse(data))
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as { port: number }).port
    try {
      const hook = await ok(c.admin, "cron.add", { name: "hooked", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["echo", "webhook body"] }, delivery: { mode: "webhook", to: `http://127.0.0.1:${port}/cron` } })
      expect(await runAndWait(c, hook.id)).toMatchObject({ status: "ok", delivered: true, deliveryStatus: "delivered" })
      expect(bodies).toEqual([expect.objectContaining({ jobId: hook.id, jobName: "hooked", status: "ok", summary: "webhook body" })])
    } finally {
      server.close()
    }
    const failing = await ok(c.admin, "cron.add", { name: "flaky", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["false"] }, delivery: { mode: "announce", channel: "telegram", to: "12345" } })
    const before = c.sent.length
    await runAndWait(c, failing.id)
    expect(c.sent.length).toBe(before)
    await runAndWait(c, failing.id)
    await until(async () => (c.sent.length > before ? true : undefined))
    expect(c.sent.at(-1)?.target).toEqual({ channel: "telegram", to: "12345" })
    expect(c.sent.at(-1)?.text).toMatch(/^Automation "flaky" failed 2 times\nCause: command exited with code 1\nRun started: \d{4}-\d\d-\d\d \d\d:\d\d/)
    await until(async () => ((await ok(c.reader, "cron.list", {})).jobs.find((j: { id: string }) => j.id === failing.id)?.lastFailureNotificationDeliveryStatus === "delivered" ? true : undefined))
    await runAndWait(c, failing.id)
    expect(c.sent.filter((m) => m.text.startsWith("Automation \"flaky\"")).length).toBe(1)
  })

  it("cron scratch: the heartbeat monitor's private scratch is read, replaced with compare-and-swap, fed to the heartbeat, and unset", async () => {
    const id = await heartbeatJobId(c)
    const home = tempHome()
    const cli = (...args: ReadonlyArray<string>) => runCliAsync(home.home, ["cron", "scratch", id, ...args, "--url", c.gw.url, "--token", TOKEN])
    const empty = await cli()
    expect([empty.code, empty.stdout]).toEqual([0, ""])
    const set = await cli("--set", "- Check whether the oven is on")
    expect(set.code, set.stderr).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true, scratch: { content: "- Check whether the oven is on", revision: 1 }, currentRevision: 1, maxBytes: 262144 })
    expect((await cli()).stdout).toBe("- Check whether the oven is on")
    const stale = await cli("--set", "lost update", "--expected-revision", "0")
    expect([stale.code, stale.stderr.trim()]).toEqual([1, "cron scratch changed concurrently (current revision 1)"])
    const both = await cli("--set", "a", "--unset")
    expect([both.code, both.stderr.trim()]).toEqual([1, "choose only one of --set, --file, or --unset"])
    // The scratch takes HEARTBEAT.md's place: it is appended to the heartbeat's prompt.
    model.script.push({ text: "HEARTBEAT_OK" })
    const before = model.requests.length
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "ok-token" })
    expect(JSON.stringify(model.requests.slice(before).map((r) => r.body))).toContain("Heartbeat monitor scratch:\\n- Check whether the oven is on")
    // An effectively empty scratch skips the scheduled heartbeat.
    const file = path.join(home.home, "scratch.md")
    fs.writeFileSync(file, "# Heartbeat\n\n- [ ]\n")
    expect(JSON.parse((await cli("--file", file)).stdout)).toMatchObject({ ok: true, currentRevision: 2 })
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "empty-heartbeat-file" })
    const unset = await cli("--unset")
    expect(JSON.parse(unset.stdout)).toEqual({ ok: true, scratch: null, currentRevision: 3, maxBytes: 262144 })
    expect(JSON.parse((await cli("--json")).stdout)).toEqual({ scratch: null, currentRevision: 3, maxBytes: 262144 })
    // Scratch is private: reading it needs operator.admin.
    expect((await call(c.reader, "cron.scratch.get", { id })).error?.details).toMatchObject({ code: "MISSING_SCOPE", missingScope: "operator.admin" })
    const missing = await call(c.admin, "cron.scratch.get", { id: "no-such-job" })
    expect(missing.error?.message).toBe("Automation not found: no-such-job. Run `openclaw cron list` to see recent automation ids.")
    // A removed job takes its scratch file with it.
    const job = await ok(c.admin, "cron.add", { name: "scratchy", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["true"] } })
    await ok(c.admin, "cron.scratch.set", { id: job.id, content: "notes" })
    const scratchFile = path.join(c.gw.dir, "cron", "scratch", `${job.id}.json`)
    expect(fs.existsSync(scratchFile)).toBe(true)
    expect(await ok(c.admin, "cron.remove", { id: job.id })).toMatchObject({ removed: true })
    expect(fs.existsSync(scratchFile)).toBe(false)
  }, SPAWNED_CLI_TIMEOUT_MS)

  it("cron add's command env and stdin, fallbacks and thread id reach the job; runs --query filters; --port reaches a local gateway", async () => {
    const home = tempHome()
    const cli = (...args: ReadonlyArray<string>) => runCliAsync(home.home, [...args, "--url", c.gw.url, "--token", TOKEN])
    const added = await cli("cron", "add", "--name", "env-job", "--every", "1h", "--command", "echo \"$FOO\"; cat", "--command-env", "FOO=bar", "--command-env", "X=1", "--command-input", "from-stdin", "--no-deliver")
    expect(added.code, added.stderr).toBe(0)
    const job = JSON.parse(added.stdout)
    expect(job.payload).toMatchObject({ kind: "command", env: { FOO: "bar", X: "1" }, input: "from-stdin" })
    expect(await runAndWait(c, job.id)).toMatchObject({ status: "ok", summary: "bar\nfrom-stdin" })
    const bad = await cli("cron", "add", "--name", "bad-env", "--every", "1h", "--command", "true", "--command-env", "NOEQUALS")
    expect([bad.code, bad.stderr.trim()]).toEqual([1, "Invalid --command-env \"NOEQUALS\": use KEY=VALUE"])
    const agent = await cli("cron", "add", "--name", "fb-job", "--every", "1h", "--message", "hi", "--fallbacks", "fake/m1, other/m2", "--channel", "telegram", "--to", "-100123", "--thread-id", "42", "--display-name", "Fallback job")
    expect(agent.code, agent.stderr).toBe(0)
    expect(JSON.parse(agent.stdout)).toMatchObject({ displayName: "Fallback job", payload: { fallbacks: ["fake/m1", "other/m2"] }, delivery: { mode: "announce", channel: "telegram", to: "-100123", threadId: "42" } })
    const found = await cli("cron", "runs", job.id, "--query", "from-stdin")
    expect(JSON.parse(found.stdout).total).toBe(1)
    expect(JSON.parse((await cli("cron", "runs", job.id, "--query", "nothing-like-this")).stdout).total).toBe(0)
    const byPort = await runCliAsync(home.home, ["cron", "status", "--port", String(new URL(c.gw.url).port), "--token", TOKEN])
    expect(byPort.code, byPort.stderr).toBe(0)
    expect(JSON.parse(byPort.stdout)).toMatchObject({ enabled: true })
  }, SPAWNED_CLI_TIMEOUT_MS)

  it("cron-in-progress while another job runs; set-heartbeats turns scheduled heartbeats off", async () => {
    const slow = await ok(c.admin, "cron.add", { name: "slow", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "command", argv: ["sleep", "1.5"] }, delivery: { mode: "none" } })
    await ok(c.admin, "cron.run", { id: slow.id })
    await until(async () => ((await ok(c.reader, "cron.list", {})).jobs.find((j: { id: string }) => j.id === slow.id)?.status === "running" ? true : undefined))
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "cron-in-progress" })
    await until(async () => ((await ok(c.reader, "cron.runs", { id: slow.id })).total > 0 ? true : undefined))
    expect(await ok(c.admin, "set-heartbeats", { enabled: false })).toEqual({ ok: true, enabled: false })
    expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "disabled" })
    await ok(c.admin, "set-heartbeats", { enabled: true })
  })
})

describe("heartbeat skip reasons that depend on config", () => {
  let model: ScriptedModelServer
  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "Something needs attention" })
  })
  afterAll(async () => {
    await model.close()
  })

  const withGateway = async (extra: Record<string, unknown>, channels: Record<string, ReadonlyArray<string>>, check: (c: CronGateway) => Promise<void>) => {
    const c = await startCronGateway(model, extra, channels)
    try {
      await check(c)
    } finally {
      await c.close()
    }
  }

  it("no-route: no channel configured (the original's message)", () =>
    withGateway({}, {}, async (c) => {
      const { last, entry } = await heartbeatOnce(c)
      expect(last).toMatchObject({ status: "skipped", reason: "no-route", message: "Heartbeat has no delivery route yet. Message your bot once, or set agents.defaults.heartbeat.target." })
      expect(entry).toMatchObject({ status: "skipped", completionStatus: "failed", error: "heartbeat skipped: no-route", deliveryStatus: "not-requested" })
    }))

  it("dm-blocked: the turn runs but nothing is sent to a DM", () =>
    withGateway({ ...TELEGRAM, agents: { defaults: { model: "fake/m1", heartbeat: { directPolicy: "block" } } } }, { telegram: ["default"] }, async (c) => {
      const before = model.requests.length
      expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "dm-blocked", preview: "Something needs attention" })
      expect(model.requests.length).toBe(before + 1)
      expect(c.sent).toEqual([])
    }))

  it("quiet-hours: outside activeHours (equal start and end is never inside)", () =>
    withGateway({ ...TELEGRAM, agents: { defaults: { model: "fake/m1", heartbeat: { activeHours: { start: "08:00", end: "08:00", timezone: "Europe/Berlin" } } } } }, { telegram: ["default"] }, async (c) => {
      expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "quiet-hours" })
    }))

  it("alerts-disabled: every visibility flag off", () =>
    withGateway({ channels: { defaults: { heartbeatVisibility: { showOk: false, showAlerts: false, useIndicator: false } }, telegram: { botToken: "1:a", allowFrom: ["12345"] } } }, { telegram: ["default"] }, async (c) => {
      expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "alerts-disabled" })
    }))

  it("per-channel and per-account heartbeatVisibility: the account's showOk sends the ack, the channel's showAlerts:false holds an alert", () =>
    withGateway({
      channels: {
        defaults: { heartbeatVisibility: { showOk: false } },
        telegram: { botToken: "1:a", allowFrom: ["12345"], heartbeatVisibility: { showAlerts: false }, accounts: { work: { botToken: "2:b", heartbeatVisibility: { showOk: true, useIndicator: false } } } }
      },
      agents: { defaults: { model: "fake/m1", heartbeat: { target: "telegram", accountId: "work" } } }
    }, { telegram: ["default", "work"] }, async (c) => {
      model.script.push({ text: "HEARTBEAT_OK" })
      const ack = (await heartbeatOnce(c)).last
      expect(ack).toMatchObject({ status: "ok-token", channel: "telegram", accountId: "work", silent: false })
      expect(ack.indicatorType).toBeUndefined()
      expect(c.sent).toEqual([{ target: { channel: "telegram", to: "12345", accountId: "work" }, text: "HEARTBEAT_OK" }])
      model.script.push({ text: "The disk is full" })
      expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "alerts-disabled", preview: "The disk is full" })
      expect(c.sent).toHaveLength(1)
    }))

  it("unknown accountId: warned in the log, nothing delivered", () =>
    withGateway({ ...TELEGRAM, agents: { defaults: { model: "fake/m1", heartbeat: { target: "telegram", accountId: "work" } } } }, { telegram: ["default"] }, async (c) => {
      expect((await heartbeatOnce(c)).last).toMatchObject({ status: "skipped", reason: "unknown-account", accountId: "work" })
      const lines = await c.gw.logLines()
      const warning = lines.find((l) => l.includes("heartbeat: unknown accountId"))
      expect(warning).toBeDefined()
      expect(warning).toContain("\"accountId\":\"work\"")
      expect(c.sent).toEqual([])
    }))

  it("every 0m: no heartbeat job at all; cron.enabled false: the status says so", () =>
    withGateway({ cron: { enabled: false }, agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }, {}, async (c) => {
      expect(await ok(c.reader, "cron.status", {})).toMatchObject({ enabled: false, jobs: 0, nextWakeAtMs: null })
      const lines = await c.gw.logLines()
      expect(lines.some((l) => l.includes("cron: scheduler disabled; jobs will not run automatically"))).toBe(true)
    }))
})

describe("an agentTurn job's own model, fallbacks and thinking", () => {
  let primary: ScriptedModelServer
  let backup: ScriptedModelServer
  let c: CronGateway
  beforeAll(async () => {
    // The primary refuses every request (401: no same-provider retry, straight to the next model).
    primary = await startScriptedModelServer([], { failStatus: 401, failBody: { error: { message: "invalid api key" } } })
    backup = await startScriptedModelServer([], { text: "answered by the backup" })
    c = await startCronGateway(primary, {
      models: {
        providers: {
          fake: { baseUrl: primary.v1, api: "openai-completions", apiKey: "k1", models: [{ id: "m1", name: "Primary" }] },
          backup: { baseUrl: backup.v1, api: "openai-completions", apiKey: "k2", models: [{ id: "m2", name: "Backup", compat: { supportsReasoningEffort: true } }] }
        }
      },
      agents: { defaults: { model: "fake/m1" } }
    })
  })
  afterAll(async () => {
    await c.close()
    await primary.close()
    await backup.close()
  })

  it("the primary fails, the job's fallback answers, with the job's thinking level", async () => {
    const job = await ok(c.admin, "cron.add", {
      name: "with-fallback",
      schedule: { kind: "every", everyMs: 3_600_000 },
      payload: { kind: "agentTurn", message: "status please", model: "fake/m1", fallbacks: ["backup/m2"], thinking: "high" },
      delivery: { mode: "none" }
    })
    const entry = await runAndWait(c, job.id)
    expect(entry).toMatchObject({ status: "ok", summary: "answered by the backup", model: "m2", provider: "backup" })
    expect(primary.requests.filter((r) => r.url === "/v1/chat/completions").length).toBeGreaterThan(0)
    const sent = backup.requests.filter((r) => r.url === "/v1/chat/completions").at(-1)?.body
    expect(sent).toMatchObject({ model: "m2", reasoning_effort: "high" })
  })

  it("an empty fallback list is strict: the primary's failure is the run's error", async () => {
    const completions = () => backup.requests.filter((r) => r.url === "/v1/chat/completions").length
    const before = completions()
    const job = await ok(c.admin, "cron.add", {
      name: "strict",
      schedule: { kind: "every", everyMs: 3_600_000 },
      payload: { kind: "agentTurn", message: "status please", model: "fake/m1", fallbacks: [] },
      delivery: { mode: "none" }
    })
    const entry = await runAndWait(c, job.id)
    expect(entry.status).toBe("error")
    expect(entry.error).toMatch(/invalid api key|401/)
    expect(completions()).toBe(before)
  })
})

describe("the isolated-turn preflight of local model providers", () => {
  let up: ScriptedModelServer
  let c: CronGateway
  let downUrl: string
  const probes = () => up.requests.filter((r) => r.method === "GET" && r.url === "/v1/models").length
  const completions = () => up.requests.filter((r) => r.url === "/v1/chat/completions").length
  beforeAll(async () => {
    up = await startScriptedModelServer([], { text: "ran on the local fallback" })
    // A port nothing listens on: the local server that is down.
    downUrl = `http://127.0.0.1:${await freePort()}/v1`
    c = await startCronGateway(up, {
      models: {
        providers: {
          down: { baseUrl: downUrl, api: "openai-completions", apiKey: "k0", models: [{ id: "m0", name: "Down" }] },
          fake: { baseUrl: up.v1, api: "openai-completions", apiKey: "k1", models: [{ id: "m1", name: "Up" }] }
        }
      },
      agents: { defaults: { model: "down/m0" } }
    })
  })
  afterAll(async () => {
    await c.close()
    await up.close()
  })

  it("every candidate down: the run is skipped with the original's reason, and no model is called", async () => {
    const job = await ok(c.admin, "cron.add", { name: "down-only", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "agentTurn", message: "hi", fallbacks: [] }, delivery: { mode: "none" } })
    const entry = await runAndWait(c, job.id)
    expect(entry).toMatchObject({ status: "skipped", model: "m0", provider: "down" })
    expect(entry.error).toMatch(new RegExp(`^This automation uses down/m0 but the local provider preflight failed at ${downUrl.replace(/[.]/g, "\\.")}\\. The candidate is unavailable for this run; OpenClaw will retry its provider preflight on a later scheduled run\\. Last error: .*ECONNREFUSED`))
    expect(completions()).toBe(0)
    const lines = await c.gw.logLines()
    expect(lines.some((l) => l.includes(`[cron:${job.id}] This automation uses down/m0`))).toBe(true)
  })

  it("a later candidate up: the turn runs on it, with a warning; the verdict is reused for 5 minutes", async () => {
    const job = await ok(c.admin, "cron.add", { name: "down-then-up", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "agentTurn", message: "hi", fallbacks: ["fake/m1"] }, delivery: { mode: "none" } })
    expect(await runAndWait(c, job.id)).toMatchObject({ status: "ok", summary: "ran on the local fallback", provider: "fake", model: "m1" })
    expect(probes()).toBe(1)
    expect(await runAndWait(c, job.id)).toMatchObject({ status: "ok", provider: "fake" })
    expect(probes()).toBe(1)
    const lines = await c.gw.logLines()
    expect(lines.some((l) => l.includes(`[cron:${job.id}]`) && l.includes("continuing with fallback fake/m1."))).toBe(true)
  })
})
