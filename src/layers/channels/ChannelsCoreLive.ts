import { Clock, Context, Duration, Effect, type Fiber, Layer, Option, Queue, Ref } from "effect"
import { compileMentionPatterns, decideAccess } from "../../domain/channels/access.js"
import { chunkText } from "../../domain/channels/chunk.js"
import { appendPending, DEFAULT_GROUP_HISTORY_LIMIT, type PendingEntry, withPendingContext } from "../../domain/channels/groupHistory.js"
import { pairingReplyHtml, pairingReplyText } from "../../domain/channels/pairing.js"
import { DEFAULT_AGENT_ID, sessionKeyFor } from "../../domain/channels/route.js"
import { type AccountSnapshot, accountIssues, type ProbeResult, type ChannelsStatusResult, healthStateOf, type StatusIssue } from "../../domain/channels/status.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { isRecord } from "../../domain/isRecord.js"
import { AgentRunner } from "../../services/AgentRunner.js"
import { ChannelDelivery, DeliveryFailed, type DeliveryTarget } from "../../services/ChannelDelivery.js"
import { type ChannelAccount, type ChannelPlugin, ChannelRegistry, type Inbound } from "../../services/ChannelRegistry.js"
import { Channels } from "../../services/Channels.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import { makePairingStore } from "./pairingStore.js"

/** What the core reads from its host: the current config and the state dir. */
export interface ChannelsCoreInput {
  readonly config: Effect.Effect<OpenClawConfig>
  readonly stateDir: string
}

interface AccountEntry {
  readonly plugin: ChannelPlugin
  account: ChannelAccount
  snapshot: AccountSnapshot
  fiber: Fiber.RuntimeFiber<void> | undefined
}

interface Job {
  readonly message: Inbound
  readonly entry: AccountEntry
  readonly onHandled: Effect.Effect<void>
  /** What the agent is asked: the message, with a group's unanswered messages before it. */
  readonly prompt: string
  /** When the core accepted it (performance clock, for the per-turn timing line). */
  readonly acceptedAt: number
}

const keyOf = (channel: string, accountId: string) => `${channel}\u0000${accountId}`

const baseSnapshot = (plugin: ChannelPlugin, account: ChannelAccount): AccountSnapshot => ({
  accountId: account.accountId,
  ...(account.name === undefined ? {} : { name: account.name }),
  enabled: account.enabled,
  configured: account.configured,
  running: false,
  connected: false,
  lastError: null,
  lastStartAt: null,
  lastStopAt: null,
  lastInboundAt: null,
  lastOutboundAt: null,
  ...(account.tokenSource === undefined ? {} : { tokenSource: account.tokenSource }),
  dmPolicy: account.access.dmPolicy,
  allowUnmentionedGroups: account.access.groups?.["*"]?.requireMention === false,
  dropped: {},
  ...(plugin.describe?.(account) ?? {})
})

/** `messages.groupChat.mentionPatterns` (a section this version keeps as written). */
const mentionPatternsOf = (config: OpenClawConfig): ReadonlyArray<string> => {
  const messages = (config as Record<string, unknown>)["messages"]
  const groupChat = isRecord(messages) ? messages["groupChat"] : undefined
  const patterns = isRecord(groupChat) ? groupChat["mentionPatterns"] : undefined
  return Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === "string") : []
}

/**
 * The channel core: starts every enabled, configured account of every registered channel in its scope,
 * runs each inbound message through the access pipeline (drops logged with the runbook's signature and
 * counted per account; unknown DM senders get a pairing code), routes the rest to their session, where
 * turns run one at a time in arrival order through the AgentRunner, and sends each reply back through
 * the channel it came from. It is also the ChannelDelivery other features send through.
 */
