import { Clock, Console, Effect } from "effect"
import { accountStatusLine, type ChannelsStatusResult, NO_CHANNELS_LINE, STATUS_TIP, warningLines } from "../../domain/channels/status.js"
import { CHANNEL_SETUP, type CredentialFlags } from "../../domain/channels/accountSetup.js"
import { discordAccounts } from "../../domain/channels/discordAccounts.js"
import { slackAccounts } from "../../domain/channels/slackAccounts.js"
import { type TelegramAccountPlan, telegramAccounts } from "../../domain/channels/telegramAccounts.js"
import type { OpenClawConfig } from "../../domain/config/ConfigSchema.js"
import { ChannelMethods } from "../../domain/protocol/channelMethods.js"
import { ConfigEditor } from "../../services/ConfigEditor.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { Host } from "../../services/Host.js"
import { CliExit } from "../CliExit.js"

/** Chat channels this version runs (the `--channel` values `add`/`remove` accept). */
const CHANNELS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(CHANNEL_SETUP).map(([id, setup]) => [id, setup.label]))

const PROVIDER_NOTE = "Model provider usage moved out of `channels list` — see `openclaw status` or `openclaw models list`."
const DOCS = "Docs: https://docs.openclaw.ai/gateway/configuration"

const failWith = (lines: ReadonlyArray<string>) => Effect.zipRight(Effect.forEach(lines, (l) => Console.error(l), { discard: true }), Effect.fail(new CliExit({ code: 1 })))

const configuredTelegram = Effect.gen(function*() {
  const { config, snapshot } = yield* (yield* ConfigStore).load
  return { config, path: snapshot.path, accounts: telegramAccounts(config, (yield* Host).env) }
})

const hasToken = (plan: TelegramAccountPlan) => plan.token.source !== "none"

// The channels this version runs, for `--all`: each not yet configured with how to set it up; web chat needs no account.
const BUNDLED = [
  ...Object.entries(CHANNEL_SETUP).map(([id, setup]) => ({ id, label: setup.label, line: `installed, not configured (${setup.example})` })),
  { id: "webchat", label: "Web chat", line: "built in (the gateway's chat.* methods; no account to configure)" }
]

/** `openclaw channels list [--all] [--json]`: configured accounts, read from config. */
export const list = (json: boolean, all: boolean) =>
  Effect.gen(function*() {
    const { accounts, config } = yield* configuredTelegram
    const others = otherAccounts(config, (yield* Host).env)
    const configuredIds = new Set([...(accounts.length === 0 ? [] : ["telegram"]), ...others.map((a) => a.channel)])
    const unconfigured = all ? BUNDLED.filter((c) => !configuredIds.has(c.id)) : []
    if (json) {
      const chat: Record<string, Array<Record<string, unknown>>> = accounts.length === 0 ? {} : { telegram: accounts.map((a) => ({ accountId: a.accountId, configured: hasToken(a), enabled: a.enabled, tokenSource: a.token.source })) }
      for (const a of others) (chat[a.channel] ??= []).push({ accountId: a.accountId, configured: a.configured, enabled: a.enabled })
      return yield* Console.log(JSON.stringify({ chat, ...(all ? { available: unconfigured.map((c) => ({ id: c.id, label: c.label, configured: false })) } : {}) }, null, 2))
    }
    const configured = [
      ...accounts.map((a) => `- Telegram ${a.accountId}${a.name === undefined ? "" : ` (${a.name})`}: installed, ${hasToken(a) ? "configured" : "not configured"}, ${a.enabled ? "enabled" : "disabled"}${hasToken(a) ? ", token=***" : ""}`),
      ...others.map((a) => `- ${a.label} ${a.accountId}${a.name === undefined ? "" : ` (${a.name})`}: installed, ${a.configured ? "configured" : "not configured"}, ${a.enabled ? "enabled" : "disabled"}`)
    ]
    const available = unconfigured.map((c) => `- ${c.label}: ${c.line}`)
    // Without --all the empty list points at --all; with it, the bundled channels are the answer.
    const lines = configured.length + available.length === 0 ? [NO_CHANNELS_LINE] : [...configured, ...available]
    yield* Console.log(["Chat channels:", ...lines, "", PROVIDER_NOTE, DOCS].join("\n"))
  })

