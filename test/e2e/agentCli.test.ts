import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { call, connectRaw } from "../support/rawClient.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { useModelGatewayProcess } from "../support/modelGatewayProcess.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const TOKEN = "agent-e2e-token-0123456789"

describe("openclaw agent --message through the built CLI and a real gateway process", () => {
  const running = useModelGatewayProcess(TOKEN)

  it("prints the reply of a turn run by the gateway and keeps the transcript in the gateway's state dir", async () => {
    running.model.script.push({ text: "Hi from the gateway." })
    const result = await runCliAsync(running.home.home, ["agent", "--agent", "main", "--message", "hello"])
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe("Hi from the gateway.\n")
    expect(result.code).toBe(0)
    expect(running.model.requests.at(-1)?.body.messages.at(-1)).toEqual({ role: "user", content: [{ type: "text", text: "hello" }] })
    const sessions = path.join(running.home.stateDir, "agents", "main", "sessions")
    const index = JSON.parse(fs.readFileSync(path.join(sessions, "sessions.json"), "utf8"))
    const transcript = fs.readFileSync(path.join(sessions, `${index["agent:main:main"].sessionId}.jsonl`), "utf8")
    expect(transcript).toContain("Hi from the gateway.")
  })

  it("openclaw status counts the stored sessions and names the default model", async () => {
    const result = await runCliAsync(running.home.home, ["status"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/│ Sessions\s+│ [1-9]\d* stored · default fake\/m1 · ~\/\.openclaw\/agents\/main\/sessions\/sessions\.json\s+│/)
    expect(result.stdout).toMatch(/│ Agents\s+│ 1 · sessions [1-9]\d* · default main\s+│/)
    const json = JSON.parse((await runCliAsync(running.home.home, ["status", "--json"])).stdout)
    // The original's shape: sessions.count / byAgent, agents.totalSessions, gateway.reachable.
    expect(json.sessions.count).toBeGreaterThan(0)
    expect(json.sessions.byAgent[0]).toMatchObject({ agentId: "main", path: "~/.openclaw/agents/main/sessions/sessions.json" })
    expect(json.sessions.defaults).toEqual({ model: "fake/m1" })
    expect(json.agents).toMatchObject({ defaultId: "main", totalSessions: json.sessions.count })
    expect(json.gateway).toMatchObject({ mode: "local", reachable: true, error: null })
    expect(json.gatewayStatus.rpc.ok).toBe(true)
  })

  it("--json prints the gateway's final agent result", async () => {
    running.model.script.push({ text: "JSON reply" })
    const result = await runCliAsync(running.home.home, ["agent", "--session-key", "agent:main:json", "-m", "q", "--json"])
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout)
    expect(parsed).toMatchObject({
      status: "ok",
      summary: "completed",
      result: { payloads: [{ text: "JSON reply", mediaUrl: null }], meta: { aborted: false, agentMeta: { sessionKey: "agent:main:json", provider: "fake", model: "m1" } } }
    })
    expect(typeof parsed.runId).toBe("string")
  })

  it("the second turn of a session carries the first one (history reloaded from the transcript)", async () => {
    running.model.script.push({ text: "Second." })
    const result = await runCliAsync(running.home.home, ["agent", "--agent", "main", "--message", "and again"])
    expect(result.stdout).toBe("Second.\n")
    const roles = running.model.requests.at(-1)?.body.messages.map((m: any) => m.role)
    expect(roles).toEqual(["system", "user", "assistant", "user"])
  })

  it("an empty model turn twice prints the incomplete-turn reply and logs the warning in the gateway log", async () => {
    running.model.script.push({ text: "" }, { text: "" })
    const result = await runCliAsync(running.home.home, ["agent", "--session-key", "agent:main:empty", "--message", "hi"])
    expect(result.stdout).toBe("⚠️ Agent couldn't generate a response. Please try again.\n")
    expect(result.code).toBe(0)
    const log = fs.readFileSync(path.join(running.home.home, "logs", "gateway.log"), "utf8")
    expect(log).toMatch(/empty response detected: runId=\S+ sessionId=\S+ provider=fake\/m1 — retrying 1\/1 with visible-answer continuation/)
    expect(log).toMatch(/incomplete turn detected: runId=\S+ sessionId=\S+ provider=fake\/m1 stopReason=stop .*emptyRetries=1\/1 .*— surfacing error to user/)
  })

  it("refuses to run without a session selector or a message, with a next step", async () => {
    const noSelector = await runCliAsync(running.home.home, ["agent", "--message", "hi"])
    expect(noSelector.code).toBe(1)
    expect(noSelector.stderr).toContain("error[AGENT_INPUT_INVALID]: Pass --to <dest>, --session-key <key>, --session-id <id>, or --agent <id> to choose a session")
    expect(noSelector.stderr).toContain("Next: ")
    const noMessage = await runCliAsync(running.home.home, ["agent", "--agent", "main", "--message", "  "])
    expect(noMessage.code).toBe(1)
    expect(noMessage.stderr).toContain("error[AGENT_INPUT_INVALID]: Message (--message) is required")
  })

  it("a model failure is an error with a next step, not a reply", async () => {
    const failing = tempHome()
    writeConfig(failing.configPath, {
      gateway: { mode: "local", port: running.port, auth: { mode: "token", token: TOKEN } },
      models: { providers: { fake: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", apiKey: "k", models: [{ id: "m1" }] } } },
      agents: { defaults: { model: "fake/m1" } }
    })
    const result = await runCliAsync(failing.home, ["agent", "--local", "--agent", "main", "--message", "hi"], {}, 60_000)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error\[AGENT_RUN_FAILED\]: /m)
    expect(result.stderr).toContain("Next: ")
  }, 60_000)
})

describe("openclaw agent --local and the fallback to the embedded agent", () => {
  let model: ScriptedModelServer
  beforeAll(async () => {
    model = await startScriptedModelServer()
  })
  afterAll(async () => {
    await model.close()
  })

  it("--local runs in the CLI process and writes the transcript under the state dir", async () => {
    const home = tempHome()
    writeConfig(home.configPath, { gateway: { mode: "local" }, ...scriptedModelConfig(model) })
    model.script.push({ toolCalls: [{ name: "session_status", arguments: {} }] }, { text: "Local answer." })
    const result = await runCliAsync(home.home, ["agent", "--local", "--to", "+15555550123", "--message", "status?"])
    expect(result.stdout).toBe("Local answer.\n")
    expect(result.code).toBe(0)
    const toolResult = model.requests.at(-1)?.body.messages.at(-1)
    expect(toolResult).toMatchObject({ role: "tool", tool_call_id: "call_1" })
    expect(toolResult.content).toContain("Session: agent:main:main")
    expect(fs.existsSync(path.join(home.stateDir, "agents", "main", "sessions", "sessions.json"))).toBe(true)
  })

  it("an unreachable gateway falls back to the embedded agent and says so on stderr", async () => {
    const home = tempHome()
    const port = await freePort()
    writeConfig(home.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model) })
    model.script.push({ text: "Embedded." })
    const result = await runCliAsync(home.home, ["agent", "--agent", "main", "--message", "hi"])
    expect(result.stderr).toMatch(/^Gateway agent failed; falling back to embedded: /)
    expect(result.stdout).toBe("Embedded.\n")
    expect(result.code).toBe(0)
  })
})

