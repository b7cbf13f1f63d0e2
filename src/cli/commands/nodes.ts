import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"

const json = Options.boolean("json").pipe(Options.withDescription("Output JSON"))
const common = { json, ...connectionOptions }
const node = Options.text("node").pipe(Options.optional, Options.withDescription("Node id, name, or IP"))
const handlers = () => import("../handlers/nodes.js")
const get = Option.getOrUndefined

const status = Command.make("status", {
  connected: Options.boolean("connected").pipe(Options.withDescription("Only show connected nodes")),
  lastConnected: Options.text("last-connected").pipe(Options.optional, Options.withDescription("Only show nodes connected within duration (e.g. 24h)")),
  ...common
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.status(a.json, a.connected, get(a.lastConnected), toConnectOptions(a)))).pipe(
  Command.withDescription("List known nodes with connection status and capabilities")
)

const list = Command.make("list", {
  connected: Options.boolean("connected").pipe(Options.withDescription("Only show connected paired nodes")),
  lastConnected: Options.text("last-connected").pipe(Options.optional, Options.withDescription("Only show paired nodes connected within duration (e.g. 24h)")),
  ...common
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.list(a.json, a.connected, get(a.lastConnected), toConnectOptions(a)))).pipe(
  Command.withDescription("List pending and paired nodes")
)

const describe = Command.make("describe", { node, ...common }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.describe(get(a.node), a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("Describe a node (capabilities + supported invoke commands)")
)

const pending = Command.make("pending", common, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.pending(a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("List pending pairing requests")
)

const approve = Command.make("approve", { requestId: Args.text({ name: "requestId" }), ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.approve(a.requestId, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Approve a pending pairing request"))

const reject = Command.make("reject", { requestId: Args.text({ name: "requestId" }), ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.reject(a.requestId, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Reject a pending pairing request"))

const remove = Command.make("remove", { node, ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.remove(get(a.node), a.json, toConnectOptions(a)))).pipe(Command.withDescription("Remove a paired node entry"))

const rename = Command.make("rename", { node, name: Options.text("name").pipe(Options.optional, Options.withDescription("New display name")), ...common }, (a) =>
  Effect.flatMap(Effect.promise(handlers), (m) => m.rename(get(a.node), get(a.name), a.json, toConnectOptions(a)))).pipe(Command.withDescription("Rename a paired node (display name override)"))

const invoke = Command.make("invoke", {
  node,
  command: Options.text("command").pipe(Options.optional, Options.withDescription("Command to invoke (e.g. system.which)")),
  params: Options.text("params").pipe(Options.optional, Options.withDescription("JSON params (default {})")),
  invokeTimeout: Options.integer("invoke-timeout").pipe(Options.optional, Options.withDescription("Node invoke timeout in ms")),
  idempotencyKey: Options.text("idempotency-key").pipe(Options.optional, Options.withDescription("Idempotency key (default: random)")),
  ...common
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.invoke(get(a.node), get(a.command), get(a.params), get(a.invokeTimeout), get(a.idempotencyKey), a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("Invoke a command on a paired node")
)

const notify = Command.make("notify", {
  node,
  title: Options.text("title").pipe(Options.optional, Options.withDescription("Notification title")),
  body: Options.text("body").pipe(Options.optional, Options.withDescription("Notification body")),
  sound: Options.text("sound").pipe(Options.optional, Options.withDescription("Notification sound")),
  priority: Options.choice("priority", ["passive", "active", "timeSensitive"]).pipe(Options.optional, Options.withDescription("Notification priority")),
  delivery: Options.choice("delivery", ["system", "overlay", "auto"]).pipe(Options.withDefault("system" as const), Options.withDescription("Delivery mode")),
  invokeTimeout: Options.text("invoke-timeout").pipe(Options.optional, Options.withDescription("Node invoke timeout in ms (default 15000)")),
  ...common
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.notify(get(a.node), {
  title: get(a.title), body: get(a.body), sound: get(a.sound), priority: get(a.priority), delivery: a.delivery, invokeTimeout: get(a.invokeTimeout)
}, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Send a local notification on a node"))

const locationGet = Command.make("get", {
  node,
  maxAge: Options.text("max-age").pipe(Options.optional, Options.withDescription("Use cached location newer than this (ms)")),
  accuracy: Options.text("accuracy").pipe(Options.optional, Options.withDescription("Desired accuracy: coarse, balanced or precise")),
  locationTimeout: Options.text("location-timeout").pipe(Options.optional, Options.withDescription("Location fix timeout (ms, default 10000)")),
  invokeTimeout: Options.text("invoke-timeout").pipe(Options.optional, Options.withDescription("Node invoke timeout in ms (default 20000)")),
  ...common
}, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.locationGet(get(a.node), {
  maxAge: get(a.maxAge), accuracy: get(a.accuracy), locationTimeout: get(a.locationTimeout), invokeTimeout: get(a.invokeTimeout)
}, a.json, toConnectOptions(a)))).pipe(Command.withDescription("Fetch the current location from a node"))
const location = Command.make("location").pipe(Command.withDescription("Fetch location from a paired node"), Command.withSubcommands([locationGet]))

const cameraList = Command.make("list", { node, ...common }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.cameraList(get(a.node), a.json, toConnectOptions(a)))).pipe(
  Command.withDescription("List available cameras on a node")
)
const camera = Command.make("camera").pipe(Command.withDescription("Capture camera media from a paired node"), Command.withSubcommands([cameraList]))

/** `openclaw nodes`: gateway-owned nodes. */
export const nodesCommand = Command.make("nodes").pipe(
  Command.withDescription("Manage gateway-owned nodes (pairing, status, invoke)"),
  Command.withSubcommands([status, list, describe, pending, approve, reject, remove, rename, invoke, notify, location, camera])
)
