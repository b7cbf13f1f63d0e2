import { bootstrapCommandOwner } from "../../layers/channels/commandOwnerBootstrap.js"
import { Clock, Console, Effect, Schema } from "effect"
import { PAIRING_APPROVED_NOTICE, type PairingRequest } from "../../domain/channels/pairing.js"
import { discordAccounts, DISCORD_DEFAULT_API_BASE } from "../../domain/channels/discordAccounts.js"
import { SLACK_DEFAULT_API_BASE, slackAccounts } from "../../domain/channels/slackAccounts.js"
import { telegramAccounts } from "../../domain/channels/telegramAccounts.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { TgSentMessage } from "../../domain/channels/telegramApi.js"
import { ago } from "../../domain/text/ago.js"
import { makeDiscordRest } from "../../layers/channels/discord/rest.js"
import { callSlack } from "../../layers/channels/slack/webApi.js"
import { callBotApi } from "../../layers/channels/telegram/botApi.js"
import { makePairingStore } from "../../layers/channels/pairingStore.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { CliExit } from "../CliExit.js"
import { table } from "../table.js"

/** Channels with DM pairing that this version runs, and the id column each shows. */
const PAIRING_CHANNELS: Readonly<Record<string, { readonly idLabel: string; readonly configured: (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>) => boolean }>> = {
  telegram: { idLabel: "telegramUserId", configured: (config, env) => telegramAccounts(config, env).length > 0 },
  discord: { idLabel: "discordUserId", configured: (config, env) => discordAccounts(config, env).length > 0 },
  slack: { idLabel: "slackUserId", configured: (config, env) => slackAccounts(config, env).length > 0 }
}

const failWith = (lines: ReadonlyArray<string>) => Effect.zipRight(Effect.forEach(lines, (l) => Console.error(l), { discard: true }), Effect.fail(new CliExit({ code: 1 })))

/** The configured pairing channels, and the one a command means (named, or the only one configured). */
const resolveChannel = (named: string | undefined) =>
  Effect.gen(function*() {
    const { config } = yield* (yield* ConfigStore).load
    const host = yield* Host
    const configured = Object.entries(PAIRING_CHANNELS).filter(([, c]) => c.configured(config, host.env)).map(([id]) => id)
    if (configured.length === 0) {
      return yield* failWith([
        "error[PAIRING_NO_CHANNELS]: No chat DM pairing channels are configured. To approve a TUI or device request, use openclaw devices approve instead.",
        "Next: openclaw channels add --channel telegram --token <token>"
      ])
    }
    const channel = named?.trim().toLowerCase() ?? (configured.length === 1 ? configured[0] : undefined)
    if (channel === undefined) return yield* failWith([`error[PAIRING_CHANNEL_REQUIRED]: Several channels support pairing (${configured.join(", ")}); name one.`, "Next: openclaw pairing list --channel <channel>"])
    if (!configured.includes(channel)) {
      return yield* failWith([`error[PAIRING_CHANNEL_UNAVAILABLE]: Channel ${channel} does not support pairing or is not configured (configured: ${configured.join(", ")}).`, "Next: openclaw channels list"])
    }
    return { channel, config, env: host.env }
  })

const metaText = (r: PairingRequest) => Object.entries(r.meta ?? {}).map(([k, v]) => `${k}=${v}`).join(" ") || "-"

/** `openclaw pairing list [channel] [--channel] [--account] [--json]`. */
export const list = (input: { readonly channel: string | undefined; readonly account: string | undefined; readonly json: boolean }) =>
  Effect.gen(function*() {
    const { channel } = yield* resolveChannel(input.channel)
    const store = yield* makePairingStore((yield* Paths).stateDir)
    const requests = yield* store.pending(channel, input.account)
    if (input.json) return yield* Console.log(JSON.stringify({ channel, requests }, null, 2))
    if (requests.length === 0) return yield* Console.log(`No pending ${channel} pairing requests.`)
    const now = yield* Clock.currentTimeMillis
    const idLabel = PAIRING_CHANNELS[channel]?.idLabel ?? "id"
    yield* Console.log(table(["Code", idLabel, "Meta", "Requested"], requests.map((r) => [r.code, r.id, metaText(r), ago(now, Date.parse(r.createdAt))])))
    yield* Console.log(`\nApprove with: openclaw pairing approve ${channel} <CODE>`)
  })

