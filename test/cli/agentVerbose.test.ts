import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { inProcessHome } from "../support/cliInProcess.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

describe("openclaw agent --verbose", { timeout: 30_000 }, () => {
  let model: ScriptedModelServer
  const home = inProcessHome()
  const agent = (...args: ReadonlyArray<string>) => home.run(["agent", "--agent", "main", "--message", "How is the session?", ...args])

  beforeAll(async () => {
    model = await startScriptedModelServer([], { text: "All good." })
    fs.mkdirSync(path.dirname(home.configPath), { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify(scriptedModelConfig(model)))
  })
  afterAll(async () => {
    await model.close()
  })

  it("full: a local run's tool calls and their results on stderr; the reply alone on stdout", async () => {
    model.script.push({ toolCalls: [{ name: "session_status", arguments: {} }] }, { text: "Session is fine." })
    const run = await agent("--local", "--verbose", "full")
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe("Session is fine.\n")
    expect(run.stderr).toContain("[tool] session_status {}\n")
    expect(run.stderr).toMatch(/\[tool\] session_status done: .+/)
  })

  it("on: the calls without their results; off (or no flag): nothing extra", async () => {
    model.script.push({ toolCalls: [{ name: "session_status", arguments: {} }] }, { text: "Fine." })
    const on = await agent("--local", "--verbose", "yes")
    expect(on.stderr).toContain("[tool] session_status {}\n")
    expect(on.stderr).toContain("[tool] session_status done\n")
    model.script.push({ toolCalls: [{ name: "session_status", arguments: {} }] }, { text: "Fine." })
    const off = await agent("--local", "--verbose", "off")
    expect([off.code, off.stdout, off.stderr]).toEqual([0, "Fine.\n", ""])
  })

  it("through the gateway it first says where it connects; a bad level is refused before anything runs", async () => {
    const before = model.requests.length
    const bad = await agent("--local", "--verbose", "loud")
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("Invalid verbose level. Use \"on\", \"full\", or \"off\".")
    expect(model.requests.length).toBe(before)
    // No gateway listens there: the run falls back to the embedded agent, after the connection lines.
    const viaGateway = await agent("--verbose", "on", "--url", "ws://127.0.0.1:9", "--token", "t")
    expect(viaGateway.stderr).toMatch(/^Gateway connection:\n {2}Gateway target: ws:\/\/127\.0\.0\.1:9\n {2}Source: --url\n/)
  })
})
