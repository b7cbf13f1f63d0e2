import { Effect, Layer } from "effect"
import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from "../../domain/channels/pairing.js"
import type { PairingRequest } from "../../domain/channels/pairing.js"
import { type PairingAccount, pairingRequestId, publicPairingAccount, publicPairingRequest } from "../../domain/channels/pairingView.js"
import { discordAccounts } from "../../domain/channels/discordAccounts.js"
import { slackAccounts } from "../../domain/channels/slackAccounts.js"
import { telegramAccounts } from "../../domain/channels/telegramAccounts.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { commandOwners } from "../../domain/heartbeat/route.js"
import { InvalidRequest, MissingScope, Unavailable } from "../../domain/protocol/errors.js"
import { scopeSatisfied } from "../../domain/protocol/scopes.js"
import { SystemMethods as M } from "../../domain/protocol/systemMethods.js"
import type { ConfigEditor } from "../../services/ConfigEditor.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { Host } from "../../services/Host.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
import { bootstrapCommandOwner } from "./commandOwnerBootstrap.js"
import { makePairingStore } from "./pairingStore.js"

const LABELS: Readonly<Record<string, string>> = { telegram: "Telegram", discord: "Discord", slack: "Slack" }

/** Enabled accounts of every channel this version runs whose DMs use pairing. */
const pairingAccounts = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): ReadonlyArray<PairingAccount> => {
  const plans = [
    ...telegramAccounts(config, env).map((plan) => ({ channel: "telegram", plan })),
    ...discordAccounts(config, env).map((plan) => ({ channel: "discord", plan })),
    ...slackAccounts(config, env).map((plan) => ({ channel: "slack", plan }))
  ]
  return plans
    .filter(({ plan }) => plan.enabled && plan.access.dmPolicy === "pairing")
    .map(({ channel, plan }) => ({ channel, channelLabel: LABELS[channel] ?? channel, accountId: plan.accountId, accountLabel: plan.name }))
}

/** `channels.pairing.list/approve/dismiss`: the DM pairing accounts and their pending requests, from the pairing files the CLI shares. */
export const ChannelPairingMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    const host = yield* Host
    const { stateDir } = yield* Paths
    const store = yield* makePairingStore(stateDir)
    const configContext = yield* Effect.context<ConfigStore | ConfigEditor>()

    yield* registry.register(M.channelsPairingList, (params) =>
      Effect.gen(function*() {
        const { config } = yield* runtime.settings
        const channel = params.channel?.trim().toLowerCase()
        if (channel !== undefined && LABELS[channel] === undefined) return yield* new InvalidRequest({ message: `unknown pairing channel: ${params.channel}` })
        const accountId = params.accountId?.trim().toLowerCase()
        const accounts = pairingAccounts(config, host.env)
          .filter((a) => (channel === undefined || a.channel === channel) && (accountId === undefined || a.accountId.toLowerCase() === accountId))
        const requests = []
        for (const account of accounts) {
          const pending = yield* store.pending(account.channel, account.accountId).pipe(Effect.mapError((e) => new Unavailable({ message: e.message })))
          requests.push(...pending.map((request) => publicPairingRequest(account, request)))
        }
        return {
          accounts: accounts.map(publicPairingAccount),
          requests,
          commandOwnerConfigured: commandOwners(config).length > 0,
          limits: { pendingPerAccount: PAIRING_MAX_PENDING, ttlMs: PAIRING_TTL_MS }
        }
      }))

    /** The DM pairing account a request names, or the original's refusal. */
    const pairingAccountFor = (channel: string, accountId: string) =>
      Effect.flatMap(runtime.settings, ({ config }) => {
        const account = pairingAccounts(config, host.env).find((a) => a.channel === channel.trim().toLowerCase() && a.accountId.toLowerCase() === accountId.trim().toLowerCase())
        return account === undefined
          ? Effect.fail(new InvalidRequest({ message: `channel account does not use DM pairing: ${channel}:${accountId}` }))
          : Effect.succeed(account)
      })
    const isRequest = (account: PairingAccount, requestId: string) => (request: PairingRequest) =>
      (request.accountId ?? "default") === account.accountId && pairingRequestId(account.channel, account.accountId, request) === requestId
    const gone = new InvalidRequest({ message: "pending DM access request no longer exists" })
    const unavailable = (e: { readonly message: string }) => new Unavailable({ message: e.message })

    // Approving from the UI: the sender joins the account's allowlist, exactly as `openclaw pairing approve`.
    yield* registry.register(M.channelsPairingApprove, (params, caller) =>
      Effect.gen(function*() {
        // Naming the command owner edits the config: the original asks operator.admin for that too.
        if (params.bootstrapCommandOwner === true && !scopeSatisfied(caller.scopes, "operator.admin")) {
          return yield* new MissingScope({ message: "missing scope: operator.admin", missingScope: "operator.admin", requiredScopes: ["operator.pairing", "operator.admin"] })
        }
        const account = yield* pairingAccountFor(params.channel, params.accountId)
        const approved = yield* store.approveMatching(account.channel, isRequest(account, params.requestId)).pipe(Effect.mapError(unavailable))
        if (approved === undefined) return yield* gone
        const commandOwnerBootstrap = params.bootstrapCommandOwner === true
          ? yield* bootstrapCommandOwner(account.channel, approved.id).pipe(
            Effect.provide(configContext),
            Effect.map((r) => r.status),
            Effect.catchAll(() => Effect.succeed("unavailable" as const))
          )
          : "not-requested" as const
        return {
          requestId: params.requestId,
          senderId: approved.meta?.["senderId"] ?? approved.id,
          // The accounts say notifySupported: false; the approval notice is `openclaw pairing approve --notify`.
          notification: params.notify === true ? "unsupported" as const : "not-requested" as const,
          commandOwnerBootstrap
        }
      }))

    // Dismissing drops the request without blocking the sender, who may ask again.
    yield* registry.register(M.channelsPairingDismiss, (params) =>
      Effect.gen(function*() {
        const account = yield* pairingAccountFor(params.channel, params.accountId)
        const dismissed = yield* store.dismissMatching(account.channel, isRequest(account, params.requestId)).pipe(Effect.mapError(unavailable))
        if (dismissed === undefined) return yield* gone
        return { requestId: params.requestId, senderId: dismissed.meta?.["senderId"] ?? dismissed.id }
      }))
  })
)
