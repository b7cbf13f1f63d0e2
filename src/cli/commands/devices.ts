import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"
import { summaryOf } from "../commandSummaries.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON"))
const common = { json, ...connectionOptions }
const handlers = () => import("../handlers/devices.js")

const list = Command.make("list", common, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.list(a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("List pending pairing requests and paired devices")
)

const approve = Command.make(
  "approve",
  { requestId: Args.text({ name: "requestId" }).pipe(Args.optional), latest: Options.boolean("latest").pipe(Options.withDescription("Show the newest pending request and the exact command that approves it (approves nothing)")), ...common },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.approve(Option.getOrUndefined(a.requestId), a.latest, a.json, toConnectOptions(a)))
).pipe(Command.withDescription("Approve a pending pairing request"))

const reject = Command.make("reject", { requestId: Args.text({ name: "requestId" }), ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.reject(a.requestId, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Reject a pending pairing request"))

const remove = Command.make("remove", { deviceId: Args.text({ name: "deviceId" }), ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.remove(a.deviceId, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Remove a paired device"))

// The original names the device with `--device <id>` (and the label with `--name`); the positional form is ours.
const deviceId = Args.text({ name: "deviceId" }).pipe(Args.optional)
const device = Options.text("device").pipe(Options.optional, Options.withDescription("Device id (instead of the <deviceId> argument)"))
const pick = (positional: Option.Option<string>, flag: Option.Option<string>) => Option.getOrUndefined(Option.orElse(flag, () => positional))

const rename = Command.make(
  "rename",
  { deviceId, label: Args.text({ name: "label" }).pipe(Args.optional), device, name: Options.text("name").pipe(Options.optional, Options.withDescription("Operator-assigned label, at most 64 characters (instead of the <label> argument)")), ...common },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.rename(pick(a.deviceId, a.device), pick(a.label, a.name), a.json, toConnectOptions(a)))
).pipe(Command.withDescription("Set a paired device's label"))

const role = Options.text("role").pipe(Options.withDefault("operator"), Options.withDescription("Token role"))

const rotate = Command.make(
  "rotate",
  {
    deviceId,
    device,
    role,
    scope: Options.text("scope").pipe(Options.repeated, Options.withDescription("Scope for the new token (repeatable; default: keep)")),
    noScopes: Options.boolean("no-scopes").pipe(Options.withDescription("Rotate with an empty scope set")),
    ...common
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.rotate(pick(a.deviceId, a.device), a.role, a.noScopes ? [] : a.scope.length > 0 ? a.scope : undefined, a.json, toConnectOptions(a)))
).pipe(Command.withDescription("Rotate a device token"))

const revoke = Command.make("revoke", { deviceId, device, role, ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.revoke(pick(a.deviceId, a.device), a.role, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Revoke a device token"))

const clear = Command.make(
  "clear",
  {
    yes: Options.boolean("yes").pipe(Options.withDescription("Confirm the destructive clear")),
    pending: Options.boolean("pending").pipe(Options.withDescription("Also reject every pending pairing request")),
    ...common
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.clear(a.yes, a.pending, a.json, toConnectOptions(a)))
).pipe(Command.withDescription("Remove every paired device (--yes required)"))

/** `openclaw devices`: pairing and device tokens. */
export const devicesCommand = Command.make("devices").pipe(
  Command.withDescription(summaryOf("devices")),
  Command.withSubcommands([list, approve, reject, remove, rename, rotate, revoke, clear])
)
