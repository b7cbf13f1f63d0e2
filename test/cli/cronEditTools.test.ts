import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { defineTool } from "../../src/domain/agent/tools.js"
import { AgentStackLive } from "../../src/layers/agent/AgentLive.js"
import { CronFeatureLive } from "../../src/layers/cron/CronFeature.js"
import { AgentPolicy } from "../../src/services/AgentPolicy.js"
import { ChannelDeliveryUnavailable } from "../support/ChannelDeliveryUnavailable.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "cron-edit-token-0123456789"

// Two real tools: `lookup` (the allowed one) and `wipe`, which counts the times it really ran.
const wiped: Array<string> = []
const lookup = defineTool({ name: "lookup", description: "Look a word up", parameters: Schema.Struct({ word: Schema.String }), mutating: false, execute: ({ word }) => Effect.succeed(`${word}: found`) })
const wipe = defineTool({ name: "wipe", description: "Delete everything", parameters: Schema.Struct({ what: Schema.String }), mutating: true, execute: ({ what }) => Effect.sync(() => (wiped.push(what), "wiped")) })

describe("openclaw cron edit --clear-*, --tools, and command output bounds, against a real gateway", { timeout: 30_000 }, () => {
  let model: ScriptedModelServer
  let gw: RunningGateway
  const home = inProcessHome()
  const cron = async (...args: ReadonlyArray<string>) => {
    const result = await home.run(["cron", ...args, "--url", gw.url, "--token", TOKEN])
    return { ...result, body: JSON.parse(result.stdout) }
  }
  const get = async (id: string) => (await cron("get", id)).body
  const runAndWait = (id: string) => cron("run", id, "--wait", "--poll-interval", "50ms")
  // The model turns requested since `from` (the local-provider preflight's GETs left out).
  const turnsSince = (from: number) => model.requests.slice(from).filter((r) => r.method === "POST")
  // The tool names the model was offered in a turn.
  const offered = (turn: { readonly body: { tools?: ReadonlyArray<{ function: { name: string } }> } } | undefined): ReadonlyArray<string> =>
    (turn?.body.tools ?? []).map((t) => t.function.name).sort()

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "done" })
    const policy = Layer.succeed(AgentPolicy, { maxToolRounds: 4, runTimeout: "20 seconds" })
    const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model, { agents: { defaults: { model: "fake/m1", heartbeat: { every: "0m" } } } }) }
    gw = await startGateway(config, {}, (base) => [
      CronFeatureLive({ retryBusyForMs: 0 }).pipe(Layer.provide(AgentStackLive({ tools: [lookup, wipe], policy })), Layer.provide(ChannelDeliveryUnavailable), Layer.provide(base))
    ], "clawgate-cronedit-")
  })
  afterAll(async () => {
    await gw.stop()
    await model.close()
  })

  it("--clear-* remove exactly their field; --no-best-effort-deliver and --no-light-context turn the flags off", async () => {
    const added = await cron(
      "add", "--name", "brief", "--every", "1h", "--message", "Summarize", "--model", "fake/m1", "--fallbacks", "fake/m2", "--thinking", "low", "--light-context",
      "--channel", "telegram", "--to", "-100123", "--thread-id", "42", "--account", "work", "--best-effort-deliver",
      "--display-name", "Morning brief", "--agent", "ops", "--session-key", "agent:ops:brief"
    )
    expect(added.code, added.stderr).toBe(0)
    const id = added.body.id as string
    expect(added.body).toMatchObject({ displayName: "Morning brief", agentId: "ops", sessionKey: "agent:ops:brief" })

    // A model change alone is a payload patch: the message stays.
    const modelOnly = await cron("edit", id, "--model", "fake/m3")
    expect(modelOnly.code, modelOnly.stderr).toBe(0)
    expect(modelOnly.body.payload).toEqual({ kind: "agentTurn", message: "Summarize", model: "fake/m3", fallbacks: ["fake/m2"], thinking: "low", lightContext: true })

    const cleared = await cron("edit", id, "--clear-model", "--clear-fallbacks", "--clear-thinking", "--no-light-context")
    expect(cleared.body.payload).toEqual({ kind: "agentTurn", message: "Summarize", lightContext: false })

    const route = await cron("edit", id, "--clear-channel", "--clear-to", "--clear-thread-id", "--clear-account", "--no-best-effort-deliver")
    expect(route.body.delivery).toEqual({ mode: "announce", bestEffort: false })

    const labels = await cron("edit", id, "--clear-display-name", "--clear-agent", "--clear-session-key")
    expect(labels.code).toBe(0)
    const stored = await get(id)
    for (const field of ["displayName", "agentId", "sessionKey"]) expect(stored[field]).toBeUndefined()
    expect(stored.name).toBe("brief")
  })

  it("a set flag with its clear flag is refused with both names, and nothing changes", async () => {
    const id = (await cron("add", "--name", "pairs", "--every", "1h", "--message", "x", "--model", "fake/m1", "--channel", "telegram", "--to", "1")).body.id as string
    const before = await get(id)
    for (const [set, clear] of [
      [["--model", "fake/m2"], "--clear-model"],
      [["--fallbacks", "fake/m2"], "--clear-fallbacks"],
      [["--thinking", "high"], "--clear-thinking"],
      [["--tools", "lookup"], "--clear-tools"],
      [["--channel", "slack"], "--clear-channel"],
      [["--to", "2"], "--clear-to"],
      [["--thread-id", "7"], "--clear-thread-id"],
      [["--account", "a"], "--clear-account"],
      [["--display-name", "n"], "--clear-display-name"],
      [["--agent", "ops"], "--clear-agent"],
      [["--session-key", "k"], "--clear-session-key"],
      [["--best-effort-deliver"], "--no-best-effort-deliver"],
      [["--light-context"], "--no-light-context"]
    ] as const) {
      const refused = await cron("edit", id, ...set, clear)
      expect(refused.code).toBe(1)
      expect(refused.body.error.message).toBe(`Use ${set[0]} or ${clear}, not both`)
    }
    expect(await get(id)).toEqual(before)
  })

  it("--tools restricts what the job's turn is offered and may run; --clear-tools restores every tool", async () => {
    const added = await cron("add", "--name", "restricted", "--every", "1h", "--message", "Check the word", "--tools", "lookup", "--no-deliver")
    expect(added.body.payload).toMatchObject({ kind: "agentTurn", toolsAllow: ["lookup"] })
    const id = added.body.id as string
    // The model tries the tool it was not offered, then answers.
    model.script.push({ toolCalls: [{ name: "wipe", arguments: { what: "all" } }] }, { text: "could not wipe" })
    const first = model.requests.length
    const run = await runAndWait(id)
    expect(run.body).toMatchObject({ status: "ok", run: { summary: "could not wipe" } })
    const turns = turnsSince(first)
    expect(turns.length).toBe(2)
    expect(offered(turns[0])).toEqual(["lookup"])
    expect(wiped).toEqual([])
    const refusal = JSON.stringify(turns[1]?.body)
    expect(refusal).toContain("Tool wipe is not allowed in this run (allowed: lookup)")

    const cleared = await cron("edit", id, "--clear-tools")
    expect(cleared.body.payload.toolsAllow).toEqual(["*"])
    const next = model.requests.length
    expect((await runAndWait(id)).body.status).toBe("ok")
    expect(offered(turnsSince(next)[0])).toEqual(["lookup", "session_status", "wipe"])

    // `--tools` alone changes the stored job's payload, whatever else it says.
    expect((await cron("edit", id, "--tools", "wipe, lookup")).body.payload).toEqual({ kind: "agentTurn", message: "Check the word", toolsAllow: ["wipe", "lookup"] })
    // Jobs that run no agent turn have no tools to restrict.
    const command = (await cron("add", "--name", "cmd", "--every", "1h", "--command", "true", "--no-deliver")).body.id as string
    const onCommand = await cron("edit", command, "--tools", "lookup")
    expect(onCommand.code).toBe(1)
    expect(onCommand.body.error.message).toBe("--tools and --clear-tools apply to agent-turn jobs (--message); this is a command job, which offers no agent tools")
    const atAdd = await cron("add", "--name", "sys", "--every", "1h", "--system-event", "hi", "--tools", "lookup")
    expect(atAdd.body.error.message).toBe("--tools applies to agent-turn jobs (--message): command and system-event jobs offer no agent tools")
  })

  it("--output-max-bytes keeps the tail of the output; --no-output-timeout-seconds stops a silent command, not a chatty one", async () => {
    const bounded = await cron("add", "--name", "big", "--every", "1h", "--command-argv", JSON.stringify(["sh", "-c", "head -c 5000 /dev/zero | tr '\\0' a; echo; echo END"]), "--output-max-bytes", "100", "--no-deliver")
    expect(bounded.body.payload).toMatchObject({ kind: "command", outputMaxBytes: 100 })
    const big = await runAndWait(bounded.body.id)
    expect(big.body.status).toBe("ok")
    const summary = big.body.run.summary as string
    expect(summary.endsWith("END")).toBe(true)
    expect(summary.length).toBeLessThanOrEqual(100)
    expect(summary.length).toBeGreaterThan(90)

    const silent = await cron("add", "--name", "silent", "--every", "1h", "--command", "sleep 6; echo late", "--no-output-timeout-seconds", "1", "--no-deliver")
    const started = Date.now()
    const stopped = await runAndWait(silent.body.id)
    expect(stopped.code).toBe(1)
    expect(stopped.body.run).toMatchObject({ status: "error", error: "command produced no output before noOutputTimeoutSeconds" })
    // The shell's child (sleep) went with it: the run ended well before the 6 s sleep.
    expect(Date.now() - started).toBeLessThan(5000)

    const chatty = await cron("add", "--name", "chatty", "--every", "1h", "--command", "for i in 1 2 3 4; do echo tick $i; sleep 0.4; done", "--no-output-timeout-seconds", "1", "--no-deliver")
    expect((await runAndWait(chatty.body.id)).body).toMatchObject({ status: "ok", run: { summary: "tick 1\ntick 2\ntick 3\ntick 4" } })

    // Edit sets and validates the bounds of a command job.
    expect((await cron("edit", chatty.body.id, "--output-max-bytes", "4096")).body.payload).toMatchObject({ outputMaxBytes: 4096, noOutputTimeoutSeconds: 1 })
    expect((await cron("edit", chatty.body.id, "--output-max-bytes", "0")).body.error.message).toBe("Invalid --output-max-bytes (must be a positive integer).")
    const onAgent = await cron("add", "--name", "agent-bounds", "--every", "1h", "--message", "x", "--output-max-bytes", "10")
    expect(onAgent.body.error.message).toBe("--output-max-bytes applies to command jobs (--command or --command-argv)")
  })
})
