import { Schema } from "effect"
import { ago } from "../text/ago.js"
import { opt } from "../opt.js"

const NullableNumber = Schema.NullOr(Schema.Number)

/** A probe of an account's credentials (`getMe` on Telegram). */
export const ProbeResult = Schema.Struct({
  ok: Schema.Boolean,
  status: Schema.NullOr(Schema.Number),
  error: Schema.NullOr(Schema.String),
  elapsedMs: Schema.Number,
  bot: opt(Schema.Struct({ id: opt(Schema.Number), username: opt(Schema.String) }))
})
export type ProbeResult = typeof ProbeResult.Type

/** What an audit found (Slack: scopes the app lacks, listed channels the bot is not in), each with its fix. */
export const AuditResult = Schema.Struct({
  ok: Schema.Boolean,
  problems: Schema.Array(Schema.Struct({ target: Schema.String, error: Schema.String, fix: Schema.String }))
})
export type AuditResult = typeof AuditResult.Type

/** One account in `channels.status` (the original's field names). */
export const AccountSnapshot = Schema.Struct({
  accountId: Schema.String,
  name: opt(Schema.String),
  enabled: Schema.Boolean,
  configured: Schema.Boolean,
  running: Schema.Boolean,
  connected: Schema.Boolean,
  lastError: Schema.NullOr(Schema.String),
  lastStartAt: NullableNumber,
  lastStopAt: NullableNumber,
  lastInboundAt: NullableNumber,
  lastOutboundAt: NullableNumber,
  mode: opt(Schema.String),
  tokenSource: opt(Schema.String),
  tokenStatus: opt(Schema.String),
  botUsername: opt(Schema.String),
  /** Gateway intents the platform grants (Discord: the Message Content intent, `enabled|limited|disabled`). */
  intents: opt(Schema.Struct({ content: Schema.String })),
  dmPolicy: opt(Schema.String),
  allowUnmentionedGroups: opt(Schema.Boolean),
  probe: opt(ProbeResult),
  audit: opt(AuditResult),
  /** Slack's credential sources (`config`, `env`, `none`), never the credentials. */
  botTokenSource: opt(Schema.String),
  appTokenSource: opt(Schema.String),
  signingSecretSource: opt(Schema.String),
  lastProbeAt: opt(NullableNumber),
  /** Inbound messages dropped by the access pipeline, by reason (`no-mention`, `dm-not-allowlisted`, ...). */
  dropped: opt(Schema.Record({ key: Schema.String, value: Schema.Number })),
  /** Pairing requests pending for this account. */
  pendingPairing: opt(Schema.Number),
  healthState: opt(Schema.String)
})
export type AccountSnapshot = typeof AccountSnapshot.Type

export const StatusIssue = Schema.Struct({
  channel: Schema.String,
  accountId: Schema.String,
  kind: Schema.String,
  message: Schema.String,
  fix: Schema.String
})
export type StatusIssue = typeof StatusIssue.Type

const ChannelMetaEntry = Schema.Struct({ id: Schema.String, label: Schema.String, detailLabel: Schema.String, systemImage: Schema.String })

/** `channels.status` result (the original's payload; `eventLoop` comes from the gateway's health sampler when present). */
export const ChannelsStatusResult = Schema.Struct({
  ts: Schema.Number,
  channelOrder: Schema.Array(Schema.String),
  channelLabels: Schema.Record({ key: Schema.String, value: Schema.String }),
  channelDetailLabels: Schema.Record({ key: Schema.String, value: Schema.String }),
  channelSystemImages: Schema.Record({ key: Schema.String, value: Schema.String }),
  channelMeta: Schema.Array(ChannelMetaEntry),
  channels: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }),
  channelAccounts: Schema.Record({ key: Schema.String, value: Schema.Array(AccountSnapshot) }),
  channelDefaultAccountId: Schema.Record({ key: Schema.String, value: Schema.String }),
  statusIssues: Schema.Array(StatusIssue)
})
export type ChannelsStatusResult = typeof ChannelsStatusResult.Type

export const ChannelsStatusParams = Schema.Struct({
  probe: opt(Schema.Boolean),
  timeoutMs: opt(Schema.Int.pipe(Schema.between(1, 120_000))),
  channel: opt(Schema.String)
})
export type ChannelsStatusParams = typeof ChannelsStatusParams.Type

/** The health word the original adds when an enabled, configured account is not healthy. */
export const healthStateOf = (a: AccountSnapshot): string | undefined => {
  if (!a.enabled || !a.configured) return undefined
  if (!a.running) return "not-running"
  if (!a.connected && a.lastError !== null) return "disconnected"
  return undefined
}

/**
 * One account as `channels status` prints it (spec 2.5, in the order the original prints the bits):
 * `- Telegram default: enabled, configured, running, connected, in:1m ago, out:1m ago, mode:polling, bot:@name, token:***, works`.
 */
