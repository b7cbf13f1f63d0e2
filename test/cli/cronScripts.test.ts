import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { ChannelDeliveryUnavailable } from "../support/ChannelDeliveryUnavailable.js"
import { gatewayCli, inProcessHome } from "../support/cliInProcess.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "cron-scripts-cli-token-0123456789"

const gatewayWith = (model: ScriptedModelServer, extra: Record<string, unknown> = {}) => {
  const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
  const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }), ...extra }
  return startGateway(config, {}, (base) => [
    CronFeatureLive({ retryBusyForMs: 0 }).pipe(Layer.provide(AgentStackLive({ tools: [], policy })), Layer.provide(ChannelDeliveryUnavailable), Layer.provide(base))
  ], "clawgate-cronscripts-cli-")
}

describe("cron add|edit script and trigger flags against a real gateway", () => {
  let model: ScriptedModelServer
  let gw: RunningGateway
  const home = inProcessHome()
  const { cli, json } = gatewayCli(home, () => gw.url, TOKEN)
  const file = (name: string, text: string) => {
    const p = path.join(home.home, name)
    fs.writeFileSync(p, text)
    return p
  }

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "HEARTBEAT_OK" })
    gw = await gatewayWith(model)
  }, 30_000)
  afterAll(async () => {
    await gw?.stop()
    await model?.close()
  })

  it("--script reads a file into a script payload with its limits; edit changes the limits and keeps the script", async () => {
    const script = file("check.js", "\n  const r = await exec({ command: 'echo hi' })\n  json({ notify: r.aggregated })\n\n")
    const added = await json("cron", "add", "--name", "queue-check", "--every", "1h", "--script", script, "--script-timeout-seconds", "60", "--script-tool-budget", "7", "--no-deliver")
    expect(added.code, added.stderr).toBe(0)
    expect(added.body).toMatchObject({
      sessionTarget: "isolated",
      payload: { kind: "script", script: "const r = await exec({ command: 'echo hi' })\n  json({ notify: r.aggregated })", timeoutSeconds: 60, toolBudget: 7 },
      delivery: { mode: "none" }
    })
    const edited = await json("automations", "edit", added.body.id, "--script-timeout-seconds", "120")
    expect(edited.code, edited.stderr).toBe(0)
    expect(edited.body.payload).toEqual({ kind: "script", script: added.body.payload.script, timeoutSeconds: 120, toolBudget: 7 })
    const replaced = await json("cron", "edit", added.body.id, "--script", file("other.js", "return { notify: 'x' }"))
    expect(replaced.body.payload).toEqual({ kind: "script", script: "return { notify: 'x' }", timeoutSeconds: 120, toolBudget: 7 })
  })

  it("--trigger-script and --trigger-once on add; edit --trigger-once, --trigger-script and --clear-trigger", async () => {
    const watcher = file("watch.js", "json({ fire: true })")
    const added = await json("cron", "add", "--name", "watcher", "--every", "30s", "--trigger-script", watcher, "--system-event", "CI changed")
    expect(added.code, added.stderr).toBe(0)
    expect(added.body).toMatchObject({ trigger: { script: "json({ fire: true })" }, payload: { kind: "systemEvent", text: "CI changed" } })
    expect(added.body.trigger.once).toBeUndefined()
    const once = await json("cron", "edit", added.body.id, "--trigger-once")
    expect(once.body.trigger).toEqual({ script: "json({ fire: true })", once: true })
    const rewritten = await json("cron", "edit", added.body.id, "--trigger-script", file("watch2.js", "json({ fire: false })"))
    // A new script keeps the stored `once`.
    expect(rewritten.body.trigger).toEqual({ script: "json({ fire: false })", once: true })
    const cleared = await json("cron", "edit", added.body.id, "--clear-trigger")
    expect(cleared.code, cleared.stderr).toBe(0)
    expect(cleared.body.trigger).toBeUndefined()
    const again = await json("cron", "edit", added.body.id, "--trigger-once")
    expect(again.code).toBe(1)
    expect(again.stderr).toBe("--trigger-once requires an existing trigger or --trigger-script\n")
  })

  it("bad script flags fail with a clear message and nothing is added", async () => {
    const script = file("ok.js", "return {}")
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["--script", script, "--script-timeout-seconds", "901"], "--script-timeout-seconds must be a whole number from 1 to 900"],
      [["--script", script, "--script-tool-budget", "0"], "--script-tool-budget must be a whole number from 1 to 200"],
      [["--script", script, "--timeout-seconds", "30"], "Use --script-timeout-seconds for script jobs, not --timeout-seconds."],
      [["--script", path.join(home.home, "missing.js")], `Cannot read script payload ${path.join(home.home, "missing.js")}: `],
      [["--script", file("empty.js", "  \n")], "Script payload must not be empty"],
      [["--script", file("big.js", "x".repeat(65_537))], "Script payload exceeds 65536 bytes"],
      [["--script", script, "--message", "hi"], "Choose exactly one payload: --system-event, --message, --command, --command-argv, or --script"],
      [["--system-event", "x", "--trigger-once"], "--trigger-once requires --trigger-script"],
      [["--script", script, "--session", "current"], "script cron jobs require sessionTarget=\"main\" or \"isolated\""],
      [["--system-event", "x", "--trigger-script", file("syntax.js", "json({ fire: )")], "cron trigger script has a syntax error: "],
      [["--script", "-", "--trigger-script", "-"], "--script and --trigger-script cannot both read standard input; pass one of them as a file"]
    ]
    for (const [flags, message] of cases) {
      const result = await cli("cron", "add", "--name", "bad", "--every", "1h", ...flags)
      expect(result.code, flags.join(" ")).toBe(1)
      expect(result.stderr.startsWith(message), `${flags.join(" ")}: ${result.stderr}`).toBe(true)
    }
    const edit = await cli("cron", "edit", (await json("cron", "list", "--all", "--json")).body.jobs.find((j: { name: string }) => j.name === "watcher").id, "--script-tool-budget", "5")
    expect(edit.code).toBe(1)
    expect(edit.stderr).toBe("--script-timeout-seconds and --script-tool-budget apply to script jobs; pass --script to make this a script job\n")
    expect((await json("cron", "list", "--all", "--json")).body.jobs.filter((j: { name: string }) => j.name === "bad")).toEqual([])
  })

  it("`-` reads the script from standard input (the built CLI)", async () => {
    const spawned = tempHome()
    const result = await runCliAsync(spawned.home, ["cron", "add", "--name", "from-stdin", "--every", "1m", "--trigger-script", "-", "--trigger-once", "--system-event", "go", "--url", gw.url, "--token", TOKEN], {}, 15_000, "json({ fire: trigger.state === undefined })\n")
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).trigger).toEqual({ script: "json({ fire: trigger.state === undefined })", once: true })
  })
})