describe("a gateway killed mid-run", () => {
  it("leaves every earlier transcript line intact; after a restart history and new runs work", async () => {
    const model = await startScriptedModelServer()
    const port = await freePort()
    const home = tempHome()
    writeConfig(home.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } }, ...scriptedModelConfig(model) })
    const first = (await startInBackground(home.home)).child
    const url = `ws://127.0.0.1:${port}`
    const { client } = await connectRaw(url, { token: TOKEN, scopes: ["operator.read", "operator.write"] })
    model.script.push({ text: "Done one." }, { text: "half an answ", hang: true })
    await call(client, "chat.send", { sessionKey: "main", message: "one", idempotencyKey: "crash-1" })
    await client.next((f) => f.event === "chat" && f.payload?.runId === "crash-1" && f.payload.state === "final", 8000)
    await call(client, "chat.send", { sessionKey: "main", message: "two", idempotencyKey: "crash-2" })
    await client.next((f) => f.event === "chat" && f.payload?.runId === "crash-2" && f.payload.state === "delta", 8000)
    const exited = new Promise((resolve) => first.on("exit", resolve))
    first.kill("SIGKILL")
    await exited
    client.close()
    const sessions = path.join(home.stateDir, "agents", "main", "sessions")
    const index = JSON.parse(fs.readFileSync(path.join(sessions, "sessions.json"), "utf8"))
    const lines = fs.readFileSync(path.join(sessions, `${index["agent:main:main"].sessionId}.jsonl`), "utf8").split("\n").filter((l) => l !== "")
    expect(lines.map((l) => JSON.parse(l).message?.role ?? "header")).toEqual(["header", "user", "assistant", "user"])
    const second = (await startInBackground(home.home)).child
    try {
      const again = (await connectRaw(url, { token: TOKEN, scopes: ["operator.read", "operator.write"] })).client
      const history = await call(again, "chat.history", { sessionKey: "main" })
      expect(history.payload.messages.map((m: any) => m.content[0]?.text)).toEqual(["one", "Done one.", "two"])
      model.script.push({ text: "Back." })
      await call(again, "chat.send", { sessionKey: "main", message: "three", idempotencyKey: "crash-3" })
      const final = await again.next((f) => f.event === "chat" && f.payload?.runId === "crash-3" && f.payload.state === "final", 8000)
      expect(final.payload.message.content[0].text).toBe("Back.")
      again.close()
    } finally {
      await stopChild(second)
      await model.close()
    }
  }, 30_000)
})