export const accountStatusLine = (label: string, a: AccountSnapshot, nowMs: number): string => {
  const bits: Array<string> = [a.enabled ? "enabled" : "disabled", a.configured ? "configured" : "not configured"]
  if (a.lastError !== null && a.lastError !== "") bits.push(`error:${a.lastError}`)
  bits.push(a.running ? "running" : "stopped", a.connected ? "connected" : "disconnected")
  if (a.lastInboundAt !== null) bits.push(`in:${ago(nowMs, a.lastInboundAt)}`)
  if (a.lastOutboundAt !== null) bits.push(`out:${ago(nowMs, a.lastOutboundAt)}`)
  if (a.mode !== undefined) bits.push(`mode:${a.mode}`)
  if (a.botUsername !== undefined) bits.push(`bot:@${a.botUsername}`)
  if (a.tokenSource !== undefined && a.tokenSource !== "none") bits.push(`token:***${a.tokenStatus === "unavailable" ? " (unavailable)" : ""}`)
  for (const [label, source] of [["bot", a.botTokenSource], ["app", a.appTokenSource], ["signing", a.signingSecretSource]] as const) {
    if (source !== undefined && source !== "none") bits.push(`${label}:${source}`)
  }
  if (a.intents !== undefined) bits.push(`intents:content=${a.intents.content}`)
  if (a.allowUnmentionedGroups === true) bits.push("groups:unmentioned")
  const health = healthStateOf(a)
  if (health !== undefined) bits.push(`health:${health}`)
  if (a.probe !== undefined) bits.push(a.probe.ok ? "works" : "probe failed")
  if (a.audit !== undefined) bits.push(a.audit.ok ? "audit ok" : "audit failed")
  const dropped = Object.entries(a.dropped ?? {}).filter(([, n]) => n > 0)
  if (dropped.length > 0) bits.push(`dropped:${dropped.map(([reason, n]) => `${reason}=${n}`).join(",")}`)
  if ((a.pendingPairing ?? 0) > 0) bits.push(`pairing:${a.pendingPairing} pending`)
  return `- ${label} ${a.accountId}${a.name === undefined ? "" : ` (${a.name})`}: ${bits.join(", ")}`
}

/** The warnings (`statusIssues`) an account earns, each with its fix. */
/** What a channel tells its users to do about credentials (default: Telegram's). */
export interface CredentialHints {
  /** The fix when an enabled account has no credentials. */
  readonly missing: string
  /** The fix when the platform refuses the credentials (401). */
  readonly revoked: (accountId: string) => string
}

export const telegramCredentialHints = (channel: string): CredentialHints => ({
  missing: `set channels.${channel}.botToken (or tokenFile / TELEGRAM_BOT_TOKEN), then restart the gateway`,
  revoked: (accountId) => `the bot token was revoked or is wrong: get a new one from @BotFather, then run: openclaw channels add --channel ${channel}${accountId === "default" ? "" : ` --account ${accountId}`} --token <token>`
})

export const accountIssues = (channel: string, a: AccountSnapshot, hints: CredentialHints = telegramCredentialHints(channel)): ReadonlyArray<StatusIssue> => {
  const issues: Array<StatusIssue> = []
  const base = { channel, accountId: a.accountId, kind: "runtime" }
  if (a.enabled && a.configured && !a.running) {
    issues.push({ ...base, message: "Channel is enabled and configured, but its runtime is not running.", fix: "restart the channel or gateway" })
  }
  if (a.enabled && a.configured && a.running && !a.connected && a.lastError !== null) {
    issues.push({ ...base, message: "Channel reports running, but the runtime is disconnected.", fix: "restart the channel or gateway" })
  }
  if (a.enabled && !a.configured) {
    issues.push({ ...base, kind: "config", message: "Channel is enabled but has no credentials.", fix: hints.missing })
  }
  if (a.intents?.content === "disabled") {
    issues.push({ ...base, kind: "intent", message: "Message Content Intent is disabled; guild messages arrive without text.", fix: "enable Message Content Intent in the Developer Portal (Bot → Privileged Gateway Intents), then restart the gateway" })
  }
  for (const problem of a.audit?.problems ?? []) {
    issues.push({ ...base, kind: "permission", message: `${problem.target}: ${problem.error}`, fix: problem.fix })
  }
  if (a.probe !== undefined && !a.probe.ok) {
    const unauthorized = a.probe.status === 401
    issues.push({
      ...base,
      kind: "auth",
      message: `Probe failed: ${a.probe.error ?? "unknown error"}`,
      fix: unauthorized
        ? hints.revoked(a.accountId)
        : "Run: openclaw channels status --probe (or restart the gateway). Check the bot token, proxy/network settings, and logs if it persists."
    })
  }
  return issues
}

/** The warnings block: `Warnings:`, one line per issue, then the doctor. */
export const warningLines = (issues: ReadonlyArray<StatusIssue>): ReadonlyArray<string> =>
  issues.length === 0 ? [] : ["", "Warnings:", ...issues.map((i) => `- ${i.channel} ${i.accountId}: ${i.message} (${i.fix})`), "- Run: openclaw doctor"]

export const NO_CHANNELS_LINE = "- no configured chat channels (run `openclaw channels list --all` to see installable channels)"
export const STATUS_TIP = "Tip: https://docs.openclaw.ai/cli/status adds gateway health probes to status output (requires a reachable gateway)."
