import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { type FakeSlack, startFakeSlack } from "../support/fakeSlack.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { tempHome } from "../support/runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"

const GATEWAY_TOKEN = "slack-e2e-token-0123456789"
const BOT_TOKEN = "xoxb-slack-e2e-bot-secret"
const APP_TOKEN = "xapp-slack-e2e-app-secret"
const OWNER = "U0OWNER042"
const ALLOWED = "C0ALLOWED1"
const UNLISTED = "C0UNLISTED"

const waitFor = async (check: () => boolean, what: string, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe("Slack through a real gateway, a fake Slack Web API + Socket Mode on 127.0.0.1 and a fake model", { timeout: 60_000 }, () => {
  let slack: FakeSlack
  let model: ScriptedModelServer
  let gateway: ChildProcess
  const home = tempHome()
  const logFile = path.join(home.home, "logs", "gateway.log")
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "")
  const env = () => ({ OPENCLAW_SLACK_API_BASE: slack.apiBase, SLACK_APP_TOKEN: APP_TOKEN })
  const cli = (args: ReadonlyArray<string>) => runCliAsync(home.home, args, env())

  beforeAll(async () => {
    slack = await startFakeSlack({ bot: BOT_TOKEN, app: APP_TOKEN })
    model = await startScriptedModelServer([], { text: "fallback reply" })
    const port = await freePort()
    writeConfig(home.configPath, {
      gateway: { mode: "local", port, auth: { mode: "token", token: GATEWAY_TOKEN } },
      logging: { file: logFile },
      ...scriptedModelConfig(model),
      channels: { slack: { botToken: BOT_TOKEN, groupPolicy: "allowlist", channels: { [ALLOWED]: { allow: true } } } }
    })
    gateway = (await startInBackground(home.home, env())).child
    await waitFor(() => slack.online(), "the Socket Mode hello")
  })

  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
    await slack.close()
    await model.close()
  })

  it("connects in Socket Mode; status shows each credential's source (bot:config, app:env)", async () => {
    await waitFor(() => log().length > 0, "the log")
    const status = await cli(["channels", "status"])
    expect(status.stdout).toMatch(/\n- Slack default: enabled, configured, running, connected, mode:socket, bot:@clawbot, bot:config, app:env/)
    expect(status.stdout).not.toContain(BOT_TOKEN)
    expect(status.stdout).not.toContain(APP_TOKEN)
  })

  it("a DM from an unknown user gets a pairing code; after approve the next DM gets the model's reply", async () => {
    slack.dm(OWNER, "hello bot")
    await slack.waitForPosted((p) => p.some((m) => m.channel === `D${OWNER}`))
    const reply = slack.posted.find((m) => m.channel === `D${OWNER}`)?.text ?? ""
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(reply)?.[1]
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/)
    expect(reply).toContain(`Your Slack user id: ${OWNER}`)
    expect((await cli(["pairing", "list", "slack"])).stdout).toMatch(new RegExp(`^Code\\s+slackUserId\\s+Meta\\s+Requested\\n[- ]+\\n${code}\\s+${OWNER}`, "m"))
    const approved = await cli(["pairing", "approve", "slack", String(code), "--notify"])
    expect(approved.code, approved.stderr).toBe(0)
    expect(approved.stdout).toContain(`Approved slack sender ${OWNER}.`)
    expect(approved.stdout).toContain(`Notified ${OWNER}.`)
    expect(slack.posted.at(-1)).toMatchObject({ channel: OWNER, text: "✅ OpenClaw access approved. Send a message to start chatting." })

    model.script.push({ text: "Hello from the model." })
    const before = slack.posted.length
    slack.dm(OWNER, "now can we talk?")
    await slack.waitForPosted((p) => p.length > before, 30_000)
    expect(slack.posted.at(-1)).toMatchObject({ channel: `D${OWNER}`, text: "Hello from the model." })
  })

  it("an unmentioned channel message is dropped and logged; a mention is answered once, in its thread; an unlisted channel is denied", async () => {
    const modelCalls = model.requests.length
    slack.channelMessage(ALLOWED, OWNER, "just chatting")
    await waitFor(() => log().includes("slack: skipping channel message"), "the skipping line")
    expect(log()).toContain(`slack: drop channel message (mention required, botId=${slack.botUserId})`)
    expect(model.requests.length).toBe(modelCalls)

    slack.channelMessage(UNLISTED, OWNER, "hi?", { mention: true })
    await waitFor(() => log().includes(`chat ${UNLISTED} not in channel allowlist`), "the allowlist drop")

    model.script.push({ text: "Channel answer." })
    const ts = slack.channelMessage(ALLOWED, OWNER, "what is the time?", { mention: true })
    await slack.waitForPosted((p) => p.some((m) => m.channel === ALLOWED))
    await new Promise((r) => setTimeout(r, 300))
    // `message` and `app_mention` for the same post: one turn, one reply, in the message's thread.
    expect(slack.posted.filter((m) => m.channel === ALLOWED)).toEqual([{ channel: ALLOWED, text: "Channel answer.", thread_ts: ts }])
    expect(slack.posted.some((m) => m.channel === UNLISTED)).toBe(false)
  })

  it("every envelope is acknowledged; a disconnect message reconnects without losing an event", async () => {
    await waitFor(() => slack.acked.length >= 7, "the acks")
    const connections = slack.connections()
    slack.disconnect()
    model.script.push({ text: "After reconnect." })
    const before = slack.posted.length
    slack.dm(OWNER, "are you still there?")
    await slack.waitForPosted((p) => p.length > before, 30_000)
    expect(slack.connections()).toBe(connections + 1)
    expect(slack.posted.slice(before)).toEqual([{ channel: `D${OWNER}`, text: "After reconnect." }])
    expect(log()).toContain("slack: socket mode reconnecting: disconnect (refresh_requested)")
  })

  it("a ratelimited post waits Retry-After and is sent once (no 429 loop)", async () => {
    slack.rateLimitNext(1)
    model.script.push({ text: "Patient reply." })
    const before = slack.posted.length
    const postsBefore = slack.requests.filter((r) => r.url.endsWith("/chat.postMessage")).length
    const started = Date.now()
    slack.dm(OWNER, "busy day?")
    await slack.waitForPosted((p) => p.length > before, 30_000)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(slack.posted.slice(before)).toEqual([{ channel: `D${OWNER}`, text: "Patient reply." }])
    expect(slack.requests.filter((r) => r.url.endsWith("/chat.postMessage")).length - postsBefore).toBe(2)
  })

  it("channels status --probe shows missing_scope and not_in_channel verbatim, each with its fix", async () => {
    const ok = await cli(["channels", "status", "--probe"])
    expect(ok.stdout).toMatch(/- Slack default: .*works, audit ok/)
    slack.setScopes(["app_mentions:read", "channels:history", "im:history", "channels:read"])
    slack.setMember(ALLOWED, false)
    const probed = await cli(["channels", "status", "--probe"])
    expect(probed.code, probed.stderr).toBe(0)
    expect(probed.stdout).toMatch(/- Slack default: .*works, audit failed/)
    expect(probed.stdout).toContain("- slack default: scopes: missing_scope (needed: chat:write) (add the chat:write scope to the Slack app (OAuth & Permissions), reinstall the app to the workspace, then restart the gateway)")
    expect(probed.stdout).toContain(`- slack default: channel ${ALLOWED}: not_in_channel (invite the bot to the channel: /invite @<bot> in <#${ALLOWED}>)`)
    const json = JSON.parse((await cli(["channels", "status", "--probe", "--json"])).stdout)
    expect(json.channelAccounts.slack[0]).toMatchObject({ botTokenSource: "config", appTokenSource: "env", audit: { ok: false } })
    expect(JSON.stringify(json)).not.toContain(BOT_TOKEN)
  })
})
