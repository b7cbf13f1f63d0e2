import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { startAnthropicFake } from "../support/fakeAnthropicServer.js"
import { freePort, startInBackground, stopChild } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"

const TOKEN = "onboard-e2e-token-0123456789"

describe("onboard --anthropic-api-key through the built CLI, then a real gateway process uses the stored key", () => {
  it("the gateway's model calls carry the onboarded key, and a re-onboarded key applies without a restart", async () => {
    const first = "sk-ant-api03-e2e-first-0123456789"
    const second = "sk-ant-api03-e2e-second-0123456789"
    const claude = await startAnthropicFake({ apiKey: first, reply: "pong via gateway" })
    const home = tempHome()
    const port = await freePort()
    const onboard = await runCliAsync(home.home, ["onboard", "--non-interactive", "--accept-risk", "--mode", "local", "--gateway-port", String(port), "--gateway-token", TOKEN, "--anthropic-api-key", first])
    expect(onboard.code, onboard.stderr).toBe(0)
    expect(onboard.stdout).not.toContain(first)
    expect((await runCliAsync(home.home, ["config", "set", "models.providers.anthropic.baseUrl", claude.baseUrl])).code).toBe(0)
    expect(fs.readFileSync(home.configPath, "utf8")).not.toContain(first)
    const gateway = (await startInBackground(home.home)).child
    try {
      const viaGateway = await runCliAsync(home.home, ["infer", "model", "run", "--gateway", "--prompt", "hi", "--json"])
      expect(viaGateway.code, viaGateway.stderr).toBe(0)
      expect(JSON.parse(viaGateway.stdout)).toMatchObject({ ok: true, transport: "gateway", provider: "anthropic", model: "claude-opus-5", outputs: [{ text: "pong via gateway" }] })
      expect(claude.requests.at(-1)?.headers["x-api-key"]).toBe(first)

      const again = await runCliAsync(home.home, ["onboard", "--non-interactive", "--accept-risk", "--mode", "local", "--anthropic-api-key", second])
      expect(again.code, again.stderr).toBe(0)
      claude.behaviour.apiKey = second
      const rotated = await runCliAsync(home.home, ["infer", "model", "run", "--gateway", "--prompt", "again", "--json"])
      expect(rotated.code, rotated.stderr).toBe(0)
      expect(claude.requests.at(-1)?.headers["x-api-key"]).toBe(second)
      const store = path.join(home.stateDir, "agents", "main", "agent", "auth-profiles.json")
      expect(fs.statSync(store).mode & 0o777).toBe(0o600)
    } finally {
      expect(await stopChild(gateway)).toBe(0)
      await claude.close()
    }
  }, 60_000)
})
