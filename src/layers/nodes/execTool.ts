import { Effect, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { requestedPolicy } from "../../domain/approvals/policy.js"
import { defineTool, ToolFailed } from "../../domain/agent/tools.js"
import { resolveNode } from "../../domain/nodes/resolveNode.js"
import type { NodeHub } from "../../services/NodeHub.js"

const ExecParams = Schema.Struct({
  command: Schema.String.pipe(Schema.minLength(1)).annotations({ description: "Shell command to run (sh -lc on the host)" }),
  host: Schema.optionalWith(Schema.Literal("auto", "node", "gateway", "sandbox"), { exact: true }).annotations({ description: "Where to run: node (a paired node host)" }),
  node: Schema.optionalWith(Schema.String, { exact: true }).annotations({ description: "Node id, name or IP (host=node)" }),
  workdir: Schema.optionalWith(Schema.String, { exact: true }),
  env: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { exact: true }),
  timeout: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { exact: true }).annotations({ description: "Seconds" })
})

interface RunPayload {
  readonly exitCode?: number | null
  readonly stdout?: string
  readonly stderr?: string
  readonly timedOut?: boolean
}

const DEFAULT_TIMEOUT_S = 120

/**
 * `exec` with `host=node`: the command goes to a paired node's `system.run`, whose host approvals (the
 * stricter of them and `tools.exec` here) decide; denials come back with the node's code verbatim.
 */
export const makeExecTool = (hub: Effect.Effect<NodeHub["Type"]>) =>
  defineTool({
    name: "exec",
    description: "Run a shell command on a paired node host (host=node). Output is stdout, stderr and the exit code.",
    parameters: ExecParams,
    mutating: true,
    execute: (args, context) =>
      Effect.gen(function*() {
        const nodes = yield* hub
        const config = yield* nodes.config
        const execConfig = (config as { tools?: { exec?: { host?: unknown; node?: unknown } } } | undefined)?.tools?.exec
        const host = args.host ?? (typeof execConfig?.host === "string" ? execConfig.host : "auto")
        if (host !== "node" && host !== "auto") {
          return yield* new ToolFailed({ message: `exec host=${host} is not available in this version; use host=node with a paired node (openclaw nodes status)` })
        }
        const all = (yield* nodes.nodes).filter((n) => n.connected && n.commands.includes("system.run"))
        const wanted = args.node ?? (typeof execConfig?.node === "string" ? execConfig.node : undefined)
        let target: string
        if (wanted !== undefined) {
          const match = resolveNode(wanted, yield* nodes.nodes)
          if (!match.ok) return yield* new ToolFailed({ message: match.message })
          target = match.node.nodeId
        } else if (all.length === 1) target = (all[0] as { nodeId: string }).nodeId
        else {
          return yield* new ToolFailed({
            message: all.length === 0
              ? "no connected node offers system.run; pair one (openclaw node run, then openclaw nodes approve <requestId>)"
              : `several nodes offer system.run (${all.map((n) => n.displayName ?? n.nodeId).join(", ")}); pass node=<id|name>`
          })
        }
        const requested = requestedPolicy(config)
        const timeoutS = args.timeout ?? DEFAULT_TIMEOUT_S
        const result = yield* nodes.invoke({
          nodeId: target,
          command: "system.run",
          params: {
            command: ["/bin/sh", "-lc", args.command],
            rawCommand: args.command,
            ...(args.workdir === undefined ? {} : { cwd: args.workdir }),
            ...(args.env === undefined ? {} : { env: args.env }),
            timeoutMs: timeoutS * 1000,
            agentId: "main",
            sessionKey: context.sessionKey,
            security: requested.security,
            ask: requested.ask,
            strictInlineEval: requested.strictInlineEval
          },
          // The run may wait for an operator's approval: the invoke outlives the command's own timeout.
          timeoutMs: Math.min(600_000, timeoutS * 1000 + 180_000),
          idempotencyKey: `${context.runId}:${randomUUID()}`
        }).pipe(Effect.mapError((error) => new ToolFailed({ message: error.message })))
        const payload = (result.payload ?? (result.payloadJSON == null ? {} : JSON.parse(result.payloadJSON))) as RunPayload
        const parts = [
          payload.stdout !== undefined && payload.stdout.length > 0 ? payload.stdout.trimEnd() : undefined,
          payload.stderr !== undefined && payload.stderr.length > 0 ? `stderr:\n${payload.stderr.trimEnd()}` : undefined,
          payload.timedOut === true ? "(timed out)" : `exit code: ${payload.exitCode ?? "none"}`
        ].filter((p): p is string => p !== undefined)
        return parts.join("\n")
      })
  })
