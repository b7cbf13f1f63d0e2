import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"

const handlers = () => import("../handlers/channels.js")
const json = Options.boolean("json").pipe(Options.withDescription("Output JSON"))
const channel = Options.text("channel").pipe(Options.optional, Options.withDescription("Channel (telegram)"))
const account = Options.text("account").pipe(Options.optional, Options.withDescription("Account id (default when omitted)"))
const get = <A>(o: Option.Option<A>) => Option.getOrUndefined(o)

const list = Command.make("list", { json, all: Options.boolean("all").pipe(Options.withDescription("Include bundled and installable catalog channels")) }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.list(a.json, a.all))).pipe(
  Command.withDescription("List chat channels (configured by default; pass --all for installable catalog)")
)

const status = Command.make(
  "status",
  {
    json,
    probe: Options.boolean("probe").pipe(Options.withDescription("Probe channel credentials")),
    channel: Options.text("channel").pipe(Options.optional, Options.withDescription("Only show one channel")),
    ...connectionOptions
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.status({ json: a.json, probe: a.probe, channel: get(a.channel), connect: toConnectOptions(a) }))
).pipe(Command.withDescription("Show channel status (use openclaw status --deep for a full connection check)"))

const add = Command.make(
  "add",
  {
    positional: Args.text({ name: "channel" }).pipe(Args.optional),
    channel,
    account,
    name: Options.text("name").pipe(Options.optional, Options.withDescription("Display name for this account")),
    token: Options.text("token").pipe(Options.optional, Options.withDescription("Bot token (Telegram, Discord)")),
    tokenFile: Options.text("token-file").pipe(Options.optional, Options.withDescription("Read the bot token from this file (Telegram)")),
    botToken: Options.text("bot-token").pipe(Options.optional, Options.withDescription("Bot token, xoxb-… (Slack)")),
    appToken: Options.text("app-token").pipe(Options.optional, Options.withDescription("App-level token for Socket Mode, xapp-… (Slack)")),
    useEnv: Options.boolean("use-env").pipe(Options.withDescription("Use TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN or SLACK_BOT_TOKEN/SLACK_APP_TOKEN (default account only)"))
  },
  (a) =>
    Effect.flatMap(Effect.promise(handlers), (m) =>
      m.add({
        channel: get(a.channel) ?? get(a.positional),
        account: get(a.account),
        name: get(a.name),
        token: get(a.token),
        tokenFile: get(a.tokenFile),
        botToken: get(a.botToken),
        appToken: get(a.appToken),
        useEnv: a.useEnv
      }))
).pipe(Command.withDescription("Add or update a channel account"))

const remove = Command.make(
  "remove",
  { positional: Args.text({ name: "channel" }).pipe(Args.optional), channel, account, del: Options.boolean("delete").pipe(Options.withDescription("Delete the account from config instead of disabling it")) },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.remove({ channel: get(a.channel) ?? get(a.positional), account: get(a.account), del: a.del }))
).pipe(Command.withDescription("Disable or delete a channel account"))

const logout = Command.make("logout", { positional: Args.text({ name: "channel" }).pipe(Args.optional), channel, account }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.logout({ channel: get(a.channel) ?? get(a.positional), account: get(a.account) }))).pipe(
  Command.withDescription("Log out of a channel session (if supported)")
)

/** `openclaw channels`: chat channel accounts and their status. */
export const channelsCommand = Command.make("channels").pipe(
  Command.withDescription(summaryOf("channels")),
  Command.withSubcommands([list, status, add, remove, logout])
)
