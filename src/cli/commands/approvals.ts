import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"

const json = Options.boolean("json").pipe(Options.withDescription("Output JSON"))
const target = {
  node: Options.text("node").pipe(Options.optional, Options.withDescription("Target node id/name/IP")),
  gateway: Options.boolean("gateway").pipe(Options.withDescription("Force gateway approvals"))
}
const handlers = () => import("../handlers/approvals.js")
const targetOf = (a: { readonly node: Option.Option<string>; readonly gateway: boolean }) => ({ node: Option.getOrUndefined(a.node), gateway: a.gateway })

const get = Command.make("get", { ...target, json, ...connectionOptions }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.get(targetOf(a), a.json, toConnectOptions(a)))).pipe(Command.withDescription("Fetch exec approvals snapshot"))

const set = Command.make("set", {
  ...target,
  file: Options.text("file").pipe(Options.optional, Options.withDescription("JSON5 file with the whole approvals document")),
  stdin: Options.boolean("stdin").pipe(Options.withDescription("Read the document from stdin")),
  json,
  ...connectionOptions
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.set(targetOf(a), Option.getOrUndefined(a.file), a.stdin, a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("Replace exec approvals with a JSON file")
)

const allowlistOptions = { ...target, agent: Options.text("agent").pipe(Options.withDefault("*"), Options.withDescription("Agent id (default: * = all agents)")), json, ...connectionOptions }
const pattern = Args.text({ name: "pattern" })
const add = Command.make("add", { ...allowlistOptions, pattern }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.allowlist("add", targetOf(a), a.pattern, a.agent, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Add an allowlist pattern"))
const remove = Command.make("remove", { ...allowlistOptions, pattern }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.allowlist("remove", targetOf(a), a.pattern, a.agent, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Remove an allowlist pattern"))
const allowlist = Command.make("allowlist").pipe(Command.withDescription("Edit the per-agent allowlist"), Command.withSubcommands([add, remove]))

const pending = Command.make("pending", { json, ...connectionOptions }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.pending(a.json, toConnectOptions(a)))).pipe(Command.withDescription("List pending exec approvals"))

const resolve = Command.make("resolve", {
  id: Args.text({ name: "id" }),
  decision: Args.text({ name: "decision" }),
  reason: Options.text("reason").pipe(Options.optional, Options.withDescription("Why (shown in this command's answer)")),
  expiresInDays: Options.text("expires-in-days").pipe(Options.optional, Options.withDescription("Standing grant expiry for allow-always (not supported by this version)")),
  json,
  ...connectionOptions
}, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) =>
    m.resolve(a.id, a.decision, { json: a.json, reason: Option.getOrUndefined(a.reason), expiresInDays: Option.getOrUndefined(a.expiresInDays) }, toConnectOptions(a)))).pipe(
  Command.withDescription("Resolve a pending approval: allow-once, allow-always or deny")
)

const grantsList = Command.make("list", {
  limit: Options.text("limit").pipe(Options.optional, Options.withDescription("Maximum rows to return (default 200)")),
  json,
  ...connectionOptions
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.grantsList(Option.getOrUndefined(a.limit), a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("List standing grants, newest first")
)
const grantsRevoke = Command.make("revoke", { grantId: Args.text({ name: "grantId" }), json, ...connectionOptions }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.grantsRevoke(a.grantId, a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("Revoke a standing grant; the next occurrence prompts again")
)
const grants = Command.make("grants").pipe(
  Command.withDescription("Standing grants minted by allow-always on automation approvals"),
  Command.withSubcommands([grantsList, grantsRevoke])
)

const subcommands = [get, set, allowlist, pending, resolve, grants] as const

/** `openclaw approvals` (alias `exec-approvals`): exec approvals of this host, the gateway or a node. */
export const approvalsCommand = Command.make("approvals").pipe(
  Command.withDescription("Manage approval policy and pending requests"),
  Command.withSubcommands([...subcommands])
)
