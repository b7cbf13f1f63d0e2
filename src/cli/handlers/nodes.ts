import { Clock, Console, Effect } from "effect"
import { randomUUID } from "node:crypto"
import { shellCommand } from "../../domain/nodes/commandPolicy.js"
import { resolveNode } from "../../domain/nodes/resolveNode.js"
import { type NodeEntry, NodeMethods } from "../../domain/protocol/nodeMethods.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { table } from "../table.js"

const print = (json: boolean, payload: unknown, human: string) => Console.log(json ? JSON.stringify(payload, null, 2) : human)
const age = (now: number, ts: number | undefined) => {
  if (ts === undefined) return "-"
  const s = Math.max(0, Math.round((now - ts) / 1000))
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : s < 86_400 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86_400)}d ago`
}
const nameOf = (n: NodeEntry) => n.displayName ?? n.nodeId.slice(0, 12)

/** A failure the original reports as `nodes <cmd> failed: <reason>` (or a JSON error with --json), exit 1. */
const failWith = (command: string, json: boolean, message: string) =>
  Effect.gen(function*() {
    if (json) {
      yield* Console.log(JSON.stringify({ ok: false, error: { type: "cli_error", message } }, null, 2))
      yield* Console.error(["[openclaw] The CLI command failed.", `[openclaw] Reason: ${message}`, "[openclaw] Debug: set OPENCLAW_DEBUG=1 to include the stack trace.", "[openclaw] Try: openclaw doctor", "[openclaw] Help: openclaw --help"].join("\n"))
    } else yield* Console.error(`nodes ${command} failed: ${message}`)
    return yield* new CliExit({ code: 1 })
  })

/** `--node` is required; the original says so with its own words and exit 1. */
const requireNode = (command: string, node: string | undefined) =>
  node === undefined || node.trim() === ""
    ? Effect.zipRight(Console.error(`Missing required option "--node <idOrNameOrIp>".\nTry: openclaw nodes ${command} --help`), Effect.fail(new CliExit({ code: 1 })))
    : Effect.succeed(node)

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const parseDuration = (text: string): number | undefined => {
  const m = DURATION.exec(text.trim())
  return m === null ? undefined : Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0)
}

/** Resolves `--node <idOrNameOrIp>` against node.list. */
export const findNode = (client: GatewayClient["Type"], query: string, options: ConnectOptions) =>
  Effect.map(client.call(NodeMethods.nodeList, {}, options), (list) => resolveNode(query, list.nodes))

export const status = (json: boolean, connectedOnly: boolean, lastConnected: string | undefined, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* client.call(NodeMethods.nodeList, {}, options)
    const now = yield* Clock.currentTimeMillis
    const window = lastConnected === undefined ? undefined : parseDuration(lastConnected)
    if (lastConnected !== undefined && window === undefined) return yield* failWith("status", json, `invalid --last-connected: ${lastConnected} (use e.g. 30m, 24h, 7d)`)
    const nodes = result.nodes.filter((n) =>
      (!connectedOnly || n.connected) &&
      (window === undefined || n.connected || (n.lastConnectedAtMs !== undefined && now - n.lastConnectedAtMs <= window)))
    if (json) return yield* print(true, { ts: result.ts, nodes }, "")
    const lines = [`Known: ${nodes.length} · Paired: ${nodes.filter((n) => n.paired).length} · Connected: ${nodes.filter((n) => n.connected).length}`]
    if (nodes.length > 0) {
      lines.push("", table(["Node", "ID", "IP", "Platform", "Status", "Commands", "Pending"], nodes.map((n) => [
        nameOf(n), n.nodeId.slice(0, 12), n.remoteIp ?? "-", n.platform ?? "-",
        n.connected ? `connected ${age(now, n.connectedAtMs)}` : n.paired ? `offline (last ${age(now, n.lastConnectedAtMs)})` : "unpaired",
        n.commands.join(",") || "-", (n.pendingCommands ?? []).join(",") || "-"
      ])))
      if (nodes.some((n) => (n.pendingCommands ?? []).length > 0)) lines.push("", "Commands wait for approval: openclaw nodes pending, then openclaw nodes approve <requestId>")
    }
    yield* Console.log(lines.join("\n"))
  })

export const list = (json: boolean, connectedOnly: boolean, lastConnected: string | undefined, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const listed = yield* client.call(NodeMethods.nodePairList, {}, options)
    const now = yield* Clock.currentTimeMillis
    const window = lastConnected === undefined ? undefined : parseDuration(lastConnected)
    if (lastConnected !== undefined && window === undefined) return yield* failWith("list", json, `invalid --last-connected: ${lastConnected} (use e.g. 30m, 24h, 7d)`)
    // The filters apply to paired nodes, judged by their live connection (node.list); pending requests stay listed.
    const live = connectedOnly || window !== undefined ? new Set((yield* client.call(NodeMethods.nodeList, {}, options)).nodes.filter((n) => n.connected).map((n) => n.nodeId)) : undefined
    const result = live === undefined ? listed : {
      ...listed,
      paired: listed.paired.filter((p) =>
        (!connectedOnly || live.has(p.nodeId)) &&
        (window === undefined || live.has(p.nodeId) || (p.lastConnectedAtMs !== undefined && now - p.lastConnectedAtMs <= window)))
    }
    if (json) return yield* print(true, result, "")
    const lines = [`Pending: ${result.pending.length} · Paired: ${result.paired.length}`]
    if (result.pending.length > 0) {
      lines.push("", "Pending", table(["Request", "Node", "Name", "IP", "Commands", "Age"], result.pending.map((p) => [p.requestId, p.nodeId.slice(0, 12), p.displayName ?? "-", p.remoteIp ?? "-", p.commands.join(",") || "-", age(now, p.ts)])))
    }
    if (result.paired.length > 0) {
      lines.push("", "Paired", table(["Node", "Name", "IP", "Approved commands", "Last connected"], result.paired.map((p) => [p.nodeId.slice(0, 12), p.displayName ?? "-", p.remoteIp ?? "-", p.approvedCommands.join(",") || "-", age(now, p.lastConnectedAtMs)])))
    }
    yield* Console.log(lines.join("\n"))
  })

export const pending = (json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* client.call(NodeMethods.nodePairList, {}, options)
    if (json) return yield* print(true, { pending: result.pending }, "")
    const now = yield* Clock.currentTimeMillis
    if (result.pending.length === 0) return yield* Console.log("No pending node pairing requests.")
    yield* Console.log([
      table(["Request", "Node", "Name", "IP", "Commands", "Age"], result.pending.map((p) => [p.requestId, p.nodeId.slice(0, 12), p.displayName ?? "-", p.remoteIp ?? "-", p.commands.join(",") || "-", age(now, p.ts)])),
      "",
      "Approve with: openclaw nodes approve <requestId>"
    ].join("\n"))
  })

export const approve = (requestId: string, json: boolean, options: ConnectOptions) =>
  Effect.flatMap(GatewayClient, (client) =>
    Effect.flatMap(client.call(NodeMethods.nodePairApprove, { requestId }, options), (r) =>
      print(json, r, `Approved node ${r.node.displayName ?? r.node.nodeId.slice(0, 12)}: ${r.node.approvedCommands.join(", ") || "no commands"}.`)))

export const reject = (requestId: string, json: boolean, options: ConnectOptions) =>
  Effect.flatMap(GatewayClient, (client) =>
    Effect.flatMap(client.call(NodeMethods.nodePairReject, { requestId }, options), (r) => print(json, r, `Rejected request ${r.requestId} (node ${r.nodeId.slice(0, 12)}).`)))

const withNode = <A, E, R>(command: string, node: string | undefined, json: boolean, options: ConnectOptions, f: (client: GatewayClient["Type"], found: NodeEntry) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const query = yield* requireNode(command, node)
    const client = yield* GatewayClient
    const match = yield* findNode(client, query, options)
    if (!match.ok) return yield* failWith(command, json, match.message)
    return yield* f(client, match.node)
  })

export const describe = (node: string | undefined, json: boolean, options: ConnectOptions) =>
  withNode("describe", node, json, options, (client, found) =>
    Effect.gen(function*() {
      const d = yield* client.call(NodeMethods.nodeDescribe, { nodeId: found.nodeId }, options)
      if (json) return yield* print(true, d, "")
      const now = yield* Clock.currentTimeMillis
      const permissions = Object.entries(d.permissions)
      yield* Console.log([
        `Node: ${d.displayName ?? "-"} (${d.nodeId})`,
        `Platform: ${d.platform ?? "-"}${d.version === undefined ? "" : ` · version ${d.version}`}`,
        `IP: ${d.remoteIp ?? "-"}`,
        `Status: ${d.connected ? `connected (${age(now, d.connectedAtMs)})` : "offline"} · ${d.paired ? "paired" : "not paired"}`,
        `Caps: ${d.caps.join(", ") || "none"}`,
        `Permissions: ${permissions.length === 0 ? "none" : permissions.map(([k, v]) => `${k}=${v ? "granted" : "denied"}`).join(", ")}`,
        `Commands (effective): ${d.commands.join(", ") || "none"}`,
        `Commands (pending approval): ${(d.pendingCommands ?? []).join(", ") || "none"}`,
        ...((d.pendingCommands ?? []).length > 0 ? ["Approve them: openclaw nodes pending, then openclaw nodes approve <requestId>"] : [])
      ].join("\n"))
    }))

export const remove = (node: string | undefined, json: boolean, options: ConnectOptions) =>
  withNode("remove", node, json, options, (client, found) =>
    Effect.flatMap(client.call(NodeMethods.nodePairRemove, { nodeId: found.nodeId }, options), (r) => print(json, r, `Removed node ${r.nodeId.slice(0, 12)}; its commands need a new approval.`)))

export const rename = (node: string | undefined, name: string | undefined, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const displayName = name?.trim() ?? ""
    if (displayName === "") return yield* failWith("rename", json, "missing --name <displayName>")
    return yield* withNode("rename", node, json, options, (client, found) =>
      Effect.flatMap(client.call(NodeMethods.nodeRename, { nodeId: found.nodeId, displayName }, options), (r) => print(json, r, `Renamed ${r.nodeId.slice(0, 12)} to ${r.displayName}.`)))
  })

export const invoke = (node: string | undefined, command: string | undefined, params: string | undefined, invokeTimeoutMs: number | undefined, idempotencyKey: string | undefined, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    if (command === undefined || command.trim() === "") {
      yield* Console.error(`Missing required option "--command <command>".\nTry: openclaw nodes invoke --help`)
      return yield* new CliExit({ code: 1 })
    }
    if (shellCommand(command)) return yield* failWith("invoke", json, `${command} is not invokable via nodes invoke; shell runs through the exec tool with host=node`)
    let parsed: unknown = {}
    if (params !== undefined) {
      try {
        parsed = JSON.parse(params)
      } catch {
        return yield* failWith("invoke", json, "--params must be JSON (e.g. '{\"bins\":[\"uname\"]}')")
      }
    }
    return yield* withNode("invoke", node, json, options, (client, found) =>
      Effect.flatMap(
        client.call(NodeMethods.nodeInvoke, { nodeId: found.nodeId, command, params: parsed, idempotencyKey: idempotencyKey ?? randomUUID(), ...(invokeTimeoutMs === undefined ? {} : { timeoutMs: invokeTimeoutMs }) }, { ...options, timeoutMs: Math.max(options.timeoutMs ?? 10_000, (invokeTimeoutMs ?? 30_000) + 5000) }),
        (r) => print(true, json ? r : r.payload ?? (r.payloadJSON == null ? null : JSON.parse(r.payloadJSON)), "")))
  })

/**
 * One node command on behalf of a `nodes <group> <action>` convenience (notify, location, camera list):
 * resolves `--node`, invokes, and reports a refusal the way the original does (`nodes <label> failed: ...`).
 */
const invokeAs = <A>(
  label: string,
  node: string | undefined,
  command: string,
  params: Record<string, unknown>,
  invokeTimeoutMs: number,
  json: boolean,
  options: ConnectOptions,
  render: (result: { readonly payload: unknown; readonly raw: unknown }) => Effect.Effect<A>
) =>
  withNode(label, node, json, options, (client, found) =>
    client.call(
      NodeMethods.nodeInvoke,
      { nodeId: found.nodeId, command, params, idempotencyKey: randomUUID(), timeoutMs: invokeTimeoutMs },
      { ...options, timeoutMs: Math.max(options.timeoutMs ?? 10_000, invokeTimeoutMs + 5000) }
    ).pipe(
      // A node without the command, a denial or a timeout: the gateway's message, as the original prints it.
      Effect.catchAll((error) => failWith(label, json, error.message)),
      Effect.flatMap((raw) => render({ raw, payload: raw.payload ?? (raw.payloadJSON == null ? undefined : JSON.parse(raw.payloadJSON)) }))
    ))

const positiveMs = (label: string, flag: string, json: boolean, value: string | undefined, fallback: number) => {
  if (value === undefined) return Effect.succeed(fallback)
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  return n > 0 ? Effect.succeed(n) : failWith(label, json, `invalid ${flag}: ${value} (expected a positive integer)`)
}

export interface NotifyFlags {
  readonly title: string | undefined
  readonly body: string | undefined
  readonly sound: string | undefined
  readonly priority: string | undefined
  readonly delivery: string
  readonly invokeTimeout: string | undefined
}

/** `nodes notify --node n --title t --body b`: `system.notify` on the node. */
export const notify = (node: string | undefined, flags: NotifyFlags, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const title = flags.title?.trim() ?? ""
    const body = flags.body?.trim() ?? ""
    if (title === "" && body === "") return yield* failWith("notify", json, "missing --title or --body")
    const timeoutMs = yield* positiveMs("notify", "--invoke-timeout", json, flags.invokeTimeout, 15_000)
    const params = { title, body, ...(flags.sound === undefined ? {} : { sound: flags.sound }), ...(flags.priority === undefined ? {} : { priority: flags.priority }), delivery: flags.delivery }
    return yield* invokeAs("notify", node, "system.notify", params, timeoutMs, json, options, ({ raw }) => print(json, raw, "notify ok"))
  })

export interface LocationFlags {
  readonly maxAge: string | undefined
  readonly accuracy: string | undefined
  readonly locationTimeout: string | undefined
  readonly invokeTimeout: string | undefined
}

/** `nodes location get --node n`: `location.get`; prints `lat,lon ±acc m` (or the payload). */
export const locationGet = (node: string | undefined, flags: LocationFlags, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const accuracy = flags.accuracy?.trim().toLowerCase()
    if (accuracy !== undefined && accuracy !== "coarse" && accuracy !== "balanced" && accuracy !== "precise") {
      return yield* failWith("location get", json, "invalid --accuracy (use coarse|balanced|precise)")
    }
    const maxAge = flags.maxAge === undefined ? undefined : /^\d+$/.test(flags.maxAge.trim()) ? Number(flags.maxAge.trim()) : Number.NaN
    if (Number.isNaN(maxAge)) return yield* failWith("location get", json, `invalid --max-age: ${flags.maxAge} (expected a non-negative integer)`)
    const fixTimeout = yield* positiveMs("location get", "--location-timeout", json, flags.locationTimeout, 10_000)
    const timeoutMs = yield* positiveMs("location get", "--invoke-timeout", json, flags.invokeTimeout, 20_000)
    const params = { ...(maxAge === undefined ? {} : { maxAgeMs: maxAge }), ...(accuracy === undefined ? {} : { desiredAccuracy: accuracy }), timeoutMs: fixTimeout }
    return yield* invokeAs("location get", node, "location.get", params, timeoutMs, json, options, ({ payload }) => {
      const p = (payload ?? {}) as { lat?: unknown; lon?: unknown; accuracyMeters?: unknown }
      if (json || typeof p.lat !== "number" || typeof p.lon !== "number") return print(true, payload ?? {}, "")
      return Console.log(`${p.lat},${p.lon}${typeof p.accuracyMeters === "number" ? ` ±${p.accuracyMeters.toFixed(1)}m` : ""}`)
    })
  })

/** `nodes camera list --node n`: the node's cameras (`camera.list`). */
export const cameraList = (node: string | undefined, json: boolean, options: ConnectOptions) =>
  invokeAs("camera list", node, "camera.list", {}, 20_000, json, options, ({ payload }) => {
    const raw = (payload as { devices?: unknown } | undefined)?.devices
    const devices = (Array.isArray(raw) ? raw : []).filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null && !Array.isArray(d))
    if (json) return print(true, devices, "")
    if (devices.length === 0) return Console.log("No cameras reported.")
    return Console.log(table(["ID", "Name", "Position"], devices.map((d) => [String(d["id"] ?? "-"), String(d["name"] ?? "-"), String(d["position"] ?? "-")])))
  })
