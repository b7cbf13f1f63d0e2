import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"

const handlers = () => import("../handlers/pairing.js")
const account = Options.text("account").pipe(Options.optional, Options.withDescription("Account id (for multi-account channels)"))
const channelFlag = Options.text("channel").pipe(Options.optional, Options.withDescription("Channel"))
const get = <A>(o: Option.Option<A>) => Option.getOrUndefined(o)

const list = Command.make(
  "list",
  { positional: Args.text({ name: "channel" }).pipe(Args.optional), channel: channelFlag, account, json: Options.boolean("json").pipe(Options.withDescription("Print JSON")) },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.list({ channel: get(a.channel) ?? get(a.positional), account: get(a.account), json: a.json }))
).pipe(Command.withDescription("List pending pairing requests"))

const approve = Command.make(
  "approve",
  {
    first: Args.text({ name: "channel" }),
    second: Args.text({ name: "code" }).pipe(Args.optional),
    channel: channelFlag,
    account,
    notify: Options.boolean("notify").pipe(Options.withDescription("Notify the requester on the same channel"))
  },
  (a) => {
    // `approve <channel> <code>`, or `approve <code>` with --channel (or the one configured channel).
    const code = Option.isSome(a.second) ? a.second.value : a.first
    const channel = Option.isSome(a.second) ? a.first : get(a.channel)
    return Effect.flatMap(Effect.promise(handlers), (m) => m.approve({ channel, code, account: get(a.account), notify: a.notify }))
  }
).pipe(Command.withDescription("Approve a pairing code and allow that sender"))

/** `openclaw pairing`: DM pairing codes of chat channels. */
export const pairingCommand = Command.make("pairing").pipe(
  Command.withDescription(summaryOf("pairing")),
  Command.withSubcommands([list, approve])
)
