import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Console, Effect, Either } from "effect"
import { addAllowlistEntry, allowlistCount, type ApprovalsFile, type Decision, removeAllowlistPattern } from "../../domain/approvals/document.js"
import { effectivePolicyReport, PRECEDENCE_NOTE } from "../../domain/approvals/report.js"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { resolveNode } from "../../domain/nodes/resolveNode.js"
import { type ApprovalsSnapshot, NodeMethods, type StandingGrant } from "../../domain/protocol/nodeMethods.js"
import { wrapTable } from "../../domain/text/wrapTable.js"
import { shortenHome } from "../../domain/text/shortenHome.js"
import { makeApprovalsFile, parseApprovalsText } from "../../layers/approvals/approvalsFile.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import { CliExit } from "../CliExit.js"
import { table } from "../table.js"
import { stdinText } from "../stdinText.js"

/** Where `approvals get|set|allowlist` act: this machine's document, the gateway's, or a node's. */
export interface Target {
  readonly node: string | undefined
  readonly gateway: boolean
}

const fail = (message: string) => Effect.zipRight(Console.error(message), Effect.fail(new CliExit({ code: 1 })))

/** Reads and writes the chosen target's document; a node is resolved by id, name, IP or prefix. */
const targetStore = (target: Target, options: ConnectOptions) =>
  Effect.gen(function*() {
    if (target.node !== undefined) {
      const client = yield* GatewayClient
      const list = yield* client.call(NodeMethods.nodeList, {}, options)
      const match = resolveNode(target.node, list.nodes)
      if (!match.ok) return yield* fail(match.message)
      const nodeId = match.node.nodeId
      return {
        label: `node ${match.node.displayName ?? nodeId.slice(0, 12)}`,
        name: "node",
        read: client.call(NodeMethods.execApprovalsNodeGet, { nodeId }, options),
        write: (file: ApprovalsFile, baseHash: string) => client.call(NodeMethods.execApprovalsNodeSet, { nodeId, file, baseHash }, options)
      }
    }
    if (target.gateway) {
      const client = yield* GatewayClient
      return {
        label: "gateway",
        name: "gateway",
        read: client.call(NodeMethods.execApprovalsGet, {}, options),
        write: (file: ApprovalsFile, baseHash: string) => client.call(NodeMethods.execApprovalsSet, { file, baseHash }, options)
      }
    }
    const paths = yield* Paths
    const store = makeApprovalsFile(yield* StateFiles, paths.stateDir, shortenHome(`${paths.stateDir}/exec-approvals.json`, paths.home))
    return {
      label: "local",
      name: "local",
      read: store.snapshot.pipe(Effect.mapError((e) => new ConfigValueInvalid({ message: e.message }))),
      write: (file: ApprovalsFile, baseHash: string) => store.write(file, baseHash).pipe(Effect.mapError((e) => new ConfigValueInvalid({ message: e.message })))
    }
  })

// The gateway's config when reachable locally; the defaults otherwise (the report says where values came from).
const localConfig = Effect.flatMap(ConfigStore, (store) => store.load).pipe(Effect.map((loaded) => loaded.config as unknown), Effect.orElseSucceed(() => ({})))

const renderSnapshot = (target: string, snapshot: ApprovalsSnapshot, config: unknown) => {
  const file = snapshot.file
  const agents = Object.keys(file.agents ?? {})
  const defaults = Object.entries(file.defaults ?? {}).map(([k, v]) => `${k}=${String(v)}`)
  const report = effectivePolicyReport(config, file)
  const scope = report.scopes[0]
  const lines: Array<string> = []
  if (target === "local") lines.push("Showing local approvals.", "")
  lines.push("Approvals", wrapTable(["Field", "Value"], [
    ["Target", target],
    ["Path", snapshot.path],
    ["State", snapshot.exists ? "stored" : "defaults (no stored overrides)"],
    ["Hash", snapshot.hash],
    ["Version", String(file.version)],
    ["Socket", file.socket?.path ?? "default"],
    ["Defaults", defaults.length === 0 ? "none" : defaults.join(", ")],
    ["Agents", String(agents.length)],
    ["Allowlist", String(allowlistCount(file))],
    ["MCP tool grants", "0"]
  ], [15, 98]), "")
  const entries = Object.entries(file.agents ?? {}).flatMap(([agent, a]) => (a.allowlist ?? []).map((e) => [agent, e.pattern, e.argPattern ?? "-", e.source ?? "manual", e.lastResolvedPath ?? "-"]))
  lines.push(entries.length === 0 ? "No allowlist entries." : table(["Agent", "Pattern", "Args", "Source", "Last resolved"], entries), "")
  if (scope !== undefined) {
    lines.push("Effective Policy", wrapTable(["Scope", "Requested", "Host", "Effective", "Notes"], [[
      scope.scopeLabel,
      `security=${scope.security.requested} (${scope.security.requestedSource})\\nask=${scope.ask.requested} (${scope.ask.requestedSource})`,
      `security=${scope.security.host} (${scope.security.hostSource})\\nask=${scope.ask.host} (${scope.ask.hostSource})\\naskFallback=${scope.askFallback.effective} (${scope.askFallback.source})`,
      `security=${scope.security.effective}\\nask=${scope.ask.effective}`,
      `${scope.security.note}; ${scope.ask.note}`
    ]], [10, 24, 24, 22, 24]), "")
  }
  lines.push(`Precedence: ${PRECEDENCE_NOTE}`)
  return lines.join("\n")
}

