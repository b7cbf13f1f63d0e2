import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { startEchoModelServer } from "../support/echoModelServer.js"
import { startFakeTelegram } from "../support/fakeTelegram.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"

const BOT_TOKEN = "123456:AArestart-e2e-bot-token"
const USER = 4242

describe("a gateway restart in the middle of a Telegram conversation", () => {
  it("answers every message exactly once, in order, and never fetches an update twice", { timeout: 60_000 }, async () => {
    const telegram = await startFakeTelegram(BOT_TOKEN)
    const model = await startEchoModelServer(250)
    const home = tempHome()
    const port = await freePort()
    writeConfig(home.configPath, {
      gateway: { mode: "local", port, auth: { mode: "token", token: "restart-e2e-token-0123456789" } },
      logging: { file: path.join(home.home, "logs", "gateway.log") },
      models: { providers: { fake: { baseUrl: model.v1, api: "openai-completions", apiKey: "k", models: [{ id: "m1" }] } } },
      agents: { defaults: { model: "fake/m1" } },
      channels: { telegram: { botToken: BOT_TOKEN, apiRoot: telegram.apiRoot, dmPolicy: "allowlist", allowFrom: [String(USER)] } }
    })
    try {
      let gateway = (await startInBackground(home.home)).child
      const texts = Array.from({ length: 8 }, (_, i) => `message ${i + 1}`)
      for (const text of texts.slice(0, 6)) telegram.dm(USER, text)
      // Two answered, the rest fetched (their offset confirmed) but still waiting for their turn.
      await telegram.waitForSent((s) => s.length >= 2)
      await new Promise((r) => setTimeout(r, 100))
      expect(await stopChild(gateway)).toBe(0)
      const answeredBefore = telegram.sent.length
      expect(answeredBefore).toBeLessThan(6)
      const offsetFile = JSON.parse(fs.readFileSync(path.join(home.stateDir, "telegram", "update-offset-default.json"), "utf8"))
      expect(offsetFile.lastUpdateId).toBe(6)
      expect(offsetFile.inflight.length).toBe(6 - answeredBefore)
      expect(fs.statSync(path.join(home.stateDir, "telegram", "update-offset-default.json")).mode & 0o777).toBe(0o600)

      telegram.dm(USER, texts[6] ?? "")
      gateway = (await startInBackground(home.home)).child
      telegram.dm(USER, texts[7] ?? "")
      await telegram.waitForSent((s) => s.length >= 8, 20_000)
      await new Promise((r) => setTimeout(r, 300))
      expect(await stopChild(gateway)).toBe(0)

      expect(telegram.sent.map((m) => m.text)).toEqual(texts.map((t) => `echo: ${t}`))
      expect(new Set(telegram.delivered).size).toBe(telegram.delivered.length)
    } finally {
      await telegram.close()
      await model.close()
    }
  })
})
