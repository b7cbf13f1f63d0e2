import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { runCliAsync } from "../support/runCliAsync.js"
import { useTelegramGateway } from "../support/telegramGateway.js"

const GATEWAY_TOKEN = "channels-e2e-token-0123456789"
const BOT_TOKEN = "123456:AAchannels-e2e-bot-token"
const OWNER = 4242
const GROUP = -100777
const STRANGER = 5151

const waitFor = async (check: () => boolean, what: string, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

// Each step spawns CLI processes against a real gateway: generous timeouts for a loaded machine.
describe("Telegram through a real gateway, a fake Bot API on 127.0.0.1 and a fake model", { timeout: 60_000 }, () => {
  const gw = useTelegramGateway({
    gatewayToken: GATEWAY_TOKEN,
    botToken: BOT_TOKEN,
    modelReply: "fallback reply",
    telegram: { groupPolicy: "allowlist", groupAllowFrom: [String(OWNER)], groups: { [String(GROUP)]: { requireMention: true } } }
  })
  const { home } = gw
  const logFile = path.join(home.home, "logs", "gateway.log")
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "")
  const cli = (args: ReadonlyArray<string>) => runCliAsync(home.home, args)

  it("starts as the original does: getMe, deleteWebhook, the command menu, then long polling", () => {
    expect(gw.telegram.calls.slice(0, 4)).toEqual(["getMe", "deleteWebhook", "setMyCommands", "getUpdates"])
    const setCommands = gw.telegram.requests.find((r) => r.url.endsWith("/setMyCommands"))
    expect(setCommands?.body.commands.map((c: any) => c.command)).toContain("new")
  })

  it("a DM from an unknown sender gets a pairing code, is logged, and causes no model call", async () => {
    const modelCalls = gw.model.requests.length
    gw.telegram.dm(OWNER, "hello bot", { first_name: "Ada", username: "ada" })
    await gw.telegram.waitForSent((s) => s.some((m) => m.chat_id === String(OWNER) || m.chat_id === OWNER))
    const reply = gw.telegram.sent.find((m) => String(m.chat_id) === String(OWNER))
    expect(reply?.parse_mode).toBe("HTML")
    const code = /Pairing code: <code>([A-Z2-9]{8})<\/code>/.exec(reply?.text ?? "")?.[1]
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/)
    expect(reply?.text).toBe([
      "OpenClaw: access not configured.",
      "",
      `Your Telegram user id: ${OWNER}`,
      "",
      `Pairing code: <code>${code}</code>`,
      "",
      "Ask the bot owner to approve with:",
      `<code>openclaw pairing approve telegram ${code}</code>`
    ].join("\n"))
    // A second DM while pending sends nothing new (the code goes out only when a request is created).
    gw.telegram.dm(OWNER, "hello again")
    await waitFor(() => log().split("\n").filter((l) => l.includes(`telegram pairing request sender=${OWNER}`)).length >= 2, "the second pairing log line")
    expect(gw.telegram.sent.filter((m) => String(m.chat_id) === String(OWNER))).toHaveLength(1)
    expect(gw.model.requests.length).toBe(modelCalls)
    expect(log()).toContain(`telegram pairing request sender=${OWNER} tag=@ada name=Ada created=true`)

    const list = await cli(["pairing", "list", "telegram"])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^Code\\s+telegramUserId\\s+Meta\\s+Requested\\n[- ]+\\n${code}\\s+${OWNER}\\s+name=Ada username=ada\\s+\\d+s ago`, "m"))
    const json = JSON.parse((await cli(["pairing", "list", "--channel", "telegram", "--json"])).stdout)
    expect(json).toMatchObject({ channel: "telegram", requests: [{ id: String(OWNER), code }] })
  })

  it("after pairing approve, the next DM gets the model's reply", async () => {
    const code = JSON.parse((await cli(["pairing", "list", "--channel", "telegram", "--json"])).stdout).requests[0].code
    const sentBefore = gw.telegram.sent.length
    const approved = await cli(["pairing", "approve", "telegram", code, "--notify"])
    expect(approved.stderr).toBe("")
    expect(approved.stdout).toBe(`Approved telegram sender ${OWNER}.\nCommand owner configured telegram:${OWNER} (commands.ownerAllowFrom was empty).\nNotified ${OWNER}.\n`)
    expect(approved.code).toBe(0)
    expect(gw.telegram.sent.slice(sentBefore)).toMatchObject([{ chat_id: String(OWNER), text: "✅ OpenClaw access approved. Send a message to start chatting." }])
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).commands).toEqual({ ownerAllowFrom: [`telegram:${OWNER}`] })
    expect((await cli(["pairing", "list", "telegram"])).stdout).toBe("No pending telegram pairing requests.\n")
    // The code is spent: approving it again fails with the next command.
    const again = await cli(["pairing", "approve", "telegram", code])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`No pending pairing request found for code: ${code}`)
    expect(again.stderr).toContain("openclaw pairing list telegram")

    gw.model.script.push({ text: "Hello Ada, the model speaking." })
    const before = gw.telegram.sent.length
    gw.telegram.dm(OWNER, "now can we talk?")
    await gw.telegram.waitForSent((s) => s.length > before, 30_000)
    expect(gw.telegram.sent.at(-1)).toMatchObject({ chat_id: String(OWNER), text: "Hello Ada, the model speaking." })
    expect(JSON.stringify(gw.model.requests.at(-1)?.body.messages.at(-1))).toContain("now can we talk?")
  })

  it("the Control UI's channels.pairing.list/dismiss/approve act on the same requests as the CLI; a dismissed sender may ask again", async () => {
    const GUEST = 6161
    const rpc = async (method: string, params: unknown) => {
      const result = await cli(["gateway", "call", method, "--params", JSON.stringify(params), "--json"])
      return { code: result.code, body: result.code === 0 ? JSON.parse(result.stdout) : undefined, stderr: result.stderr }
    }
    const pendingFor = async (sender: number) => {
      const listed = await rpc("channels.pairing.list", { channel: "telegram" })
      expect(listed.code, listed.stderr).toBe(0)
      return listed.body.requests.filter((r: any) => r.senderId === String(sender))
    }
    const askToPair = async () => {
      const before = gw.telegram.sent.length
      gw.telegram.dm(GUEST, "may I?", { first_name: "Grace" })
      await gw.telegram.waitForSent((s) => s.slice(before).some((m) => String(m.chat_id) === String(GUEST)))
    }
    await askToPair()
    const [first] = await pendingFor(GUEST)
    expect(first).toMatchObject({ channel: "telegram", accountId: "default", senderId: String(GUEST), senderLabel: "telegramUserId" })
    // Dismissed: gone from the list, not approved, and dismissing again says it no longer exists.
    expect((await rpc("channels.pairing.dismiss", { channel: "telegram", accountId: "default", requestId: first.requestId })).body).toEqual({ requestId: first.requestId, senderId: String(GUEST) })
    expect(await pendingFor(GUEST)).toEqual([])
    const again = await rpc("channels.pairing.dismiss", { channel: "telegram", accountId: "default", requestId: first.requestId })
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain("pending DM access request no longer exists")
    // Not blocked: a new DM files a new request, which the UI approves (the owner is already configured).
    await askToPair()
    const [second] = await pendingFor(GUEST)
    expect(second.requestId).not.toBe(first.requestId)
    const approved = await rpc("channels.pairing.approve", { channel: "telegram", accountId: "default", requestId: second.requestId, bootstrapCommandOwner: true })
    expect(approved.body).toEqual({ requestId: second.requestId, senderId: String(GUEST), notification: "not-requested", commandOwnerBootstrap: "already-configured" })
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).commands).toEqual({ ownerAllowFrom: [`telegram:${OWNER}`] })
    expect(await pendingFor(GUEST)).toEqual([])
    gw.model.script.push({ text: "Welcome, Grace." })
    const before = gw.telegram.sent.length
    gw.telegram.dm(GUEST, "hello now")
    await gw.telegram.waitForSent((s) => s.slice(before).some((m) => String(m.chat_id) === String(GUEST)), 30_000)
    expect(gw.telegram.sent.slice(before).find((m) => String(m.chat_id) === String(GUEST))?.text).toBe("Welcome, Grace.")
    // An account that does not use DM pairing is refused as the original words it.
    expect((await rpc("channels.pairing.approve", { channel: "slack", accountId: "default", requestId: "x" })).stderr).toContain("channel account does not use DM pairing: slack:default")
  })

  it("an unmentioned group message is dropped and logged; a mentioned one is answered in the group", async () => {
    const modelCalls = gw.model.requests.length
    gw.telegram.group(GROUP, OWNER, "just chatting among ourselves")
    await waitFor(() => log().includes("telegram: drop group message (mention required"), "the mention drop log line")
    expect(log()).toContain(`telegram: drop group message (mention required, botId=${gw.telegram.bot.id})`)
    expect(gw.model.requests.length).toBe(modelCalls)

    gw.model.script.push({ text: "Group answer." })
    gw.telegram.group(GROUP, OWNER, "what is the time?", { mention: true })
    await gw.telegram.waitForSent((s) => s.some((m) => m.chat_id === String(GROUP)))
    expect(gw.telegram.sent.filter((m) => m.chat_id === String(GROUP)).map((m) => m.text)).toEqual(["Group answer."])
    // The unmentioned message reached the model as context of the mentioned one.
    const asked = JSON.stringify(gw.model.requests.at(-1)?.body.messages.at(-1))
    expect(asked).toContain("[Chat messages since your last reply - for context]\\nUser4242: just chatting among ourselves")
    expect(asked).toContain("[Current message - respond to this]\\nUser4242: @claw_test_bot what is the time?")
  })

  it("a blocked group sender is logged and counted in channels status", async () => {
    gw.telegram.group(GROUP, STRANGER, "let me in", { mention: true })
    await waitFor(() => log().includes(`Blocked unauthorized telegram group sender ${STRANGER}`), "the blocked log line")
    expect(log()).toMatch(new RegExp(`Blocked unauthorized telegram group sender ${STRANGER} \\(groupPolicy=allowlist`))
    const json = JSON.parse((await cli(["channels", "status", "--json"])).stdout)
    const account = json.channelAccounts.telegram[0]
    expect(account.dropped).toEqual({ "no-mention": 1, "group-sender-not-allowlisted": 1 })
    const text = (await cli(["channels", "status"])).stdout
    expect(text).toContain("dropped:no-mention=1,group-sender-not-allowlisted=1")
    const overview = await cli(["status"])
    expect(overview.stdout).toMatch(/\nChannels\n- Telegram default: enabled, configured, running, connected, .*dropped:no-mention=1,group-sender-not-allowlisted=1\n/)
  })

  it("web chat (the gateway's chat.* methods) appears in channels status once it has carried a turn", async () => {
    expect((await cli(["channels", "status"])).stdout).not.toContain("WebChat")
    gw.model.script.push({ text: "web reply" })
    const sent = await cli(["gateway", "call", "chat.send", "--params", JSON.stringify({ sessionKey: "agent:main:web", message: "hi from the browser", idempotencyKey: "web-1" })])
    expect(sent.code, sent.stderr).toBe(0)
    await waitFor(() => gw.model.requests.some((r) => JSON.stringify(r.body).includes("hi from the browser")), "the web chat turn")
    const status = await cli(["channels", "status"])
    expect(status.stdout).toMatch(/\n- WebChat default: enabled, configured, running, connected, in:\d+s ago/)
  })

  it("channels status --probe shows works; with a revoked token, the 401 and the next command", async () => {
    const ok = await cli(["channels", "status", "--probe"])
    expect(ok.code, ok.stderr).toBe(0)
    const lines = ok.stdout.split("\n")
    expect(lines[0]).toBe("Checking channel status (probe)…")
    expect(lines[1]).toBe("Gateway reachable.")
    expect(lines[2]).toMatch(/^- Telegram default: enabled, configured, running, connected, in:\d+s ago, out:\d+s ago, mode:polling, bot:@claw_test_bot, token:\*\*\*, works, dropped:/)
    const rpc = JSON.parse((await cli(["gateway", "call", "channels.status", "--json", "--params", "{\"probe\":true,\"timeoutMs\":5000}"])).stdout)
    expect(rpc).toMatchObject({ channelOrder: ["telegram", "webchat"], channelLabels: { telegram: "Telegram" }, channelDefaultAccountId: { telegram: "default" }, channels: { telegram: { configured: true, running: true, tokenSource: "config", mode: "polling" } } })
    expect(rpc.channelAccounts.telegram[0]).toMatchObject({ accountId: "default", enabled: true, configured: true, running: true, connected: true, probe: { ok: true, status: 200 } })
    expect(JSON.stringify(rpc)).not.toContain(BOT_TOKEN)

    gw.telegram.revoke()
    const failed = await cli(["channels", "status", "--probe"])
    expect(failed.code).toBe(0)
    expect(failed.stdout).toContain("probe failed")
    expect(failed.stdout).toContain("- telegram default: Probe failed: getMe returned 401: Unauthorized (the bot token was revoked or is wrong: get a new one from @BotFather, then run: openclaw channels add --channel telegram --token <token>)")
    expect(failed.stdout).toContain("- Run: openclaw doctor")
    expect(failed.stdout).not.toContain(BOT_TOKEN)
  })
})