export const get = (target: Target, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const store = yield* targetStore(target, options)
    const snapshot = yield* store.read
    const config = yield* localConfig
    if (json) {
      const { resolvedDefaults: _omit, ...rest } = snapshot
      return yield* Console.log(JSON.stringify({ ...rest, effectivePolicy: effectivePolicyReport(config, snapshot.file) }))
    }
    yield* Console.log(renderSnapshot(store.name, snapshot, config))
  })

const readInput = (file: string | undefined, stdin: boolean) =>
  Effect.gen(function*() {
    if ((file === undefined) === !stdin) return yield* fail("approvals set needs exactly one of --file <path> or --stdin.")
    if (file !== undefined) {
      const fs = yield* FileSystem.FileSystem
      return yield* fs.readFileString(file).pipe(Effect.catchAll((e) => fail(`Could not read ${file}: ${e.message}`)))
    }
    return yield* stdinText(MAX_APPROVALS_STDIN_BYTES, `stdin is larger than ${MAX_APPROVALS_STDIN_BYTES} bytes`).pipe(Effect.catchAll((message) => fail(`Could not read stdin: ${message}`)))
  })

// An approvals document is a few KiB; a runaway pipe is refused rather than buffered.
const MAX_APPROVALS_STDIN_BYTES = 4 * 1024 * 1024

export const set = (target: Target, file: string | undefined, stdin: boolean, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const text = yield* readInput(file, stdin)
    const parsed = parseApprovalsText(text)
    if (Either.isLeft(parsed)) return yield* fail(`Invalid exec approvals: ${parsed.left}\nExample: { version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "deny" } }`)
    const store = yield* targetStore(target, options)
    const current = yield* store.read
    const written = yield* store.write(parsed.right, current.hash)
    yield* Console.log(json ? JSON.stringify(written) : `Exec approvals updated (${store.label}). Hash: ${written.hash}\nCheck with: openclaw approvals get${target.node === undefined ? (target.gateway ? " --gateway" : "") : ` --node ${target.node}`}`)
  })

export const allowlist = (action: "add" | "remove", target: Target, pattern: string, agent: string, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    if (pattern.trim() === "") return yield* fail("approvals allowlist needs a non-empty <pattern>.")
    const store = yield* targetStore(target, options)
    const current = yield* store.read
    let next = current.file
    if (action === "add") next = addAllowlistEntry(current.file, agent, { pattern: pattern.trim() })
    else {
      const result = removeAllowlistPattern(current.file, agent, pattern.trim())
      if (result.removed === 0) return yield* fail(`No allowlist entry ${pattern} for agent ${agent}. See: openclaw approvals get`)
      next = result.file
    }
    if (next === current.file) return yield* Console.log(`Allowlist already has ${pattern} for agent ${agent}. No change.`)
    const written = yield* store.write(next, current.hash)
    yield* Console.log(json ? JSON.stringify(written) : `${action === "add" ? "Added" : "Removed"} ${pattern} ${action === "add" ? "to" : "from"} the allowlist of agent ${agent} (${store.label}).`)
  })

export const pending = (json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* client.call(NodeMethods.execApprovalList, {}, options)
    if (json) return yield* Console.log(JSON.stringify(result, null, 2))
    if (result.approvals.length === 0) return yield* Console.log("No pending approvals.")
    const now = yield* Clock.currentTimeMillis
    const s = (ms: number) => `${Math.max(0, Math.round(ms / 1000))}s`
    yield* Console.log([
      table(["ID", "Kind", "Host", "Agent", "Age", "Expires in", "Command"], result.approvals.map((a) => [
        a.id, a.kind, a.request.nodeId === undefined ? a.request.host : `node ${a.request.nodeId.slice(0, 12)}`, a.request.agentId ?? "-", s(now - a.createdAtMs), s(a.expiresAtMs - now), a.summary.length > 60 ? `${a.summary.slice(0, 57)}...` : a.summary
      ])),
      "",
      "Full request text:",
      ...result.approvals.map((a) => `${a.id}: ${JSON.stringify(a.summary)}`),
      "",
      "Resolve with: openclaw approvals resolve <id> allow-once|allow-always|deny"
    ].join("\n"))
  })

