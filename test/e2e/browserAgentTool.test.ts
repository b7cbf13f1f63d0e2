import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"
import { startPageServer } from "../support/browserHarness.js"
import type { ChildProcess } from "node:child_process"

const TOKEN = "browser-agent-e2e-token-0123456789"

/** The tool results the model was sent, in order (OpenAI chat `role: "tool"` messages of the last request). */
const toolResults = (model: ScriptedModelServer): Array<string> =>
  (model.requests.at(-1)?.body.messages ?? [])
    .filter((m: { role: string }) => m.role === "tool")
    .map((m: { content: unknown }) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))

describe("the agent's browser tool, driven by a fake model through a real gateway", () => {
  let model: ScriptedModelServer
  let pages: Awaited<ReturnType<typeof startPageServer>>
  let gateway: ChildProcess
  const home = tempHome()

  beforeAll(async () => {
    model = await startScriptedModelServer()
    pages = await startPageServer()
    writeConfig(home.configPath, {
      gateway: { mode: "local", port: await freePort(), auth: { mode: "token", token: TOKEN } },
      logging: { file: path.join(home.home, "logs", "gateway.log") },
      browser: { noSandbox: true, ssrfPolicy: { allowedHostnames: ["127.0.0.1"] }, profiles: { openclaw: { cdpPort: await freePort() } } },
      ...scriptedModelConfig(model)
    })
    gateway = (await startInBackground(home.home)).child
  }, 30_000)
  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
    await model.close()
    await pages.close()
  })

  it("navigates, fills the form by ref, submits, and reads the greeting back", async () => {
    // Refs are numbered in snapshot order on a fresh tab: the name field of /form is 5, the button 8
    // (asserted against the snapshot the model receives below).
    model.script.push(
      { toolCalls: [{ name: "browser", arguments: { action: "navigate", targetUrl: `${pages.baseUrl}/form` } }] },
      { toolCalls: [{ name: "browser", arguments: { action: "act", request: { kind: "fill", fields: [{ ref: "5", value: "Agent Smith" }] } } }] },
      { toolCalls: [{ name: "browser", arguments: { action: "act", request: { kind: "click", ref: "8" } } }] },
      { toolCalls: [{ name: "browser", arguments: { action: "act", request: { kind: "wait", text: "Hello, Agent Smith!" } } }] },
      { toolCalls: [{ name: "browser", arguments: { action: "snapshot" } }] },
      { text: "The page greets Agent Smith." }
    )
    const result = await runCliAsync(home.home, ["agent", "--agent", "main", "--message", "Sign me up as Agent Smith"], {}, 60_000)
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe("The page greets Agent Smith.\n")
    const tools = model.requests.at(0)?.body.tools.map((t: { function: { name: string } }) => t.function.name)
    expect(tools).toContain("browser")
    const results = toolResults(model)
    expect(results).toHaveLength(5)
    expect(results[0]).toContain(`url: ${pages.baseUrl}/form`)
    expect(results[0]).toMatch(/textbox "Your name" \[ref=5\]/)
    expect(results[0]).toMatch(/button "Send" \[ref=8\]/)
    expect(results[4]).toContain("Hello, Agent Smith!")
    expect(results[4]).toContain(`url: ${pages.baseUrl}/hello?name=Agent+Smith`)
  }, 60_000)

  it("a refused action comes back to the model as a tool error, not a failed turn", async () => {
    model.script.push(
      { toolCalls: [{ name: "browser", arguments: { action: "act", request: { kind: "click", ref: "5" } } }] },
      { text: "That ref is stale." }
    )
    const result = await runCliAsync(home.home, ["agent", "--session-key", "agent:main:stale", "--message", "click the old field"], {}, 60_000)
    expect(result.stdout).toBe("That ref is stale.\n")
    expect(toolResults(model).at(-1)).toContain("Unknown ref \"5\"")
  }, 60_000)
})
