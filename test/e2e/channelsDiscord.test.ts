import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { type FakeDiscord, startFakeDiscord } from "../support/fakeDiscord.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const GATEWAY_TOKEN = "discord-e2e-token-0123456789"
const BOT_TOKEN = "MTAx.discord-e2e.bot-token-secret"
const OWNER = "100000000000000042"
const GUILD = "200000000000000001"
const ALLOWED = "300000000000000001"
const UNLISTED = "300000000000000002"

const waitFor = async (check: () => boolean, what: string, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe("Discord through a real gateway, a fake Discord Gateway + REST on 127.0.0.1 and a fake model", { timeout: 60_000 }, () => {
  let discord: FakeDiscord
  let model: ScriptedModelServer
  let gateway: ChildProcess
  const home = tempHome()
  const logFile = path.join(home.home, "logs", "gateway.log")
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "")
  const logRecords = () => log().split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
  const env = () => ({ OPENCLAW_DISCORD_API_BASE: discord.apiBase })
  const cli = (args: ReadonlyArray<string>) => runCliAsync(home.home, args, env())

  beforeAll(async () => {
    discord = await startFakeDiscord(BOT_TOKEN, { heartbeatMs: 1000 })
    model = await startScriptedModelServer([], { text: "fallback reply" })
    const port = await freePort()
    writeConfig(home.configPath, {
      gateway: { mode: "local", port, auth: { mode: "token", token: GATEWAY_TOKEN } },
      logging: { file: logFile },
      ...scriptedModelConfig(model),
      channels: {
        discord: {
          token: BOT_TOKEN,
          groupPolicy: "allowlist",
          guilds: { [GUILD]: { requireMention: true, channels: { [ALLOWED]: { allow: true } } } }
        }
      }
    })
    gateway = (await startInBackground(home.home, env())).child
    await waitFor(() => discord.online(), "the bot's READY")
  })

  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
    await discord.close()
    await model.close()
  })

  it("identifies with the message content intent and keeps its heartbeat acknowledged", async () => {
    const identify = discord.received.find((f) => f.op === 2)
    expect(identify?.d.token).toBe(BOT_TOKEN)
    // GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT
    expect(identify?.d.intents & (1 << 15)).toBe(1 << 15)
    expect(identify?.d.intents & (1 << 9)).toBe(1 << 9)
    expect(identify?.d.intents & (1 << 12)).toBe(1 << 12)
    await waitFor(() => discord.received.filter((f) => f.op === 1).length >= 2, "two heartbeats")
    expect(discord.connections()).toBe(1)
    const status = await cli(["channels", "status"])
    expect(status.stdout).toMatch(/\n- Discord default: enabled, configured, running, connected, bot:@claw_discord_bot, token:\*\*\*, intents:content=enabled/)
  })

  it("a DM from an unknown user gets a pairing code; after approve the next DM gets the model's reply", async () => {
    const modelCalls = model.requests.length
    discord.dm(OWNER, "hello bot", { username: "ada", global_name: "Ada" })
    await discord.waitForSent((s) => s.some((m) => m.channel_id === discord.dmChannelOf(OWNER)))
    const reply = discord.sent.find((m) => m.channel_id === discord.dmChannelOf(OWNER))?.content ?? ""
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(reply)?.[1]
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/)
    expect(reply).toContain(`Your Discord user id: ${OWNER}`)
    expect(reply).toContain(`openclaw pairing approve discord ${code}`)
    expect(model.requests.length).toBe(modelCalls)
    await waitFor(() => log().includes(`discord pairing request sender=${OWNER} tag=@ada name=Ada created=true`), "the pairing log line")

    const list = await cli(["pairing", "list", "discord"])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^Code\\s+discordUserId\\s+Meta\\s+Requested\\n[- ]+\\n${code}\\s+${OWNER}\\s+name=Ada username=ada`, "m"))

    const sentBefore = discord.sent.length
    const approved = await cli(["pairing", "approve", "discord", String(code), "--notify"])
    expect(approved.stderr).toBe("")
    expect(approved.code).toBe(0)
    expect(approved.stdout).toContain(`Approved discord sender ${OWNER}.`)
    expect(approved.stdout).toContain(`Notified ${OWNER}.`)
    expect(discord.sent.slice(sentBefore)).toMatchObject([{ channel_id: discord.dmChannelOf(OWNER), content: "✅ OpenClaw access approved. Send a message to start chatting." }])

    model.script.push({ text: "Hello Ada, from the model." })
    const before = discord.sent.length
    discord.dm(OWNER, "now can we talk?")
    await discord.waitForSent((s) => s.length > before, 30_000)
    expect(discord.sent.at(-1)).toMatchObject({ channel_id: discord.dmChannelOf(OWNER), content: "Hello Ada, from the model." })
    expect(JSON.stringify(model.requests.at(-1)?.body.messages.at(-1))).toContain("now can we talk?")
  })

  it("an unmentioned guild message is dropped with the runbook's log lines; a mentioned one is answered in its channel", async () => {
    const modelCalls = model.requests.length
    discord.guild(GUILD, ALLOWED, OWNER, "just chatting")
    await waitFor(() => log().includes("discord: skipping guild message"), "the skipping log line")
    expect(log()).toContain(`discord: drop guild message (mention required, botId=${discord.bot.id})`)
    const skipping = logRecords().find((r) => JSON.stringify(r).includes("discord: skipping guild message"))
    expect(JSON.stringify(skipping)).toContain(`"channelId":"${ALLOWED}"`)
    expect(JSON.stringify(skipping)).toContain(`"reason":"no-mention"`)
    expect(model.requests.length).toBe(modelCalls)

    // A channel the guild's `channels` map does not list is denied even when mentioned.
    discord.guild(GUILD, UNLISTED, OWNER, "anyone here?", { mention: true })
    await waitFor(() => log().includes(`chat ${UNLISTED} not in guild allowlist`), "the allowlist drop")

    model.script.push({ text: "Guild answer." })
    discord.guild(GUILD, ALLOWED, OWNER, "what is the time?", { mention: true })
    await discord.waitForSent((s) => s.some((m) => m.channel_id === ALLOWED))
    expect(discord.sent.filter((m) => m.channel_id === ALLOWED).map((m) => m.content)).toEqual(["Guild answer."])
    expect(discord.sent.some((m) => m.channel_id === UNLISTED)).toBe(false)

    // A reply to the bot counts as a mention.
    model.script.push({ text: "Reply answer." })
    discord.guild(GUILD, ALLOWED, OWNER, "and tomorrow?", { replyToBot: true })
    await discord.waitForSent((s) => s.filter((m) => m.channel_id === ALLOWED).length === 2)
    expect(discord.sent.filter((m) => m.channel_id === ALLOWED).at(-1)?.content).toBe("Reply answer.")
  })

  it("a dropped socket is resumed: a message sent while offline arrives once, nothing is repeated", async () => {
    const turnsBefore = model.requests.length
    const repliesBefore = discord.sent.length
    discord.dropSocket()
    model.script.push({ text: "Answer after resume." })
    discord.dm(OWNER, "sent while you were away")
    await discord.waitForSent((s) => s.length > repliesBefore, 30_000)
    await waitFor(() => discord.online(), "the resumed session")
    // Give a duplicate time to show up, then check there is none.
    await new Promise((r) => setTimeout(r, 500))
    const resume = discord.received.filter((f) => f.op === 6)
    expect(resume).toHaveLength(1)
    expect(resume[0]?.d).toMatchObject({ token: BOT_TOKEN, session_id: "session-1" })
    expect(discord.received.filter((f) => f.op === 2)).toHaveLength(1)
    expect(discord.sent.slice(repliesBefore).map((m) => m.content)).toEqual(["Answer after resume."])
    expect(model.requests.length).toBe(turnsBefore + 1)
    expect(log()).toContain("discord: session resumed")
  })

  it("a heartbeat without its ACK marks a zombie connection: closed and resumed", async () => {
    const resumes = discord.received.filter((f) => f.op === 6).length
    const connections = discord.connections()
    discord.ackHeartbeats(false)
    await waitFor(() => discord.connections() > connections, "a new connection after the missing ACK")
    discord.ackHeartbeats(true)
    await waitFor(() => discord.received.filter((f) => f.op === 6).length > resumes && discord.online(), "the resume")
    expect(discord.received.filter((f) => f.op === 2)).toHaveLength(1)
    expect(log()).toContain("discord: heartbeat ACK missing; reconnecting")
  })

  it("a long reply is sent in 2,000-character pieces, waiting out a 429 (no retry loop)", async () => {
    const long = Array.from({ length: 500 }, (_, i) => `word${i}`).join(" ") + "\n\n" + "x".repeat(1500)
    const before = discord.sent.length
    const sendsBefore = discord.requests.filter((r) => r.method === "POST" && r.url.includes("/messages")).length
    discord.rateLimitNext(1, 0.3)
    model.script.push({ text: long })
    discord.dm(OWNER, "tell me everything")
    await discord.waitForSent((s) => s.length >= before + 3, 30_000)
    const pieces = discord.sent.slice(before).map((m) => m.content)
    expect(pieces.every((p) => p.length <= 2000)).toBe(true)
    expect(pieces.join(" ").replace(/\s+/g, " ")).toBe(long.replace(/\s+/g, " "))
    // One 429, then each piece once.
    expect(discord.requests.filter((r) => r.method === "POST" && r.url.includes("/messages")).length - sendsBefore).toBe(pieces.length + 1)
  })

  it("channels status --probe checks the bot identity and says works; the token never appears", async () => {
    await waitFor(() => discord.online(), "the session online")
    const probed = await cli(["channels", "status", "--probe"])
    expect(probed.code, probed.stderr).toBe(0)
    expect(probed.stdout).toMatch(/\n- Discord default: enabled, configured, running, connected, in:\d+s ago, out:\d+s ago, bot:@claw_discord_bot, token:\*\*\*, intents:content=enabled, works, dropped:no-mention=1,group-not-allowlisted=1/)
    const rpc = JSON.parse((await cli(["gateway", "call", "channels.status", "--json", "--params", "{\"probe\":true,\"timeoutMs\":5000}"])).stdout)
    expect(rpc.channelAccounts.discord[0]).toMatchObject({ accountId: "default", connected: true, intents: { content: "enabled" }, probe: { ok: true, status: 200 } })
    expect(JSON.stringify(rpc)).not.toContain(BOT_TOKEN)
    expect(log()).not.toContain(BOT_TOKEN)
  })

  it("a close the bot cannot fix (4014 disallowed intents) stops it with the reason in channels status", async () => {
    const connections = discord.connections()
    discord.closeWith(4014, "Disallowed intent(s).")
    await waitFor(() => log().includes("discord: gateway closed: Disallowed intents (4014)"), "the fatal close log line")
    const status = await cli(["channels", "status"])
    expect(status.stdout).toContain("- Discord default: enabled, configured, error:Disallowed intents (4014): enable Message Content Intent in the Developer Portal, stopped, disconnected")
    await new Promise((r) => setTimeout(r, 1000))
    expect(discord.connections()).toBe(connections)
  })
})
