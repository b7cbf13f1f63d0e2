import { describe, expect, it } from "@effect/vitest"
import { runCliAsync } from "../support/runCliAsync.js"
import { useTelegramGateway } from "../support/telegramGateway.js"

const GATEWAY_TOKEN = "agent-deliver-e2e-token-0123456789"
const BOT_TOKEN = "777111:AAagent-deliver-e2e-bot-token"
const DM_USER = 5151

// `openclaw agent --deliver` with the original's delivery flags (--channel, --reply-to, --reply-channel,
// --reply-account): a real gateway process, the Telegram adapter on a fake Bot API, a scripted model.
describe("openclaw agent --deliver sends the reply through a channel", { timeout: 120_000 }, () => {
  const gw = useTelegramGateway({ gatewayToken: GATEWAY_TOKEN, botToken: BOT_TOKEN, modelReply: "fallback reply", telegram: { dmPolicy: "open", allowFrom: ["*"] } })
  const { home } = gw
  const agent = (args: ReadonlyArray<string>) => runCliAsync(home.home, ["agent", "--agent", "main", "--timeout", "60", ...args])

  it("without a channel and with no earlier chat, --deliver fails naming the flags to pass; nothing is sent", async () => {
    gw.model.script.push({ text: "nowhere to go" })
    const before = gw.telegram.sent.length
    const out = await agent(["-m", "hello", "--deliver"])
    expect(out.code, out.stdout).toBe(1)
    expect(out.stderr).toContain("delivery channel is required: pass --channel/--reply-channel")
    expect(gw.telegram.sent.length).toBe(before)
  })

  it("--channel telegram --reply-to <chat> sends the reply there; --json reports deliveryStatus sent", async () => {
    gw.model.script.push({ text: "Report for chat 4242" })
    const out = await agent(["-m", "write the report", "--deliver", "--channel", "telegram", "--reply-to", "4242", "--json"])
    expect(out.code, out.stderr).toBe(0)
    const result = JSON.parse(out.stdout)
    expect(result.deliveryStatus).toMatchObject({ requested: true, attempted: true, status: "sent", succeeded: true, resultCount: 1 })
    expect(result.result.deliveryStatus).toEqual(result.deliveryStatus)
    expect(gw.telegram.sent.some((m) => String(m.chat_id) === "4242" && m.text === "Report for chat 4242")).toBe(true)
  })

  it("--reply-channel names a channel that does not exist: the original's message, exit 1", async () => {
    gw.model.script.push({ text: "unsent" })
    const out = await agent(["-m", "hi", "--deliver", "--reply-channel", "carrierpigeon", "--reply-to", "x"])
    expect(out.code).toBe(1)
    expect(out.stderr).toContain(`Unknown channel "carrierpigeon". Run \`openclaw channels list --all\``)
  })

  it("--reply-account names an account the channel does not have: the send is refused, exit 1", async () => {
    gw.model.script.push({ text: "wrong account" })
    const before = gw.telegram.sent.length
    const out = await agent(["-m", "hi", "--deliver", "--channel", "telegram", "--reply-to", "4242", "--reply-account", "ops"])
    expect(out.code).toBe(1)
    expect(out.stderr).toContain("Delivery failed (telegram to 4242)")
    expect(out.stderr).toContain(`"ops"`)
    expect(gw.telegram.sent.length).toBe(before)
  })

  it("after a DM, plain --deliver goes back to that chat (the session's last route)", async () => {
    gw.telegram.dm(DM_USER, "hi from telegram")
    await gw.telegram.waitForSent((sent) => sent.some((m) => String(m.chat_id) === String(DM_USER)), 60_000)
    gw.model.script.push({ text: "Back to the DM" })
    const out = await agent(["-m", "follow up", "--deliver"])
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain("Back to the DM")
    await gw.telegram.waitForSent((sent) => sent.some((m) => String(m.chat_id) === String(DM_USER) && m.text === "Back to the DM"), 30_000)
  })

  it("--deliver --local is refused with what to do instead", async () => {
    const out = await agent(["-m", "hi", "--deliver", "--local", "--channel", "telegram", "--reply-to", "1"])
    expect(out.code).toBe(1)
    expect(out.stderr).toContain("--deliver needs the gateway")
  })
})