/** `openclaw pairing approve <channel> <code> [--account] [--notify]`. */
export const approve = (input: { readonly channel: string | undefined; readonly code: string; readonly account: string | undefined; readonly notify: boolean }) =>
  Effect.gen(function*() {
    const { channel, config, env } = yield* resolveChannel(input.channel)
    const store = yield* makePairingStore((yield* Paths).stateDir)
    const request = yield* store.approve(channel, input.code, input.account)
    if (request === undefined) {
      return yield* failWith([`error[PAIRING_CODE_NOT_FOUND]: No pending pairing request found for code: ${input.code.trim().toUpperCase()}`, `Next: openclaw pairing list ${channel}`])
    }
    yield* Console.log(`Approved ${channel} sender ${request.id}.`)
    // The first approval names the command owner when none is configured (as the original's CLI does).
    const bootstrap = yield* bootstrapCommandOwner(channel, request.id)
    if (bootstrap.status === "configured") yield* Console.log(`Command owner configured ${bootstrap.owner} (commands.ownerAllowFrom was empty).`)
    if (input.notify && channel === "discord") yield* notifyDiscord(config, env, request)
    else if (input.notify && channel === "slack") yield* notifySlack(config, env, request)
    else if (input.notify) {
      const account = telegramAccounts(config, env).find((a) => a.accountId === (request.accountId ?? "default"))
      const token = account?.token.source === "config" || account?.token.source === "env" ? account.token.value : undefined
      if (account === undefined || token === undefined) return yield* Console.error(`Could not notify ${request.id}: no bot token for this account.`)
      yield* callBotApi({ apiRoot: account.apiRoot, token, method: "sendMessage", body: { chat_id: request.id, text: PAIRING_APPROVED_NOTICE }, result: TgSentMessage }).pipe(
        Effect.matchEffect({
          onFailure: (e) => Console.error(`Could not notify ${request.id}: ${e.message}`),
          onSuccess: () => Console.log(`Notified ${request.id}.`)
        })
      )
    }
  })

/** `--notify` on Discord: open the DM channel with the sender, then post the approval notice there. */
const notifyDiscord = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>, request: PairingRequest) =>
  Effect.gen(function*() {
    const account = discordAccounts(config, env).find((a) => a.accountId === (request.accountId ?? "default"))
    const token = account?.token.source === "config" || account?.token.source === "env" ? account.token.value : undefined
    if (token === undefined) return yield* Console.error(`Could not notify ${request.id}: no bot token for this account.`)
    const rest = makeDiscordRest({ apiBase: env["OPENCLAW_DISCORD_API_BASE"]?.trim() || DISCORD_DEFAULT_API_BASE, token })
    const Channel = Schema.Struct({ id: Schema.String })
    yield* rest.call("POST", "/users/@me/channels", "/users/@me/channels", { recipient_id: request.id }, Channel).pipe(
      Effect.flatMap((dm) => rest.call("POST", "/channels/:id/messages", `/channels/${dm.id}/messages`, { content: PAIRING_APPROVED_NOTICE }, Channel)),
      Effect.matchEffect({
        onFailure: (e) => Console.error(`Could not notify ${request.id}: ${e.message}`),
        onSuccess: () => Console.log(`Notified ${request.id}.`)
      })
    )
  })

/** `--notify` on Slack: `chat.postMessage` to the user id opens the DM with them. */
const notifySlack = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>, request: PairingRequest) =>
  Effect.gen(function*() {
    const account = slackAccounts(config, env).find((a) => a.accountId === (request.accountId ?? "default"))
    const token = account?.botToken.source === "config" || account?.botToken.source === "env" ? account.botToken.value : undefined
    if (token === undefined) return yield* Console.error(`Could not notify ${request.id}: no bot token for this account.`)
    const apiBase = env["OPENCLAW_SLACK_API_BASE"]?.trim() || SLACK_DEFAULT_API_BASE
    yield* callSlack({ apiBase, token, method: "chat.postMessage", body: { channel: request.id, text: PAIRING_APPROVED_NOTICE }, result: Schema.Unknown }).pipe(
      Effect.matchEffect({
        onFailure: (e) => Console.error(`Could not notify ${request.id}: ${e.message}`),
        onSuccess: () => Console.log(`Notified ${request.id}.`)
      })
    )
  })