describe("cron.triggers.enabled: false", () => {
  it("cron add --trigger-script and --script are refused with the operator's switch named", async () => {
    const model = await startScriptedModelServer([], { text: "HEARTBEAT_OK" })
    const gw = await gatewayWith(model, { cron: { triggers: { enabled: false } } })
    const home = inProcessHome()
    try {
      const script = path.join(home.home, "s.js")
      fs.writeFileSync(script, "json({ fire: true })")
      const trigger = await home.run(["cron", "add", "--name", "t", "--every", "1m", "--system-event", "x", "--trigger-script", script, "--url", gw.url, "--token", TOKEN])
      expect(trigger.code).toBe(1)
      expect(trigger.stderr).toBe("cron triggers are disabled because the operator set cron.triggers.enabled: false; remove it or set it to true\n")
      const payload = await home.run(["cron", "add", "--name", "s", "--every", "1m", "--script", script, "--url", gw.url, "--token", TOKEN])
      expect(payload.code).toBe(1)
      expect(payload.stderr).toContain("cron script payloads are disabled because the operator set cron.triggers.enabled: false")
      const status = await home.run(["cron", "status", "--url", gw.url, "--token", TOKEN])
      expect(JSON.parse(status.stdout)).toMatchObject({ triggersEnabled: false })
    } finally {
      await gw.stop()
      await model.close()
    }
  }, 30_000)
})
