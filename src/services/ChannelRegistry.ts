import { Context, type Effect, type Scope } from "effect"
import type { AccountAccess } from "../domain/channels/access.js"
import type { AccountSnapshot, AuditResult, CredentialHints, ProbeResult } from "../domain/channels/status.js"
import type { OpenClawConfig } from "../domain/config/ConfigSchema.js"

/** One inbound message as a channel hands it to the core (spec 2.6 `Inbound`). */
export interface Inbound {
  readonly channel: string
  readonly accountId: string
  readonly chatType: "direct" | "group" | "channel"
  readonly senderId: string
  readonly senderName?: string | undefined
  readonly senderUsername?: string | undefined
  /** Where a reply goes (the chat id). */
  readonly conversationId: string
  readonly threadId?: string | undefined
  readonly messageId: string
  readonly text: string
  /** A native mention of the bot. */
  readonly wasMentioned?: boolean | undefined
  /** The message replies to the bot. */
  readonly replyToBot?: boolean | undefined
  /** The `groups` keys this message matches, most specific first (Discord: guild/channel); default the conversation id. */
  readonly groupKeys?: ReadonlyArray<string> | undefined
  readonly ts: number
}

/** A configured account of a channel, resolved from config (root keys inherited, secrets resolved). */
export interface ChannelAccount {
  readonly accountId: string
  readonly name?: string | undefined
  readonly enabled: boolean
  /** Has what it needs to start (a token, ...). */
  readonly configured: boolean
  readonly access: AccountAccess
  /** Unanswered group messages kept as context (0 = off); the default when undefined. */
  readonly historyLimit?: number | undefined
  /** `config`, `tokenFile`, `env`, `none`: where the credential came from (never the credential). */
  readonly tokenSource?: string | undefined
  /** The channel's own settings (token, apiRoot, ...); only the plugin reads them. */
  readonly settings: unknown
}

/** What a running account may do: report status and hand inbound messages to the core. */
export interface AccountRuntime {
  readonly setStatus: (patch: Partial<AccountSnapshot>) => Effect.Effect<void>
  /**
   * Resolves once the core has accepted the message (queued for its session, or dropped). `onHandled`
   * runs once it is fully handled: its reply sent (or it was dropped), so an adapter can forget it.
   */
  readonly emitInbound: (message: Inbound, onHandled?: Effect.Effect<void>) => Effect.Effect<void>
}

/** A send the platform refused or that never reached it; `message` is the platform's words. */
export interface SendError {
  readonly message: string
  readonly status?: number | undefined
}

/** What one text send needs. */
export interface SendTextRequest {
  readonly account: ChannelAccount
  readonly to: string
  readonly text: string
  readonly threadId?: string | undefined
  /** The text is HTML (Telegram `parse_mode: "HTML"`). */
  readonly html?: boolean | undefined
}

/**
 * A chat channel (spec 2.6, as Effects): its accounts, outbound send, probe, and a scoped
 * `startAccount` that runs until its scope closes. The core owns policy, pairing, routing, status.
 */
export interface ChannelPlugin {
  readonly id: string
  readonly meta: { readonly label: string; readonly detailLabel: string; readonly systemImage: string }
  /** The longest text one `sendText` may carry; the core chunks to it. */
  readonly textChunkLimit: number
  /** DM pairing: the line naming the sender's id in the code reply, and whether replies are HTML. */
  readonly pairing?: { readonly idLine: (senderId: string) => string; readonly html: boolean } | undefined
  readonly listAccounts: (config: OpenClawConfig) => Effect.Effect<ReadonlyArray<ChannelAccount>>
  readonly defaultAccountId: (config: OpenClawConfig) => string
  /** Extra snapshot fields for an account that is not running (mode, token source). */
  readonly describe?: ((account: ChannelAccount) => Partial<AccountSnapshot>) | undefined
  readonly sendText: (request: SendTextRequest) => Effect.Effect<{ readonly messageId: string }, SendError>
  readonly probe?: ((account: ChannelAccount, timeoutMs: number) => Effect.Effect<ProbeResult>) | undefined
  /** With `--probe`, after `probe`: what the account lacks (scopes, channel membership). */
  readonly audit?: ((account: ChannelAccount, timeoutMs: number) => Effect.Effect<AuditResult>) | undefined
  /** Runs the account (polling, a socket, ...) until the scope closes; failures are reported through `setStatus`. */
  readonly startAccount: (account: ChannelAccount, runtime: AccountRuntime) => Effect.Effect<void, never, Scope.Scope>
  /** Listed in `channels status` only once it has seen traffic (web chat: the gateway's own `chat.*` methods). */
  readonly hiddenUntilActive?: boolean | undefined
  /** The fixes `channels status` names for missing or refused credentials (default: Telegram's bot token). */
  readonly credentialHints?: CredentialHints | undefined
  /** Log wording: what a group is called (`guild`) and the field naming the conversation (`channelId`); default `group`, `chatId`. */
  readonly logNames?: { readonly group: string; readonly conversationField: string } | undefined
  /** The bot's id for log lines (`botId=`), once known. */
  readonly botId?: ((accountId: string) => string | undefined) | undefined
}

/** Every registered chat channel: each channel's Layer registers itself here. */
export class ChannelRegistry extends Context.Tag("openclaw/ChannelRegistry")<ChannelRegistry, {
  readonly register: (plugin: ChannelPlugin) => Effect.Effect<void>
  readonly plugins: Effect.Effect<ReadonlyArray<ChannelPlugin>>
  readonly get: (id: string) => Effect.Effect<ChannelPlugin | undefined>
}>() {}
