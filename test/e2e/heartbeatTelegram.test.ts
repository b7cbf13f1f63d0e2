import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { runCliAsync } from "../support/runCliAsync.js"
import { useTelegramGateway } from "../support/telegramGateway.js"

const GATEWAY_TOKEN = "heartbeat-e2e-token-0123456789"
const BOT_TOKEN = "654321:AAheartbeat-e2e-bot-token"
const OWNER = 7373

// Cron/heartbeat (issue 13) delivering through the channel layer (issue 12): a real gateway process, the
// Telegram adapter on a fake Bot API on 127.0.0.1, and a fake model.
describe("a heartbeat reply reaches the owner's Telegram chat", { timeout: 90_000 }, () => {
  const gw = useTelegramGateway({
    gatewayToken: GATEWAY_TOKEN,
    botToken: BOT_TOKEN,
    modelReply: "HEARTBEAT_OK",
    telegram: { dmPolicy: "open", allowFrom: ["*"] },
    // The owner as `openclaw pairing approve` records it; the channel's own allow list names nobody in particular.
    config: { commands: { ownerAllowFrom: [`telegram:${OWNER}`] } },
    prepare: (home) => {
      const workspace = path.join(path.dirname(home.configPath), "workspace")
      fs.mkdirSync(workspace, { recursive: true })
      fs.writeFileSync(path.join(workspace, "HEARTBEAT.md"), "Check whether the oven was left on.\n")
    }
  })
  const { home } = gw
  const cli = (args: ReadonlyArray<string>) => runCliAsync(home.home, args)

  it("an alert is sent to the owner through the Bot API; `system heartbeat last` says sent, to whom and by which channel", async () => {
    gw.model.script.push({ text: "The oven is still on!" })
    const event = await cli(["system", "event", "--text", "kitchen sensor changed", "--mode", "now"])
    expect(event.code, event.stderr).toBe(0)
    await gw.telegram.waitForSent((sent) => sent.some((m) => String(m.chat_id) === String(OWNER) && m.text === "The oven is still on!"), 60_000)
    const last = await cli(["system", "heartbeat", "last", "--json"])
    expect(last.code, last.stderr).toBe(0)
    expect(JSON.parse(last.stdout)).toMatchObject({ status: "sent", channel: "telegram", to: String(OWNER), preview: "The oven is still on!" })
    // The system event reached the prompt of that turn.
    expect(JSON.stringify(gw.model.requests.at(-1)?.body)).toContain("kitchen sensor changed")
  })

  it("HEARTBEAT_OK is an acknowledgement: nothing more is sent", async () => {
    const before = gw.telegram.sent.length
    const event = await cli(["system", "event", "--text", "all quiet", "--mode", "now"])
    expect(event.code, event.stderr).toBe(0)
    let last: { status?: string } = {}
    for (let i = 0; i < 300 && last.status !== "ok-token"; i++) {
      await new Promise((r) => setTimeout(r, 100))
      last = JSON.parse((await cli(["system", "heartbeat", "last", "--json"])).stdout)
    }
    expect(last.status).toBe("ok-token")
    expect(gw.telegram.sent.length).toBe(before)
  })

  it("the last heartbeat survives a gateway restart (`system heartbeat last` reads it from the state file)", async () => {
    const before = JSON.parse((await cli(["system", "heartbeat", "last", "--json"])).stdout)
    expect(before).toMatchObject({ status: "ok-token" })
    await gw.restart()
    const after = await cli(["system", "heartbeat", "last", "--json"])
    expect(after.code, after.stderr).toBe(0)
    expect(JSON.parse(after.stdout)).toEqual(before)
    const mode = fs.statSync(path.join(path.dirname(home.configPath), "cron", "last-heartbeat.json")).mode & 0o777
    expect(mode & 0o077).toBe(0)
  })
})
