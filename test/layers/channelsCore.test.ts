import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { AccountAccess } from "../../src/domain/channels/access.js"
import { ChannelRegistryLive } from "../../src/layers/channels/ChannelRegistryLive.js"
import { ChannelsCoreLive } from "../../src/layers/channels/ChannelsCoreLive.js"
import { makePairingStore } from "../../src/layers/channels/pairingStore.js"
import { AgentRunner, type AgentRunResult } from "../../src/services/AgentRunner.js"
import { ChannelDelivery } from "../../src/services/ChannelDelivery.js"
import { Channels } from "../../src/services/Channels.js"
import { GatewayLog, type LogRecord } from "../../src/services/GatewayLog.js"
import { DiskFilesTest } from "../support/configTestLayer.js"
import { makeLoopbackChannel } from "../support/loopbackChannel.js"

/** An AgentRunner that answers `echo: <message>` after `delayMs`, recording overlap per session. */
const echoRunner = (delayMs: number) => {
  const calls: Array<{ sessionKey: string; message: string }> = []
  const active = new Map<string, number>()
  let maxOverlap = 0
  const layer = Layer.succeed(AgentRunner, {
    run: (request) =>
      Effect.gen(function*() {
        calls.push({ sessionKey: request.sessionKey, message: request.message })
        const now = (active.get(request.sessionKey) ?? 0) + 1
        active.set(request.sessionKey, now)
        maxOverlap = Math.max(maxOverlap, now)
        yield* Effect.sleep(`${delayMs} millis`)
        active.set(request.sessionKey, (active.get(request.sessionKey) ?? 1) - 1)
        const text = `echo: ${request.message}`
        return { runId: request.runId, sessionKey: request.sessionKey, sessionId: "s", status: "ok", payloads: [text], text, stopReason: "stop", provider: "fake", model: "m1", usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 }, fallback: undefined, startedAt: 0, endedAt: 0 } as unknown as AgentRunResult
      }),
    start: () => Effect.die("not used"),
    abort: () => Effect.succeed([]),
    active: Effect.succeed(new Map())
  })
  return { calls, layer, maxOverlap: () => maxOverlap }
}

const recordingLog = () => {
  const records: Array<LogRecord> = []
  const layer = Layer.succeed(GatewayLog, {
    write: (record) => Effect.sync(() => void records.push(record)),
    unsafeWrite: (record) => void records.push(record),
    flush: Effect.void,
    tail: () => Effect.die("not used"),
    currentFile: Effect.succeed("")
  })
  return { records, layer }
}

const setup = (options: { readonly access?: Partial<AccountAccess>; readonly delayMs?: number; readonly textChunkLimit?: number; readonly failSendTo?: string; readonly historyLimit?: number } = {}) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-channels-"))
  const loopback = makeLoopbackChannel({ ...options, ...(options.access === undefined ? {} : { access: options.access }) })
  const runner = echoRunner(options.delayMs ?? 1)
  const log = recordingLog()
  const layer = ChannelsCoreLive({ config: Effect.succeed({}), stateDir }).pipe(
    Layer.provide(loopback.layer.pipe(Layer.provideMerge(ChannelRegistryLive))),
    Layer.provide(Layer.mergeAll(runner.layer, log.layer, DiskFilesTest)),
    Layer.provideMerge(DiskFilesTest)
  )
  return { stateDir, loopback: loopback.handle, runner, log, layer }
}

