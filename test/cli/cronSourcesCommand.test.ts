import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { automationsTool, makePacingProposals } from "../../src/layers/cron/automationsTool.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { ChannelDeliveryUnavailable } from "../support/ChannelDeliveryUnavailable.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"
import { until } from "../support/until.js"

const TOKEN = "cron-sources-token-0123456789"
const MIN = 60_000

/** The text of every message the model was sent, per request. */
const promptsOf = (model: ScriptedModelServer) =>
  model.requests.map((r) => JSON.stringify((r.body as { messages?: unknown } | undefined)?.messages ?? []))

describe("cron add|edit with stream, on-exit and pacing flags against a real gateway", () => {
  let model: ScriptedModelServer
  let gw: RunningGateway
  const home = inProcessHome()
  const cli = (...args: ReadonlyArray<string>) => home.run([...args, "--url", gw.url, "--token", TOKEN])
  const json = async (...args: ReadonlyArray<string>) => {
    const result = await cli(...args)
    return { ...result, body: JSON.parse(result.stdout) }
  }
  const job = async (id: string) => (await json("cron", "get", id)).body

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "noted" })
    const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
    const proposals = makePacingProposals()
    const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }) }
    gw = await startGateway(config, {}, (base) => [
      CronFeatureLive({ retryBusyForMs: 0, pacingProposals: proposals }).pipe(
        Layer.provide(AgentStackLive({ tools: [automationsTool(proposals)], policy })),
        Layer.provide(ChannelDeliveryUnavailable),
        Layer.provide(base)
      )
    ], "clawgate-cronsrc-")
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("--stream-command runs the source; its batch reaches the agent turn; list shows the source", async () => {
    const script = "console.log('deploy failed: web'); console.log('noise'); setTimeout(() => {}, 60000)"
    const added = await json("cron", "add", "--name", "deploys", "--stream-command", JSON.stringify([process.execPath, "-e", script]), "--stream-mode", "match", "--stream-match", "failed:", "--stream-batch-ms", "100", "--session", "isolated", "--message", "Investigate these deploy events.", "--no-deliver")
    expect(added.code).toBe(0)
    expect(added.body.schedule).toEqual({ kind: "stream", command: [process.execPath, "-e", script], mode: "match", match: "failed:", batchMs: 100 })
    const id = added.body.id as string
    const run = await until("the stream fire", async () => (await json("cron", "runs", "--id", id)).body.entries[0])
    expect(run).toMatchObject({ status: "ok", summary: "noted" })
    const prompt = promptsOf(model).find((p) => p.includes("Investigate these deploy events."))
    expect(prompt).toContain("Investigate these deploy events.\\n\\ndeploy failed: web")
    expect(prompt).not.toContain("noise")
    expect((await job(id)).state).toMatchObject({ streamStatus: "running" })
    expect((await cli("cron", "list")).stdout).toContain("stream")
    // Metadata edits keep the stored argv.
    const edited = await json("cron", "edit", id, "--stream-mode", "line")
    expect(edited.code).toBe(0)
    expect(edited.body.schedule).toEqual({ kind: "stream", command: [process.execPath, "-e", script], mode: "line", batchMs: 100 })
    expect((await cli("cron", "rm", id)).code).toBe(0)
  })

  it("bad stream flags are named, exit 1, and nothing is stored", async () => {
    const before = (await json("cron", "list", "--all", "--json")).body.jobs.length
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["--stream-command", "node events.mjs"], "--stream-command must be a JSON array of strings"],
      [["--stream-command", "[\"node\"]", "--stream-mode", "match"], "--stream-match is required when --stream-mode=match"],
      [["--stream-command", "[\"node\"]", "--stream-mode", "match", "--stream-match", "("], "Invalid --stream-match \"(\""],
      [["--stream-mode", "line"], "Stream options require --stream-command"],
      [["--on-exit-cwd", "/tmp"], "--on-exit-cwd requires --on-exit"],
      [["--stream-command", "[\"node\"]", "--every", "1h"], "Choose exactly one schedule"]
    ]
    for (const [flags, message] of cases) {
      const result = await json("cron", "add", "--name", "bad", ...flags, "--system-event", "x")
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(message)
    }
    const command = await json("cron", "add", "--name", "bad", "--stream-command", "[\"node\"]", "--command", "echo hi")
    expect(command.code).toBe(1)
    expect(command.stderr).toContain("command payloads are not allowed on stream schedules")
    expect((await json("cron", "list", "--all", "--json")).body.jobs.length).toBe(before)
  })

  it("--on-exit fires once when the watched command exits, with its exit code and output", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-onexit-"))
    const added = await json("cron", "add", "--name", "build", "--on-exit", "echo compiled 3 files; exit 0", "--on-exit-cwd", dir, "--session", "isolated", "--message", "The build ended.", "--no-deliver")
    expect(added.code).toBe(0)
    expect(added.body.schedule).toEqual({ kind: "on-exit", command: "echo compiled 3 files; exit 0", cwd: dir })
    const id = added.body.id as string
    const spent = await until("the fire", async () => {
      const j = await job(id)
      return j.enabled === false ? j : undefined
    })
    expect(spent.state).toMatchObject({ lastRunStatus: "ok" })
    const prompt = promptsOf(model).find((p) => p.includes("The build ended."))
    expect(prompt).toMatch(/Watched command exited with code 0 after \d+s: echo compiled 3 files; exit 0/)
    expect(prompt).toContain("compiled 3 files")
    expect((await json("cron", "runs", "--id", id)).body.total).toBe(1)
  })

  it("--pacing-min/--pacing-max store bounds, edits merge them, --clear-pacing removes them; a paced turn's next_check moves its next run", async () => {
    const added = await json("cron", "add", "--name", "paced", "--every", "1h", "--pacing-min", "15m", "--pacing-max", "4h", "--session", "isolated", "--message", "Check the queue.", "--no-deliver")
    expect(added.code).toBe(0)
    expect(added.body.pacing).toEqual({ min: "15m", max: "4h" })
    const id = added.body.id as string
    expect((await json("cron", "edit", id, "--pacing-max", "2h")).body.pacing).toEqual({ min: "15m", max: "2h" })
    const bad = await json("cron", "edit", id, "--pacing-min", "3h")
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("--pacing-min (3h) is longer than --pacing-max (2h)")
    const atPacing = await json("cron", "add", "--name", "once", "--at", "20m", "--pacing-min", "1m", "--system-event", "x")
    expect(atPacing.stderr).toContain("pacing needs a recurring schedule (--every or --cron)")

    // The agent proposes 1 m; the bounds clamp it to 15 m from the run's end. A timed run (every 2 s) proposes.
    const timed = await json("cron", "add", "--name", "self-paced", "--every", "2s", "--pacing-min", "15m", "--pacing-max", "2h", "--session", "isolated", "--message", "Self-pace.", "--no-deliver")
    model.script.push({ toolCalls: [{ name: "automations", arguments: { action: "next_check", in: "1m" } }] }, { text: "checked" })
    const entry = await until("the paced run", async () => (await json("cron", "runs", "--id", timed.body.id)).body.entries[0], 15_000)
    expect(entry).toMatchObject({ status: "ok", summary: "checked" })
    const next = (await job(timed.body.id)).state.nextRunAtMs as number
    expect(next - (entry.ts as number)).toBe(15 * MIN)
    expect((await cli("cron", "rm", timed.body.id)).code).toBe(0)

    // Without pacing, the tool says so and the schedule is unchanged.
    const cleared = await json("cron", "edit", id, "--clear-pacing")
    expect(cleared.code).toBe(0)
    expect(cleared.body.pacing).toBeUndefined()
    model.script.push({ toolCalls: [{ name: "automations", arguments: { action: "next_check", in: "30m" } }] }, { text: "fine" })
    const forced = await json("cron", "run", id)
    expect(forced.code).toBe(0)
    await until("the unpaced run", async () => (await json("cron", "runs", "--id", id)).body.entries[0])
    expect(promptsOf(model).some((p) => p.includes("next_check needs pacing on this automation"))).toBe(true)
  })
})
