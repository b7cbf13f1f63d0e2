import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { ChannelDeliveryUnavailable } from "../support/ChannelDeliveryUnavailable.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { gatewayCli, inProcessHome } from "../support/cliInProcess.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "cron-cli-token-0123456789"
const HEADER = "ID                                   Declaration              Name                     Schedule                         Next       Last       Status              Target    Delivery                                                         Agent ID   Owner                    Model               "

describe("openclaw cron / automations / system against a real gateway", () => {
  let model: ScriptedModelServer
  let gw: RunningGateway
  const home = inProcessHome()
  const { cli, json } = gatewayCli(home, () => gw.url, TOKEN)

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "HEARTBEAT_OK" })
    const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
    const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }) }
    gw = await startGateway(config, {}, (base) => [
      CronFeatureLive({ retryBusyForMs: 0 }).pipe(Layer.provide(AgentStackLive({ tools: [], policy })), Layer.provide(ChannelDeliveryUnavailable), Layer.provide(base))
    ], "clawgate-croncli-")
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("status, an empty list, and the runbook's error messages", async () => {
    const status = await json("cron", "status")
    expect(status.code).toBe(0)
    expect(status.body).toMatchObject({ enabled: true, triggersEnabled: true, storage: "json", jobs: 0, nextWakeAtMs: null })
    expect((await cli("cron", "list")).stdout).toBe("No cron jobs.\n")
    const noId = await json("cron", "runs", "--limit", "20")
    expect(noId.code).toBe(1)
    expect(noId.body).toEqual({ ok: false, error: { type: "cli_error", message: "Missing job id. Pass it positionally or with --id." } })
    expect(noId.stderr).toBe("Missing job id. Pass it positionally or with --id.\n")
    const unknown = await json("cron", "runs", "--id", "does-not-exist", "--limit", "20")
    expect(unknown.code).toBe(1)
    expect(unknown.body.error.message).toBe("Automation not found: does-not-exist. Run `openclaw cron list` to see recent automation ids.")
  })

  it("add, list, run, runs, disable, rm: the captured shapes", async () => {
    const cmd = await json("cron", "add", "--name", "runbook-cmd", "--every", "1h", "--command", "echo hello-from-cron")
    expect(cmd.code).toBe(0)
    expect(cmd.body).toMatchObject({
      name: "runbook-cmd",
      enabled: true,
      schedule: { kind: "every", everyMs: 3_600_000 },
      sessionTarget: "isolated",
      wakeMode: "now",
      payload: { kind: "command", argv: ["sh", "-lc", "echo hello-from-cron"] },
      delivery: { mode: "announce", channel: "last" },
      deliveryPreview: { label: "announce -> last" }
    })
    expect(cmd.body.schedule.anchorMs).toBe(cmd.body.createdAtMs)
    expect(cmd.body.nextRunAtMs).toBe(cmd.body.createdAtMs + 3_600_000)
    const probe = await json("cron", "add", "--name", "runbook-probe", "--every", "10m", "--system-event", "runbook probe ping")
    expect(probe.body).toMatchObject({ sessionTarget: "main", wakeMode: "now", payload: { kind: "systemEvent", text: "runbook probe ping" }, deliveryPreview: { label: "not requested", detail: "not requested" } })
    expect(probe.body.delivery).toBeUndefined()

    const table = (await cli("cron", "list")).stdout.split("\n")
    expect(table[0]).toBe(HEADER)
    expect(table[1]).toMatch(new RegExp(`^${probe.body.id} - {24}runbook-probe {12}every 10m {24}in 10m {5}- {10}idle {16}main {6}not requested \\(not requested\\) {36}main {7}- {24}-$`))
    expect(table[2]).toContain("every 1h                         in 1h      -          idle                isolated  announce -> last (last -> no route, will fail-closed: Channel... main")

    const notDue = await json("cron", "run", probe.body.id, "--due")
    expect(notDue.code).toBe(1)
    expect(notDue.body).toMatchObject({ ok: true, ran: false, reason: "not-due" })
    const forced = await json("cron", "run", cmd.body.id)
    expect(forced.code).toBe(0)
    expect(forced.body.runId).toMatch(new RegExp(`^manual:${cmd.body.id}:\\d+:\\d+$`))
    let runs = await json("cron", "runs", "--id", cmd.body.id, "--limit", "20")
    for (let i = 0; i < 100 && runs.body.total === 0; i++) {
      await new Promise((r) => setTimeout(r, 50))
      runs = await json("cron", "runs", "--id", cmd.body.id, "--limit", "20")
    }
    expect(runs.body).toMatchObject({ total: 1, offset: 0, limit: 20, hasMore: false, nextOffset: null })
    expect(runs.body.entries[0]).toMatchObject({ jobId: cmd.body.id, action: "finished", status: "ok", summary: "hello-from-cron", delivered: false, deliveryStatus: "not-delivered", jobName: "runbook-cmd" })
    expect(runs.body.entries[0].tsIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/)
    expect((await cli("cron", "list")).stdout).toMatch(/ok \(not delivered\)/)

    expect((await json("cron", "get", cmd.body.id)).body).toMatchObject({ id: cmd.body.id, name: "runbook-cmd", status: "ok", deliveryPreview: { label: "announce -> last" } })
    expect((await json("cron", "show", "nope")).body.error.message).toBe("Automation not found: nope. Run `openclaw cron list` to see recent automation ids.")
    const disabled = await json("automations", "disable", probe.body.id)
    expect(disabled.body).toMatchObject({ id: probe.body.id, enabled: false })
    expect((await cli("cron", "list")).stdout).not.toContain("runbook-probe")
    expect((await cli("cron", "list", "--all")).stdout).toMatch(/runbook-probe .* - {10}- {10}disabled /)
    expect((await json("cron", "enable", probe.body.id)).body.enabled).toBe(true)
    const edited = await json("cron", "edit", probe.body.id, "--cron", "0 * * * *", "--tz", "UTC")
    expect(edited.body.schedule).toEqual({ kind: "cron", expr: "0 * * * *", tz: "UTC" })
    expect((await cli("cron", "list")).stdout).toContain("cron 0 * * * * @ UTC (stagger...")
    expect((await json("cron", "rm", probe.body.id)).body).toEqual({ ok: true, removed: true })
    expect((await json("cron", "rm", probe.body.id)).code).toBe(1)
    expect((await json("cron", "status")).body.jobs).toBe(1)
  })

  it("bad definitions are refused with the reason and nothing is added", async () => {
    const both = await json("cron", "add", "--name", "x", "--every", "1h", "--cron", "0 3 * * *", "--system-event", "x")
    expect(both.code).toBe(1)
    expect(both.body.error.message).toBe("Choose exactly one schedule: --at, --every, --cron, --on-exit, or --stream-command")
    const tz = await json("cron", "add", "--name", "x", "--every", "1h", "--tz", "UTC", "--system-event", "x")
    expect(tz.body.error.message).toBe("--tz is only valid with --cron or an offset-less --at")
    const expr = await json("cron", "add", "--name", "x", "--cron", "0 3 * *", "--system-event", "x")
    expect(expr.code).toBe(1)
    expect(expr.body.error.message).toContain("expected 5 fields")
  })

  it("system heartbeat last|enable|disable and system event", async () => {
    expect((await cli("system", "heartbeat", "last")).stdout).toBe("null\n")
    expect((await json("system", "heartbeat", "disable")).body).toEqual({ ok: true, enabled: false })
    expect((await json("system", "heartbeat", "enable")).body).toEqual({ ok: true, enabled: true })
    // Heartbeats are off here (every 0m): the event is queued, the wake is recorded as disabled.
    const before = model.requests.length
    expect((await json("system", "event", "--text", "backup done", "--mode", "now")).body).toEqual({ ok: true })
    let last = await json("system", "heartbeat", "last", "--json")
    for (let i = 0; i < 100 && last.body === null; i++) {
      await new Promise((r) => setTimeout(r, 50))
      last = await json("system", "heartbeat", "last", "--json")
    }
    expect(model.requests.length).toBe(before)
    expect(last.body).toMatchObject({ status: "skipped", reason: "disabled", agentId: "main" })
  })

  it("openclaw status shows the heartbeat and the next cron wake from the gateway", async () => {
    // This CLI's own config points at the gateway: status reads with its cached device token only.
    fs.mkdirSync(path.dirname(home.configPath), { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TOKEN } } }))
    // Like the probe, status never creates a device identity: before pairing it cannot read the scheduler.
    expect((await home.run(["status"])).stdout).toMatch(/Heartbeat +│ every 30m \(main\) · scheduler not readable without operator\.read/)
    expect((await home.run(["health"])).code).toBe(0)
    const human = await home.run(["status"])
    // The interval is this CLI's config (none here, so the default); the rest is the gateway's.
    expect(human.stdout).toMatch(/Heartbeat +│ every 30m \(main\) · last: skipped \(disabled\) (<1m|\d+m) ago · next cron wake in (1h|\d+m)/)
    const asJson = JSON.parse((await home.run(["status", "--json"])).stdout)
    expect(asJson.cron).toMatchObject({ enabled: true, jobs: 1 })
    expect(asJson.cron.nextWakeAtMs).toBeGreaterThan(Date.now())
    expect(asJson.heartbeat.last).toMatchObject({ status: "skipped", reason: "disabled" })
  })

  it("without a gateway: the envelope on stdout, the reason on stderr, exit 1", async () => {
    const down = await home.run(["cron", "status", "--url", "ws://127.0.0.1:9", "--token", TOKEN])
    expect(down.code).toBe(1)
    const body = JSON.parse(down.stdout)
    expect(body.ok).toBe(false)
    expect(body.error.type).toBe("cli_error")
    expect(down.stderr).toContain(body.error.message.split("\n")[0])
    expect((await home.run(["system", "heartbeat", "last", "--url", "ws://127.0.0.1:9"])).code).toBe(1)
  })
})