export const ChannelsCoreLive = (input: ChannelsCoreInput) =>
  Layer.scopedContext(Effect.gen(function*() {
    const registry = yield* ChannelRegistry
    const runner = yield* AgentRunner
    const log = yield* GatewayLog
    const pairing = yield* makePairingStore(input.stateDir)
    const scope = yield* Effect.scope
    const entries = new Map<string, AccountEntry>()
    const routes = new Map<string, DeliveryTarget>()
    // Unmentioned group messages since the last answered one, per session (spec 2.2: "pending history").
    const pendingHistory = new Map<string, ReadonlyArray<PendingEntry>>()
    const senderLabel = (m: Inbound) => m.senderName ?? (m.senderUsername === undefined ? m.senderId : `@${m.senderUsername}`)
    const sessions = new Map<string, Queue.Queue<Job>>()
    const busy = yield* Ref.make(0)
    const patterns = compileMentionPatterns(mentionPatternsOf(yield* input.config))

    const now = Clock.currentTimeMillis
    const patch = (entry: AccountEntry, fields: Partial<AccountSnapshot>) => Effect.sync(() => {
      entry.snapshot = { ...entry.snapshot, ...fields }
    })

    const sendChunks = (entry: AccountEntry, to: string, text: string, options: { readonly threadId?: string | undefined; readonly html?: boolean }) =>
      Effect.gen(function*() {
        const ids: Array<string> = []
        for (const piece of options.html === true ? [text] : chunkText(text, entry.plugin.textChunkLimit)) {
          const sent = yield* entry.plugin.sendText({ account: entry.account, to, text: piece, threadId: options.threadId, html: options.html })
          ids.push(sent.messageId)
          yield* patch(entry, { lastOutboundAt: yield* now })
        }
        return ids
      })

    const channelLog = (entry: AccountEntry, level: "info" | "warn" | "error", message: string, fields: Record<string, unknown>) =>
      log.write({ level, message, fields: { subsystem: `channels/${entry.plugin.id}`, accountId: entry.account.accountId, ...fields } })

    /** One session's worker: its turns strictly in arrival order, one at a time. */
    const sessionQueue = (sessionKey: string) =>
      Effect.gen(function*() {
        const existing = sessions.get(sessionKey)
        if (existing !== undefined) return existing
        const queue = yield* Queue.unbounded<Job>()
        sessions.set(sessionKey, queue)
        const work = (job: Job) =>
          Effect.gen(function*() {
            const { message, entry } = job
            const runStart = performance.now()
            const exit = yield* Effect.either(runner.run({ runId: crypto.randomUUID(), sessionKey, message: job.prompt }))
            const runEnd = performance.now()
            const reply = exit._tag === "Right" ? exit.right.payloads.join("\n\n") : `⚠️ ${exit.left.message}`
            if (exit._tag === "Left") yield* channelLog(entry, "error", `${entry.plugin.id}: agent turn failed: ${exit.left.message}`, { sessionKey })
            // The reply and its acknowledgement go together: a shutdown never separates a sent reply from its record.
            yield* Effect.uninterruptible(Effect.gen(function*() {
              if (reply.trim() !== "") {
                yield* sendChunks(entry, message.conversationId, reply, { threadId: message.threadId }).pipe(
                  Effect.catchAll((error) =>
                    Effect.zipRight(
                      patch(entry, { lastError: error.message }),
                      channelLog(entry, "error", `${entry.plugin.id}: reply failed: ${error.message}`, { chatId: message.conversationId })
                    ))
                )
              }
              // Where a turn's time went: waiting for the session, the agent run, the reply's send.
              yield* log.write({ level: "debug", message: `${entry.plugin.id}: turn done`, fields: { subsystem: `channels/${entry.plugin.id}`, sessionKey, queuedMs: runStart - job.acceptedAt, runMs: runEnd - runStart, sendMs: performance.now() - runEnd } })
              yield* job.onHandled
            }))
          }).pipe(Effect.ensuring(Ref.update(busy, (n) => n - 1)))
        yield* Effect.forkIn(Effect.forever(Effect.flatMap(Queue.take(queue), work)), scope)
        return queue
      })

    const handleInbound = (message: Inbound, onHandled: Effect.Effect<void>) =>
      Effect.gen(function*() {
        const entry = entries.get(keyOf(message.channel, message.accountId))
        if (entry === undefined) return yield* onHandled
        yield* patch(entry, { lastInboundAt: yield* now })
        const facts = {
          channel: message.channel,
          chatType: message.chatType,
          senderId: message.senderId,
          conversationId: message.conversationId,
          text: message.text,
          nativeMention: message.wasMentioned,
          replyToBot: message.replyToBot,
          canDetectMention: true,
          groupKeys: message.groupKeys,
          groupNoun: entry.plugin.logNames?.group
        }
        const botId = entry.plugin.botId?.(message.accountId) ?? "unknown"
        let decision = decideAccess({ access: entry.account.access, facts, approved: [], patterns, botId })
        // The pairing store is read only for a DM sender the config does not already admit.
        if (decision._tag === "Pair") {
          const approved = yield* pairing.approved(message.channel, message.accountId).pipe(Effect.orElseSucceed(() => []))
          decision = decideAccess({ access: entry.account.access, facts, approved, patterns, botId })
        }
        switch (decision._tag) {
          case "Drop": {
            const dropped = { ...entry.snapshot.dropped, [decision.reason]: (entry.snapshot.dropped?.[decision.reason] ?? 0) + 1 }
            yield* patch(entry, { dropped })
            yield* channelLog(entry, decision.level, decision.log, { reason: decision.reason, senderId: message.senderId, chatId: message.conversationId })
            if (decision.reason === "no-mention") {
              const key = sessionKeyFor(DEFAULT_AGENT_ID, message)
              pendingHistory.set(key, appendPending(pendingHistory.get(key) ?? [], { sender: senderLabel(message), text: message.text }, entry.account.historyLimit ?? DEFAULT_GROUP_HISTORY_LIMIT))
              const names = entry.plugin.logNames ?? { group: "group", conversationField: "chatId" }
              yield* channelLog(entry, "info", `${message.channel}: skipping ${names.group} message`, { [names.conversationField]: message.conversationId, reason: "no-mention" })
            }
            return yield* onHandled
          }
          case "Pair":
            yield* requestPairing(entry, message)
            return yield* onHandled
          case "Allow": {
            const sessionKey = sessionKeyFor(DEFAULT_AGENT_ID, message)
            routes.set(sessionKey, { channel: message.channel, accountId: message.accountId, to: message.conversationId, threadId: message.threadId })
            const pending = message.chatType === "direct" ? [] : pendingHistory.get(sessionKey) ?? []
            pendingHistory.delete(sessionKey)
            const prompt = pending.length === 0 ? message.text : withPendingContext(pending, { sender: senderLabel(message), text: message.text })
            const queue = yield* sessionQueue(sessionKey)
            yield* Ref.update(busy, (n) => n + 1)
            yield* Queue.offer(queue, { message, entry, onHandled, prompt, acceptedAt: performance.now() })
          }
        }
      })

    const requestPairing = (entry: AccountEntry, message: Inbound) =>
      Effect.gen(function*() {
        const meta: Record<string, string> = {}
        if (message.senderName !== undefined) meta["name"] = message.senderName
        if (message.senderUsername !== undefined) meta["username"] = message.senderUsername
        const outcome = yield* pairing.request(message.channel, message.accountId, message.senderId, meta).pipe(Effect.either)
        if (outcome._tag === "Left") return yield* channelLog(entry, "error", `${message.channel}: pairing request could not be stored: ${outcome.left.message}`, { senderId: message.senderId })
        const created = outcome.right._tag === "Created"
        const who = [`sender=${message.senderId}`, message.senderUsername === undefined ? "" : `tag=@${message.senderUsername}`, message.senderName === undefined ? "" : `name=${message.senderName}`, `created=${created}`].filter((b) => b !== "").join(" ")
        yield* channelLog(entry, "info", `${message.channel} pairing request ${who}`, { senderId: message.senderId, chatId: message.conversationId, pending: outcome.right._tag })
        if (outcome.right._tag !== "Created") return
        const plugin = entry.plugin
        const idLine = plugin.pairing?.idLine(message.senderId) ?? `Your ${plugin.meta.label} user id: ${message.senderId}`
        const code = outcome.right.request.code
        const html = plugin.pairing?.html === true
        yield* sendChunks(entry, message.conversationId, html ? pairingReplyHtml(message.channel, idLine, code) : pairingReplyText(message.channel, idLine, code), { html }).pipe(
          Effect.catchAll((error) => channelLog(entry, "warn", `${message.channel}: pairing reply failed: ${error.message}`, { senderId: message.senderId }))
        )
      })

    const startAll = Effect.gen(function*() {
      const config = yield* input.config
      for (const plugin of yield* registry.plugins) {
        for (const account of yield* plugin.listAccounts(config)) {
          const entry: AccountEntry = { plugin, account, snapshot: baseSnapshot(plugin, account), fiber: undefined }
          entries.set(keyOf(plugin.id, account.accountId), entry)
          if (!account.enabled || !account.configured) continue
          const runtime = {
            setStatus: (fields: Partial<AccountSnapshot>) => patch(entry, fields),
            emitInbound: (message: Inbound, onHandled: Effect.Effect<void> = Effect.void) => handleInbound(message, onHandled)
          }
          yield* patch(entry, { running: true, lastStartAt: yield* now })
          entry.fiber = yield* plugin.startAccount(account, runtime).pipe(
            Effect.scoped,
            Effect.catchAllCause((cause) => patch(entry, { lastError: String(cause) })),
            Effect.ensuring(Effect.flatMap(now, (t) => patch(entry, { running: false, connected: false, lastStopAt: t }))),
            Effect.forkIn(scope)
          )
        }
      }
    })
    yield* startAll

    const pendingCount = (channel: string, accountId: string) =>
      pairing.pending(channel, accountId).pipe(Effect.map((r) => r.length), Effect.orElseSucceed(() => 0))

    const status: Channels["Type"]["status"] = (request) =>
      Effect.gen(function*() {
        const config = yield* input.config
        const ts = yield* now
        const result = {
          ts,
          channelOrder: [] as Array<string>,
          channelLabels: {} as Record<string, string>,
          channelDetailLabels: {} as Record<string, string>,
          channelSystemImages: {} as Record<string, string>,
          channelMeta: [] as Array<{ id: string; label: string; detailLabel: string; systemImage: string }>,
          channels: {} as Record<string, Record<string, unknown>>,
          channelAccounts: {} as Record<string, Array<AccountSnapshot>>,
          channelDefaultAccountId: {} as Record<string, string>,
          statusIssues: [] as Array<StatusIssue>
        }
        for (const plugin of yield* registry.plugins) {
          if (request.channel !== undefined && request.channel !== "all" && request.channel !== plugin.id) continue
          const listed = [...entries.values()].filter((e) => e.plugin.id === plugin.id && (plugin.hiddenUntilActive !== true || e.snapshot.lastInboundAt !== null))
          if (listed.length === 0) continue
          const snapshots = yield* Effect.forEach(listed, (entry) =>
            Effect.gen(function*() {
              if (request.probe && plugin.probe !== undefined && entry.account.configured) {
                const probe = yield* plugin.probe(entry.account, request.timeoutMs).pipe(
                  Effect.timeoutTo({ duration: Duration.millis(request.timeoutMs), onSuccess: (p) => p, onTimeout: (): ProbeResult => ({ ok: false, status: null, error: `probe timed out after ${request.timeoutMs}ms`, elapsedMs: request.timeoutMs }) })
                )
                yield* patch(entry, { probe, lastProbeAt: yield* now, ...(probe.bot?.username === undefined ? {} : { botUsername: probe.bot.username }) })
                if (probe.ok && plugin.audit !== undefined) {
                  const audit = yield* plugin.audit(entry.account, request.timeoutMs).pipe(
                    Effect.timeoutTo({ duration: Duration.millis(request.timeoutMs), onSuccess: (a) => a, onTimeout: () => ({ ok: false, problems: [{ target: "audit", error: `timed out after ${request.timeoutMs}ms`, fix: "Run: openclaw channels status --probe --timeout 30000" }] }) })
                  )
                  yield* patch(entry, { audit })
                }
              }
              const pending = entry.account.access.dmPolicy === "pairing" ? yield* pendingCount(plugin.id, entry.account.accountId) : 0
              const snapshot: AccountSnapshot = { ...entry.snapshot, pendingPairing: pending }
              const health = healthStateOf(snapshot)
              return health === undefined ? snapshot : { ...snapshot, healthState: health }
            }), { concurrency: "unbounded" })
          const defaultId = plugin.defaultAccountId(config)
          const main = snapshots.find((s) => s.accountId === defaultId) ?? snapshots[0]
          result.channelOrder.push(plugin.id)
          result.channelLabels[plugin.id] = plugin.meta.label
          result.channelDetailLabels[plugin.id] = plugin.meta.detailLabel
          result.channelSystemImages[plugin.id] = plugin.meta.systemImage
          result.channelMeta.push({ id: plugin.id, ...plugin.meta })
          result.channelAccounts[plugin.id] = snapshots
          result.channelDefaultAccountId[plugin.id] = defaultId
          if (main !== undefined) {
            result.channels[plugin.id] = {
              configured: main.configured,
              running: main.running,
              lastStartAt: main.lastStartAt,
              lastStopAt: main.lastStopAt,
              lastError: main.lastError,
              ...(main.tokenSource === undefined ? {} : { tokenSource: main.tokenSource }),
              ...(main.probe === undefined ? {} : { probe: main.probe, lastProbeAt: main.lastProbeAt ?? null }),
              ...(main.mode === undefined ? {} : { mode: main.mode })
            }
          }
          for (const snapshot of snapshots) result.statusIssues.push(...accountIssues(plugin.id, snapshot, plugin.credentialHints))
        }
        return result satisfies ChannelsStatusResult
      })

    const deliveryFailed = (code: DeliveryFailed["code"], message: string) => new DeliveryFailed({ code, message })

    const delivery: ChannelDelivery["Type"] = {
      send: (target, text) =>
        Effect.gen(function*() {
          const plugin = yield* registry.get(target.channel)
          if (plugin === undefined) return yield* deliveryFailed("CHANNEL_UNKNOWN", `Unknown channel: ${target.channel}`)
          const accountId = target.accountId ?? plugin.defaultAccountId(yield* input.config)
          const entry = entries.get(keyOf(plugin.id, accountId))
          if (entry === undefined) return yield* deliveryFailed("ACCOUNT_UNKNOWN", `${plugin.meta.label} has no account "${accountId}"`)
          if (!entry.snapshot.running) return yield* deliveryFailed("CHANNEL_NOT_RUNNING", `${plugin.meta.label} ${accountId} is not running`)
          const messageIds = yield* sendChunks(entry, target.to, text, { threadId: target.threadId }).pipe(Effect.mapError((e) => deliveryFailed("SEND_FAILED", e.message)))
          return { messageIds }
        }),
      accountIds: (channel) =>
        Effect.gen(function*() {
          const plugin = yield* registry.get(channel)
          if (plugin === undefined) return []
          return (yield* plugin.listAccounts(yield* input.config)).map((a) => a.accountId)
        }),
      lastRoute: (sessionKey) => Effect.sync(() => Option.fromNullable(routes.get(sessionKey)))
    }

    const channels: Channels["Type"] = {
      status,
      inbound: (message) => handleInbound(message, Effect.void),
      idle: Effect.gen(function*() {
        while ((yield* Ref.get(busy)) > 0) yield* Effect.sleep("5 millis")
      })
    }
    return Context.make(Channels, channels).pipe(Context.add(ChannelDelivery, delivery))
  }))