export interface ResolveFlags {
  readonly json: boolean
  /** `--reason`: kept in the CLI's answer (the gateway records only the decision). */
  readonly reason: string | undefined
  readonly expiresInDays: string | undefined
}

export const resolve = (id: string, decision: string, flags: ResolveFlags, options: ConnectOptions) =>
  Effect.gen(function*() {
    if (decision !== "allow-once" && decision !== "allow-always" && decision !== "deny") {
      return yield* fail(`Unknown decision: ${decision} (use allow-once, allow-always or deny).`)
    }
    if (flags.expiresInDays !== undefined) {
      const days = /^\d+$/.test(flags.expiresInDays.trim()) ? Number(flags.expiresInDays.trim()) : Number.NaN
      if (!(days >= 1 && days <= 3650)) return yield* fail("--expires-in-days must be a whole number of days between 1 and 3650.")
      if (decision !== "allow-always") return yield* fail("--expires-in-days only applies to allow-always.")
      // Exec allow-always entries are argv-bound allowlist entries without an expiry here: refuse rather than pretend.
      return yield* fail("--expires-in-days is not supported by this version: allow-always entries do not expire; remove one later with `openclaw approvals allowlist remove <pattern>`.")
    }
    const client = yield* GatewayClient
    const result = yield* client.call(NodeMethods.execApprovalResolve, { id, decision: decision as Decision }, options)
    const reason = flags.reason?.trim() === "" ? undefined : flags.reason?.trim()
    if (flags.json) {
      return yield* Console.log(JSON.stringify({ ...result, alreadyResolved: result.alreadyResolved === true, ...(reason === undefined ? {} : { cliReason: reason }) }, null, 2))
    }
    const suffix = reason === undefined ? "" : `; CLI reason: ${reason}`
    yield* Console.log(result.alreadyResolved === true ? `${id}: already resolved (same decision)${suffix}` : `Resolved ${id}: ${decision}${suffix}`)
  })

const grantState = (grant: StandingGrant, now: number) =>
  grant.revokedAtMs !== null
    ? `revoked${grant.revokedBy === null ? "" : ` by ${grant.revokedBy}`}`
    : grant.expiresAtMs !== null && grant.expiresAtMs <= now
    ? "expired"
    : grant.expiresAtMs !== null
    ? `expires in ${Math.max(1, Math.ceil((grant.expiresAtMs - now) / 86_400_000))}d`
    : "until revoked"

/** `approvals grants list [--limit n] [--json]`: standing grants, newest first, as the original prints them. */
export const grantsList = (limit: string | undefined, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const parsed = limit === undefined ? undefined : /^\d+$/.test(limit.trim()) && Number(limit) > 0 ? Number(limit) : Number.NaN
    if (Number.isNaN(parsed)) return yield* fail("--limit must be a positive integer.")
    const client = yield* GatewayClient
    const result = yield* client.call(NodeMethods.execApprovalGrantsList, parsed === undefined ? {} : { limit: parsed }, options)
    if (json) return yield* Console.log(JSON.stringify(result, null, 2))
    if (result.grants.length === 0) return yield* Console.log("No standing grants.")
    const now = yield* Clock.currentTimeMillis
    yield* Console.log([
      `Standing grants (${result.grants.length})`,
      table(["ID", "Automation", "Command", "Uses", "State"], result.grants.map((g) => [g.grantId, g.cronJobName ?? g.cronJobId, g.command, String(g.useCount), grantState(g, now)])),
      "Revoke with: openclaw approvals grants revoke <grant-id>"
    ].join("\n"))
  })

/** `approvals grants revoke <grantId> [--json]`. */
export const grantsRevoke = (grantId: string, json: boolean, options: ConnectOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* client.call(NodeMethods.execApprovalGrantsRevoke, { grantId }, options)
    if (json) return yield* Console.log(JSON.stringify(result, null, 2))
    if (result.outcome === "revoked") return yield* Console.log(`Grant ${grantId} revoked. The next occurrence prompts again.`)
    if (result.outcome === "already-revoked") return yield* Console.log(`Grant ${grantId} was already revoked.`)
    return yield* fail(`Grant ${grantId} not found.`)
  })