describe("the channel core over the loopback test channel", () => {
  it.live("an unknown DM sender gets one pairing code (no agent turn); after approval the next DM is answered", () => {
    const t = setup()
    return Effect.gen(function*() {
      const channels = yield* Channels
      yield* t.loopback.inject({ chatType: "direct", senderId: "u1", senderName: "Ada", conversationId: "dm:u1", text: "hi" })
      yield* t.loopback.inject({ chatType: "direct", senderId: "u1", conversationId: "dm:u1", text: "hi again" })
      expect(t.runner.calls).toEqual([])
      expect(t.loopback.outbox).toHaveLength(1)
      const code = /Pairing code: ([A-Z2-9]{8})/.exec(t.loopback.outbox[0]?.text ?? "")?.[1] ?? ""
      expect(t.loopback.outbox[0]?.text).toBe(`OpenClaw: access not configured.\n\nYour loopback user id: u1\n\nPairing code: ${code}\n\nAsk the bot owner to approve with:\nopenclaw pairing approve loopback ${code}`)
      const file = path.join(t.stateDir, "credentials", "loopback-pairing.json")
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(t.log.records.filter((r) => r.message.startsWith("loopback pairing request sender=u1")).map((r) => r.message)).toEqual([
        "loopback pairing request sender=u1 name=Ada created=true",
        "loopback pairing request sender=u1 created=false"
      ])
      const store = yield* makePairingStore(t.stateDir)
      expect((yield* store.approve("loopback", code.toLowerCase(), undefined))?.id).toBe("u1")
      yield* t.loopback.inject({ chatType: "direct", senderId: "u1", conversationId: "dm:u1", text: "now?" })
      yield* channels.idle
      expect(t.runner.calls).toEqual([{ sessionKey: "agent:main:main", message: "now?" }])
      expect(t.loopback.outbox.at(-1)).toMatchObject({ to: "dm:u1", text: "echo: now?" })
    }).pipe(Effect.provide(t.layer))
  })

  it.live("at most 3 pending pairing requests per account: a fourth sender gets no code", () => {
    const t = setup()
    return Effect.gen(function*() {
      for (const id of ["a", "b", "c", "d"]) yield* t.loopback.inject({ chatType: "direct", senderId: id, conversationId: `dm:${id}`, text: "hi" })
      expect(t.loopback.outbox.map((m) => m.to)).toEqual(["dm:a", "dm:b", "dm:c"])
      const store = yield* makePairingStore(t.stateDir)
      expect((yield* store.pending("loopback")).map((r) => r.id)).toEqual(["a", "b", "c"])
    }).pipe(Effect.provide(t.layer))
  })

  it.live("turns of one session run one at a time in arrival order; sessions run side by side", () => {
    const t = setup({ access: { dmPolicy: "open", allowFrom: ["*"], groups: { "*": { requireMention: false } } }, delayMs: 5 })
    return Effect.gen(function*() {
      const channels = yield* Channels
      for (let i = 0; i < 10; i++) {
        for (const group of ["g1", "g2", "g3"]) yield* t.loopback.inject({ chatType: "group", senderId: `s${i % 4}`, conversationId: group, text: `${group}-${i}` })
      }
      yield* channels.idle
      expect(t.runner.maxOverlap()).toBe(1)
      for (const group of ["g1", "g2", "g3"]) {
        expect(t.loopback.outbox.filter((m) => m.to === group).map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `echo: ${group}-${i}`))
      }
      expect(new Set(t.runner.calls.map((c) => c.sessionKey))).toEqual(new Set(["agent:main:loopback:group:g1", "agent:main:loopback:group:g2", "agent:main:loopback:group:g3"]))
      expect(t.loopback.handled).toHaveLength(30)
    }).pipe(Effect.provide(t.layer))
  })

  it.live("every drop is logged with its signature and counted per account in status", () => {
    const t = setup({ access: { dmPolicy: "allowlist", allowFrom: ["boss"], groupPolicy: "allowlist", groupAllowFrom: ["boss"], groups: { g1: { requireMention: true } } } })
    return Effect.gen(function*() {
      const channels = yield* Channels
      yield* t.loopback.inject({ chatType: "direct", senderId: "eve", conversationId: "dm:eve", text: "hi" })
      yield* t.loopback.inject({ chatType: "group", senderId: "boss", conversationId: "g1", text: "no mention here" })
      yield* t.loopback.inject({ chatType: "group", senderId: "boss", conversationId: "g2", text: "hi", wasMentioned: true })
      yield* t.loopback.inject({ chatType: "group", senderId: "eve", conversationId: "g1", text: "hi", wasMentioned: true })
      yield* t.loopback.inject({ chatType: "group", senderId: "boss", conversationId: "g1", text: "hi", replyToBot: true })
      yield* channels.idle
      expect(t.log.records.filter((r) => r.fields?.["reason"] !== undefined).map((r) => r.message)).toEqual([
        "Blocked unauthorized loopback sender eve (dmPolicy=allowlist, not in allowFrom)",
        "loopback: drop group message (mention required, botId=openclaw)",
        "loopback: skipping group message",
        "loopback: drop group message (chat g2 not in groups allowlist)",
        "Blocked unauthorized loopback group sender eve (groupPolicy=allowlist, not in groupAllowFrom/allowFrom, chat=g1)"
      ])
      // The reply-to-bot message is answered with the unmentioned one before it as context.
      expect(t.runner.calls.map((c) => c.message)).toEqual(["[Chat messages since your last reply - for context]\nboss: no mention here\n\n[Current message - respond to this]\nboss: hi"])
      const status = yield* channels.status({ probe: true, timeoutMs: 1000 })
      expect(status.channelOrder).toEqual(["loopback"])
      expect(status.channelAccounts["loopback"]?.[0]).toMatchObject({
        accountId: "default",
        running: true,
        connected: true,
        probe: { ok: true },
        dropped: { "dm-not-allowlisted": 1, "no-mention": 1, "group-not-allowlisted": 1, "group-sender-not-allowlisted": 1 }
      })
      expect(t.loopback.handled).toHaveLength(5)
    }).pipe(Effect.provide(t.layer))
  })

  it.live("unmentioned group messages become the context of the next mentioned one, up to historyLimit, then are cleared", () => {
    const t = setup({ access: { groupPolicy: "open" }, historyLimit: 2 })
    return Effect.gen(function*() {
      const channels = yield* Channels
      for (const [sender, text] of [["Ann", "first"], ["Bob", "second"], ["Cy", "third"]]) {
        yield* t.loopback.inject({ chatType: "group", senderId: sender ?? "", senderName: sender, conversationId: "g1", text: text ?? "" })
      }
      yield* t.loopback.inject({ chatType: "group", senderId: "Dee", senderName: "Dee", conversationId: "g1", text: "what did I miss?", wasMentioned: true })
      yield* t.loopback.inject({ chatType: "group", senderId: "Dee", senderName: "Dee", conversationId: "g1", text: "and now?", wasMentioned: true })
      yield* channels.idle
      expect(t.runner.calls.map((c) => c.message)).toEqual([
        "[Chat messages since your last reply - for context]\nBob: second\nCy: third\n\n[Current message - respond to this]\nDee: what did I miss?",
        "and now?"
      ])
    }).pipe(Effect.provide(t.layer))
  })

  it.live("ChannelDelivery sends through the registry (chunked), knows the accounts and the last route of a session", () => {
    const t = setup({ access: { dmPolicy: "open", allowFrom: ["*"] }, textChunkLimit: 10, failSendTo: "dm:blocked" })
    return Effect.gen(function*() {
      const delivery = yield* ChannelDelivery
      const channels = yield* Channels
      expect(yield* delivery.accountIds("loopback")).toEqual(["default"])
      expect(yield* delivery.accountIds("nope")).toEqual([])
      expect(Option.isNone(yield* delivery.lastRoute("agent:main:main"))).toBe(true)
      yield* t.loopback.inject({ chatType: "direct", senderId: "u9", conversationId: "dm:u9", text: "x" })
      yield* channels.idle
      expect(yield* delivery.lastRoute("agent:main:main")).toEqual(Option.some({ channel: "loopback", accountId: "default", to: "dm:u9", threadId: undefined }))
      const sent = yield* delivery.send({ channel: "loopback", to: "dm:u9" }, "hello world, in pieces")
      expect(sent.messageIds).toHaveLength(3)
      expect(t.loopback.outbox.slice(-3).map((m) => m.text)).toEqual(["hello", "world, in", "pieces"])
      const unknown = yield* Effect.flip(delivery.send({ channel: "nope", to: "x" }, "hi"))
      expect(unknown.code).toBe("CHANNEL_UNKNOWN")
      const noAccount = yield* Effect.flip(delivery.send({ channel: "loopback", accountId: "work", to: "x" }, "hi"))
      expect(noAccount.code).toBe("ACCOUNT_UNKNOWN")
      const refused = yield* Effect.flip(delivery.send({ channel: "loopback", to: "dm:blocked" }, "hi"))
      expect(refused).toMatchObject({ code: "SEND_FAILED", message: "sendMessage returned 403: Forbidden: bot was blocked by the user" })
    }).pipe(Effect.provide(t.layer))
  })
})
