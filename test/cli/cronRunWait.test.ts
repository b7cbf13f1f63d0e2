import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { ChannelDeliveryUnavailable } from "../support/ChannelDeliveryUnavailable.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "cron-wait-token-0123456789"

describe("openclaw cron: group-level gateway options and run --wait, against a real gateway", { timeout: 30_000 }, () => {
  let model: ScriptedModelServer
  let gw: RunningGateway
  const home = inProcessHome()
  // The connection given once, at the group level: `openclaw cron --url <u> --token <t> <sub> ...`.
  const cron = async (sub: ReadonlyArray<string>, group = "cron") => {
    const result = await home.run([group, "--url", gw.url, "--token", TOKEN, ...sub])
    return { ...result, body: JSON.parse(result.stdout) }
  }
  const addCommandJob = async (name: string, shell: string, ...extra: ReadonlyArray<string>) =>
    (await cron(["add", "--name", name, "--every", "1h", "--command", shell, ...extra])).body.id as string
  const runsOf = async (id: string) => (await cron(["runs", "--id", id])).body

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "done" })
    const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
    const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }) }
    gw = await startGateway(config, {}, (base) => [
      CronFeatureLive({ retryBusyForMs: 0 }).pipe(Layer.provide(AgentStackLive({ tools: [], policy })), Layer.provide(ChannelDeliveryUnavailable), Layer.provide(base))
    ], "clawgate-cronwait-")
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("the group's --url/--token reach every subcommand, under both names; a group --url without credentials uses none", async () => {
    const status = await cron(["status"])
    expect(status.code).toBe(0)
    expect(status.body).toMatchObject({ enabled: true })
    expect((await cron(["list", "--json"], "automations")).body).toMatchObject({ jobs: [] })
    // The group's --url is the target: the subcommand's own --port does not send it elsewhere.
    expect((await home.run(["cron", "--url", gw.url, "--token", TOKEN, "status", "--port", "9"])).code).toBe(0)
    // This CLI's own config knows the gateway and its token: without --url, that works...
    fs.mkdirSync(path.dirname(home.configPath), { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TOKEN } } }))
    expect((await home.run(["automations", "status"])).code).toBe(0)
    // ...but a group --url is explicit, so it uses only the credentials given with it (none here).
    const bare = await home.run(["automations", "--url", gw.url, "status"])
    expect(bare.code).toBe(1)
    expect(JSON.parse(bare.stdout)).toMatchObject({ ok: false, error: { type: "cli_error" } })
    // A group --url nobody listens on fails, though the config's gateway is up.
    const down = await home.run(["cron", "--url", "ws://127.0.0.1:9", "--token", TOKEN, "status"])
    expect(down.code).toBe(1)
    fs.rmSync(home.configPath)
  })

  it("run --wait waits for that run and exits 0 only when it succeeded as a whole", async () => {
    const ok = await addCommandJob("wait-ok", "sleep 0.3; echo waited-output", "--no-deliver")
    const waited = await cron(["run", ok, "--wait", "--poll-interval", "50ms"])
    expect(waited.code).toBe(0)
    expect(waited.body).toMatchObject({ ok: true, enqueued: true, completed: true, status: "ok", completionStatus: "succeeded" })
    expect(waited.body.run).toMatchObject({ jobId: ok, runId: waited.body.runId, status: "ok", completionStatus: "succeeded", summary: "waited-output" })
    // The wait returned the run's final row: it is in the history already.
    expect((await runsOf(ok)).total).toBe(1)

    const failing = await addCommandJob("wait-fail", "echo broken >&2; exit 3", "--no-deliver")
    const failed = await cron(["run", failing, "--wait", "--poll-interval", "50ms"])
    expect(failed.code).toBe(1)
    expect(failed.body).toMatchObject({ completed: true, status: "error", completionStatus: "failed" })
    expect(failed.body.run.error).toContain("code 3")

    // The payload ran fine but its required announce could not be delivered (no channel): not a success.
    const undelivered = await addCommandJob("wait-undelivered", "echo hi")
    const partial = await cron(["run", undelivered, "--wait", "--poll-interval", "50ms"], "automations")
    expect(partial.code).toBe(1)
    expect(partial.body).toMatchObject({ status: "ok", completionStatus: "failed", run: { deliveryStatus: "not-delivered" } })
  })

  it("run --wait gives up after --wait-timeout; bad durations are refused before anything runs", async () => {
    const slow = await addCommandJob("wait-slow", "sleep 3; echo late", "--no-deliver")
    const started = Date.now()
    const timedOut = await cron(["run", slow, "--wait", "--wait-timeout", "400ms", "--poll-interval", "100"])
    expect(timedOut.code).toBe(1)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(timedOut.body).toEqual({ ok: false, error: { type: "cli_error", message: expect.stringMatching(/^timed out waiting for cron run manual:/) } })

    const idle = await addCommandJob("wait-idle", "echo never", "--no-deliver")
    for (const [flags, message] of [
      [["--poll-interval", "0"], "Invalid --poll-interval \"0\": it must be greater than zero"],
      [["--poll-interval", "soon"], "Invalid --poll-interval \"soon\": use a duration like 10m, 30s or 500ms"],
      [["--wait-timeout", "-1s"], "Invalid --wait-timeout \"-1s\": use a duration like 10m, 30s or 500ms"]
    ] as const) {
      const refused = await cron(["run", idle, "--wait", ...flags])
      expect(refused.code).toBe(1)
      expect(refused.body.error.message).toBe(message)
    }
    expect((await runsOf(idle)).total).toBe(0)
    expect((await cron(["list", "--json"])).body.jobs.find((j: { id: string }) => j.id === idle).state.lastRunAtMs).toBeUndefined()
  })

  it("--due --wait on a job that is not due answers the normal non-run response without polling", async () => {
    const notDue = await addCommandJob("wait-not-due", "echo x", "--no-deliver")
    const answer = await cron(["run", notDue, "--due", "--wait"])
    expect(answer.code).toBe(1)
    expect(answer.body).toMatchObject({ ok: true, ran: false, reason: "not-due" })
    expect(answer.body.completed).toBeUndefined()
  })
})
