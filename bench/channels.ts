// Channel load benchmark: a real gateway (the built CLI) with Telegram on a loopback fake Bot API and
// an echo model on a loopback fake provider.
//  1. burst: N inbound DMs from S senders at once; every one must be answered exactly once, in order.
//  2. latency: M DMs one after another; per message, (reply at the fake − update handed out by
//     getUpdates) − time inside the model = what the gateway adds (access pipeline, routing, session
//     transcript writes, the send), reported as p50/p99.
// Usage: npm run bench:channels [-- burst=500 senders=50 sequential=200]
import * as fs from "node:fs"
import * as path from "node:path"
import { startEchoModelServer } from "../test/support/echoModelServer.js"
import { startFakeTelegram } from "../test/support/fakeTelegram.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../test/support/gatewayProcess.js"
import { tempHome } from "../test/support/runCli.js"

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`${name}=`))?.split("=")[1] ?? fallback)
const BURST = arg("burst", 500)
const SENDERS = arg("senders", 50)
const SEQUENTIAL = arg("sequential", 200)
const TOKEN = "123456:AAbench-bot-token"

const pct = (values: ReadonlyArray<number>, p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}
const wait = async (check: () => boolean, timeoutMs: number, what: string) => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

const telegram = await startFakeTelegram(TOKEN)
const model = await startEchoModelServer(0)
const home = tempHome()
writeConfig(home.configPath, {
  gateway: { mode: "local", port: await freePort(), auth: { mode: "token", token: "bench-token-0123456789abcdef" } },
  // debug: the core's per-turn timing line (queued / agent run / send) is what separates our part from the agent's.
  logging: { file: path.join(home.home, "gateway.log"), level: "debug" },
  models: { providers: { fake: { baseUrl: model.v1, api: "openai-completions", apiKey: "k", models: [{ id: "m1" }] } } },
  agents: { defaults: { model: "fake/m1" } },
  channels: { telegram: { botToken: TOKEN, apiRoot: telegram.apiRoot, dmPolicy: "open", allowFrom: ["*"] } }
})
const gateway = (await startInBackground(home.home)).child
try {
  await wait(() => telegram.calls.includes("getUpdates"), 10_000, "first getUpdates")
  // Warm-up: loads the agent stack and opens the session.
  telegram.dm(1, "warm-up")
  await wait(() => telegram.sent.length >= 1, 20_000, "warm-up reply")

  // 1. Burst.
  const started = performance.now()
  const expected = new Map<number, Array<string>>()
  for (let i = 0; i < BURST; i++) {
    const sender = 1000 + (i % SENDERS)
    const text = `s${sender}-n${Math.floor(i / SENDERS)}`
    expected.set(sender, [...(expected.get(sender) ?? []), `echo: ${text}`])
    telegram.dm(sender, text)
  }
  await wait(() => telegram.sent.length >= 1 + BURST, 300_000, "burst replies")
  const burstMs = performance.now() - started
  await new Promise((r) => setTimeout(r, 500))
  const replies = telegram.sent.slice(1)
  const exactlyOnce = replies.length === BURST && new Set(replies.map((r) => r.text)).size === BURST
  const inOrder = [...expected].every(([sender, texts]) => JSON.stringify(replies.filter((r) => String(r.chat_id) === String(sender)).map((r) => r.text)) === JSON.stringify(texts))

  // 2. Sequential latency.
  const overheads: Array<number> = []
  for (let i = 0; i < SEQUENTIAL; i++) {
    const before = telegram.sent.length
    const modelBefore = model.modelTimes.length
    const id = telegram.dm(7, `seq-${i}`)
    await wait(() => telegram.sent.length > before && model.modelTimes.length > modelBefore, 10_000, `reply ${i}`)
    const sent = telegram.sent[before]
    const deliveredAt = telegram.deliveredAt.get(id)
    if (sent === undefined || deliveredAt === undefined) throw new Error("lost a message")
    overheads.push(sent.at - deliveredAt - (model.modelTimes[modelBefore] ?? 0))
  }

  await new Promise((r) => setTimeout(r, 300))
  const turns = fs.readFileSync(path.join(home.home, "gateway.log"), "utf8").split("\n").filter((l) => l.includes("telegram: turn done")).map((l) => JSON.parse(l))
  const lastTurns = turns.slice(-SEQUENTIAL)
  // The agent run (model + transcript and session index, fsynced) is not the channel's; what is left is.
  const channelOnly = overheads.map((o, i) => o + (model.modelTimes[model.modelTimes.length - SEQUENTIAL + i] ?? 0) - (lastTurns[i]?.runMs ?? 0))
  const runOverhead = lastTurns.map((t, i) => (t.runMs ?? 0) - (model.modelTimes[model.modelTimes.length - SEQUENTIAL + i] ?? 0))
  console.log(JSON.stringify({
    burst: { messages: BURST, senders: SENDERS, totalMs: Math.round(burstMs), perMessageMs: +(burstMs / BURST).toFixed(2), exactlyOnce, inOrderPerSender: inOrder },
    overheadExcludingModel: { messages: SEQUENTIAL, p50Ms: +pct(overheads, 50).toFixed(2), p99Ms: +pct(overheads, 99).toFixed(2), maxMs: +Math.max(...overheads).toFixed(2) },
    ofWhichAgentRunExcludingModel: { p50Ms: +pct(runOverhead, 50).toFixed(2), p99Ms: +pct(runOverhead, 99).toFixed(2) },
    channelPathOnly: { p50Ms: +pct(channelOnly, 50).toFixed(2), p99Ms: +pct(channelOnly, 99).toFixed(2) }
  }, null, 2))
  if (!exactlyOnce || !inOrder) process.exitCode = 1
} finally {
  await stopChild(gateway)
  await telegram.close()
  await model.close()
}