/** Discord and Slack accounts from config: label, state and credential bits (sources only, never values). */
const otherAccounts = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>) => [
  ...discordAccounts(config, env).map((a) => ({ channel: "discord", label: "Discord", accountId: a.accountId, name: a.name, enabled: a.enabled, configured: a.token.source !== "none", bits: a.token.source === "none" ? [] : ["token:***"] })),
  ...slackAccounts(config, env).map((a) => ({
    channel: "slack",
    label: "Slack",
    accountId: a.accountId,
    name: a.name,
    enabled: a.enabled,
    configured: a.botToken.source !== "none" && a.appToken.source !== "none",
    bits: ["mode:socket", ...([["bot", a.botToken.source], ["app", a.appToken.source], ["signing", a.signingSecret.source]] as const).filter(([, s]) => s !== "none").map(([l, s]) => `${l}:${s}`)]
  }))
]

/** Status lines from config alone (the gateway is not reachable). */
const configOnlyLines = (config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>) => [
  ...telegramAccounts(config, env).map((a) => `- Telegram ${a.accountId}${a.name === undefined ? "" : ` (${a.name})`}: ${a.enabled ? "enabled" : "disabled"}, ${hasToken(a) ? "configured" : "not configured"}, mode:polling${hasToken(a) ? ", token:***" : ""}`),
  ...otherAccounts(config, env).map((a) => `- ${a.label} ${a.accountId}${a.name === undefined ? "" : ` (${a.name})`}: ${[a.enabled ? "enabled" : "disabled", a.configured ? "configured" : "not configured", ...a.bits].join(", ")}`)
]

/** The text `channels status` prints for a gateway's answer. */
export const renderChannelsStatus = (result: ChannelsStatusResult, nowMs: number): string => {
  const lines: Array<string> = []
  for (const id of result.channelOrder) {
    for (const account of result.channelAccounts[id] ?? []) lines.push(accountStatusLine(result.channelLabels[id] ?? id, account, nowMs))
  }
  return [...(lines.length === 0 ? [NO_CHANNELS_LINE] : lines), ...warningLines(result.statusIssues)].join("\n")
}

/** `openclaw channels status [--probe] [--channel] [--json]`: the gateway's view, or config alone when it is down. */
export const status = (input: { readonly json: boolean; readonly probe: boolean; readonly channel: string | undefined; readonly connect: ConnectOptions }) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const timeoutMs = input.connect.timeoutMs ?? 10_000
    const params = { probe: input.probe, timeoutMs, ...(input.channel === undefined ? {} : { channel: input.channel }) }
    // The probe itself may take the whole timeout: the call waits for it plus a margin.
    const answer = yield* Effect.either(client.call(ChannelMethods.channelsStatus, params, { ...input.connect, timeoutMs: timeoutMs + 5_000 }))
    if (answer._tag === "Right") {
      if (input.json) return yield* Console.log(JSON.stringify(answer.right, null, 2))
      const text = renderChannelsStatus(answer.right, yield* Clock.currentTimeMillis)
      return yield* Console.log([`Checking channel status${input.probe ? " (probe)" : ""}…`, "Gateway reachable.", text, "", STATUS_TIP].join("\n"))
    }
    const error = answer.left
    if (error._tag === "ConfigParseError" || error._tag === "ConfigInvalid" || error._tag === "ConfigIoError") return yield* Effect.fail(error)
    const { config, path } = yield* configuredTelegram
    const env = (yield* Host).env
    if (input.json) {
      return yield* Console.log(JSON.stringify({
        gatewayReachable: false,
        error: error.message,
        gatewayAuthUnavailable: false,
        configOnly: true,
        config: { path, mode: config.gateway?.mode ?? null },
        configuredChannels: [...(telegramAccounts(config, env).length > 0 ? ["telegram"] : []), ...new Set(otherAccounts(config, env).map((a) => a.channel))]
      }, null, 2))
    }
    yield* Console.error(`Gateway not reachable: ${error.message}\nRun openclaw gateway status --deep to diagnose.`)
    const lines = configOnlyLines(config, env)
    yield* Console.log([
      `Checking channel status${input.probe ? " (probe)" : ""}…`,
      "Gateway not reachable; showing config-only status.",
      `Config: ${path}`,
      `Mode: ${config.gateway?.mode ?? "unset"}`,
      "",
      ...(lines.length === 0 ? [NO_CHANNELS_LINE] : lines),
      "",
      STATUS_TIP
    ].join("\n"))
  })

const requireChannel = (channel: string | undefined, command: string) => {
  const id = channel?.trim().toLowerCase()
  if (id === undefined || id === "") return failWith([`error[CHANNEL_REQUIRED]: channels ${command} needs a channel.`, `Next: openclaw channels ${command} --channel telegram`])
  if (CHANNELS[id] === undefined) return failWith([`error[CHANNEL_UNSUPPORTED]: Unknown or unsupported channel: ${id} (this version runs: ${Object.keys(CHANNELS).join(", ")}).`, "Next: openclaw channels list"])
  return Effect.succeed(id)
}

