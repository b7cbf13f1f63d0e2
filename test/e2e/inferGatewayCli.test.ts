import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort, writeConfig } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { useModelGatewayProcess } from "../support/modelGatewayProcess.js"

const TOKEN = "infer-e2e-token-0123456789"

const parseJson = (stdout: string): any => {
  try {
    return JSON.parse(stdout)
  } catch {
    return expect.fail(`stdout is not one JSON document: ${stdout}`)
  }
}

describe("openclaw infer model run --gateway through the built CLI and a real gateway process", () => {
  const running = useModelGatewayProcess(TOKEN)

  it("--json prints the gateway envelope with the model's text; the model got the bare prompt", async () => {
    running.model.script.push({ text: "pong" })
    const result = await runCliAsync(running.home.home, ["infer", "model", "run", "--gateway", "--prompt", "hi", "--json"])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(parseJson(result.stdout)).toEqual({
      ok: true,
      capability: "model.run",
      transport: "gateway",
      provider: "fake",
      model: "m1",
      attempts: [],
      outputs: [{ text: "pong", mediaUrl: null }]
    })
    const body = running.model.requests.at(-1)?.body
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }])
    expect(body.tools ?? []).toEqual([])
    // No durable session: the gateway's session index holds no model-run entry.
    const index = path.join(running.home.stateDir, "agents", "main", "sessions", "sessions.json")
    expect(fs.existsSync(index) ? Object.keys(JSON.parse(fs.readFileSync(index, "utf8"))) : []).toEqual([])
  })

  it("capability model run --gateway --model p/m prints the text (the CLI's credential may override the model)", async () => {
    running.model.script.push({ text: "explicit pong" })
    const result = await runCliAsync(running.home.home, ["capability", "model", "run", "--gateway", "--model", "fake/m1", "--prompt", "ping"])
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe("explicit pong\n")
    expect(result.code).toBe(0)
    expect(running.model.requests.at(-1)?.body.model).toBe("m1")
  })

  it("an empty answer fails like the local path: the no-text message, a next step, the failure envelope", async () => {
    running.model.script.push({ text: "" })
    const result = await runCliAsync(running.home.home, ["infer", "model", "run", "--gateway", "--prompt", "hi", "--json"])
    expect(result.code).toBe(1)
    expect(parseJson(result.stdout)).toMatchObject({ ok: false, transport: "gateway", provider: "fake", model: "m1", outputs: [], error: "No text output returned for provider \"fake\" model \"m1\"." })
    expect(result.stderr).toContain("error[MODEL_NO_OUTPUT]: No text output returned for provider \"fake\" model \"m1\".")
    expect(result.stderr).toContain("Next: ")
  })

  it("an explicit --url with a wrong --token is refused at connect with the auth next step", async () => {
    const before = running.model.requests.length
    const args = ["infer", "model", "run", "--gateway", "--prompt", "hi", "--url", `ws://127.0.0.1:${running.port}`, "--token", "wrong-token-0123456789"]
    const result = await runCliAsync(running.home.home, args)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("error[AUTH_TOKEN_MISMATCH]")
    expect(result.stderr).toContain("Next: ")
    expect(running.model.requests.length).toBe(before)
    running.model.script.push({ text: "with the right token" })
    const right = await runCliAsync(running.home.home, ["infer", "model", "run", "--gateway", "--prompt", "hi", "--url", `ws://127.0.0.1:${running.port}`, "--token", TOKEN])
    expect(right.stdout).toBe("with the right token\n")
  })
})

describe("openclaw infer model run --gateway without a gateway", () => {
  it("fails with gateway connect failed and the start-it next step; --local with --gateway is refused", async () => {
    const home = tempHome()
    writeConfig(home.configPath, { gateway: { mode: "local", port: await freePort() } })
    const result = await runCliAsync(home.home, ["infer", "model", "run", "--gateway", "--prompt", "hi"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("error[GATEWAY_CONNECT_FAILED]: gateway connect failed")
    expect(result.stderr).toContain("Next: start it with `openclaw gateway run`")
    const both = await runCliAsync(home.home, ["infer", "model", "run", "--gateway", "--local", "--prompt", "hi"])
    expect(both.code).toBe(1)
    expect(both.stderr).toContain("error[INFER_INPUT_INVALID]: --local and --gateway cannot be combined")
  })
})
