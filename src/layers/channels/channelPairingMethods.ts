import { Effect, Layer } from "effect"
import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from "../../domain/channels/pairing.js"
import { type PairingAccount, publicPairingAccount, publicPairingRequest } from "../../domain/channels/pairingView.js"
import { discordAccounts } from "../../domain/channels/discordAccounts.js"
import { slackAccounts } from "../../domain/channels/slackAccounts.js"
import { telegramAccounts } from "../../domain/channels/telegramAccounts.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { commandOwners } from "../../domain/heartbeat/route.js"
import { InvalidRequest, Unavailable } from "../../domain/protocol/errors.js"
import { SystemMethods as M } from "../../domain/protocol/systemMethods.js"
import { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { Host } from "../../services/Host.js"
import { MethodRegistry } from "../../services/MethodRegistry.js"
import { Paths } from "../../services/Paths.js"
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

/** `channels.pairing.list`: the DM pairing accounts and their pending requests, from the pairing files. */
export const ChannelPairingMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const runtime = yield* GatewayRuntime
    const host = yield* Host
    const { stateDir } = yield* Paths
    const store = yield* makePairingStore(stateDir)

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
  })
)