/** A channel's section as authored (any channel this version runs). */
const sectionOf = (config: OpenClawConfig, channel: string): { readonly accounts?: Record<string, unknown> } | undefined =>
  (config.channels as Record<string, { readonly accounts?: Record<string, unknown> } | undefined> | undefined)?.[channel]

/** Where an account's fields live: the root for `default` when no `accounts` map exists, else `accounts.<id>`. */
const accountPath = (config: OpenClawConfig, channel: string, accountId: string): ReadonlyArray<string> =>
  accountId === "default" && Object.keys(sectionOf(config, channel)?.accounts ?? {}).length === 0 ? ["channels", channel] : ["channels", channel, "accounts", accountId]

const nest = (path: ReadonlyArray<string>, value: unknown): unknown => path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value)

const restartHint = "Restart the gateway to apply."

const REVOKE_WHERE: Readonly<Record<string, string>> = {
  telegram: "with @BotFather",
  discord: "in the Discord Developer Portal (Bot → Reset Token)",
  slack: "in the Slack app's settings (OAuth & Permissions, Basic Information)"
}

/** `openclaw channels add --channel <telegram|discord|slack> [--account] [--name]` and the channel's credential flags. */
export const add = (input: { readonly channel: string | undefined; readonly account: string | undefined; readonly name: string | undefined } & CredentialFlags) =>
  Effect.gen(function*() {
    const channel = yield* requireChannel(input.channel, "add")
    const setup = CHANNEL_SETUP[channel]!
    const accountId = input.account?.trim() || "default"
    const credentials = setup.fields(input)
    if ("problem" in credentials) return yield* failWith([`error[CHANNEL_TOKEN_REQUIRED]: ${credentials.problem}`, `Next: ${setup.example}`])
    if (input.useEnv && accountId !== "default") return yield* failWith([`error[CHANNEL_TOKEN_REQUIRED]: ${setup.env} serves the default account only.`, "Next: pass the token flags for this account"])
    const { config } = yield* (yield* ConfigStore).load
    const fields: Record<string, unknown> = { enabled: true, ...credentials.fields }
    if (input.name !== undefined) fields["name"] = input.name
    yield* (yield* ConfigEditor).apply([{ _tag: "Patch", patch: nest(accountPath(config, channel, accountId), fields), replacePaths: [] }])
    yield* Console.log(`Added ${setup.label} account "${accountId}".`)
  })

/** `openclaw channels remove --channel <channel> [--account] [--delete]`: disables the account (or deletes it). */
export const remove = (input: { readonly channel: string | undefined; readonly account: string | undefined; readonly del: boolean }) =>
  Effect.gen(function*() {
    const channel = yield* requireChannel(input.channel, "remove")
    const accountId = input.account?.trim() || "default"
    const { config } = yield* (yield* ConfigStore).load
    const section = sectionOf(config, channel)
    if (section === undefined || (accountId !== "default" && section.accounts?.[accountId] === undefined)) {
      return yield* failWith([`error[CHANNEL_ACCOUNT_UNKNOWN]: ${CHANNELS[channel]} has no account "${accountId}" in config.`, "Next: openclaw channels list"])
    }
    const path = accountPath(config, channel, accountId)
    const patch = input.del ? nest(path.slice(0, -1), { [path[path.length - 1] ?? channel]: null }) : nest(path, { enabled: false })
    yield* (yield* ConfigEditor).apply([{ _tag: "Patch", patch, replacePaths: [] }])
    yield* Console.log(`${input.del ? "Deleted" : "Disabled"} ${CHANNELS[channel]} account "${accountId}".`)
    yield* Console.log(restartHint)
  })

/** `openclaw channels logout`: a bot has no session to log out of; its token is the login. */
export const logout = (input: { readonly channel: string | undefined; readonly account: string | undefined }) =>
  Effect.gen(function*() {
    const channel = yield* requireChannel(input.channel, "logout")
    return yield* failWith([
      `error[CHANNEL_LOGOUT_UNSUPPORTED]: ${CHANNELS[channel]} does not support logout (a bot token is not a session).`,
      `Next: openclaw channels remove --channel ${channel}${input.account === undefined ? "" : ` --account ${input.account}`} --delete  (then revoke the token ${REVOKE_WHERE[channel] ?? "where it was issued"})`
    ])
  })
