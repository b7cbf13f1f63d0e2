import { Effect, Layer } from "effect"
import type { AccountAccess } from "../../src/domain/channels/access.js"
import { type AccountRuntime, type ChannelAccount, ChannelRegistry, type Inbound } from "../../src/services/ChannelRegistry.js"

/** One message the loopback channel "sent". */
export interface LoopbackSent {
  readonly accountId: string
  readonly to: string
  readonly text: string
  readonly html: boolean
}

/** The loopback channel's handle: inject inbound messages, read the outbox. */
export interface Loopback {
  readonly outbox: Array<LoopbackSent>
  /** Hands a message to the core as a running account would (resolves once accepted). */
  readonly inject: (message: Omit<Inbound, "channel" | "accountId" | "ts" | "messageId"> & { readonly accountId?: string; readonly messageId?: string }) => Effect.Effect<void>
  /** Messages the core reported handled (reply sent or dropped), by messageId. */
  readonly handled: Array<string>
}

const DEFAULT_ACCESS: AccountAccess = { dmPolicy: "pairing", allowFrom: [], groupPolicy: "open", groupAllowFrom: undefined, groups: undefined, mentionPatternScope: undefined }

/**
 * The loopback test channel (spec 2.6, after upstream `qa-channel`): the same plugin contract as
 * Telegram, with in-process `inject`, an inspectable outbox, configurable access and a probe that
 * always works. `failSendTo` makes sends to one peer fail, as a platform refusal would.
 */
export const makeLoopbackChannel = (options: { readonly access?: Partial<AccountAccess>; readonly accounts?: ReadonlyArray<string>; readonly textChunkLimit?: number; readonly failSendTo?: string; readonly historyLimit?: number } = {}) => {
  const outbox: Array<LoopbackSent> = []
  const handled: Array<string> = []
  const runtimes = new Map<string, AccountRuntime>()
  let counter = 0
  const handle: Loopback = {
    outbox,
    handled,
    inject: (message) =>
      Effect.gen(function*() {
        const accountId = message.accountId ?? "default"
        // The core starts accounts in forked fibers: wait (briefly) for this one to be running.
        for (let i = 0; i < 200 && !runtimes.has(accountId); i++) yield* Effect.sleep("5 millis")
        const runtime = runtimes.get(accountId)
        if (runtime === undefined) return yield* Effect.dieMessage(`loopback account ${accountId} is not running`)
        const messageId = message.messageId ?? `m${++counter}`
        return yield* runtime.emitInbound({ ...message, channel: "loopback", accountId, messageId, ts: Date.now() }, Effect.sync(() => void handled.push(messageId)))
      })
  }
  const layer = Layer.effectDiscard(Effect.gen(function*() {
    const registry = yield* ChannelRegistry
    const accounts: ReadonlyArray<ChannelAccount> = (options.accounts ?? ["default"]).map((accountId) => ({
      accountId,
      enabled: true,
      configured: true,
      access: { ...DEFAULT_ACCESS, ...options.access },
      historyLimit: options.historyLimit,
      settings: undefined
    }))
    yield* registry.register({
      id: "loopback",
      meta: { label: "Loopback", detailLabel: "Loopback test channel", systemImage: "arrow.triangle.2.circlepath" },
      textChunkLimit: options.textChunkLimit ?? 4096,
      pairing: { idLine: (id) => `Your loopback user id: ${id}`, html: false },
      listAccounts: () => Effect.succeed(accounts),
      defaultAccountId: () => accounts[0]?.accountId ?? "default",
      sendText: (request) =>
        request.to === options.failSendTo
          ? Effect.fail({ message: "sendMessage returned 403: Forbidden: bot was blocked by the user", status: 403 })
          : Effect.sync(() => {
            outbox.push({ accountId: request.account.accountId, to: request.to, text: request.text, html: request.html === true })
            return { messageId: String(outbox.length) }
          }),
      probe: () => Effect.succeed({ ok: true, status: 200, error: null, elapsedMs: 0 }),
      startAccount: (account, runtime) =>
        Effect.gen(function*() {
          runtimes.set(account.accountId, runtime)
          yield* runtime.setStatus({ connected: true, mode: "loopback" })
          yield* Effect.addFinalizer(() => Effect.sync(() => runtimes.delete(account.accountId)))
          return yield* Effect.never
        }),
      botId: () => "openclaw"
    })
  }))
  return { handle, layer }
}

