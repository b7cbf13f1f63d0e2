import { Clock, Effect, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { existsSync } from "node:fs"
import { requestedPolicy } from "../../domain/approvals/policy.js"
import { defineTool, ToolFailed } from "../../domain/agent/tools.js"
import { type ExecTarget, resolveExecTarget, sandboxRequired } from "../../domain/nodes/execTarget.js"
import { resolveNode } from "../../domain/nodes/resolveNode.js"
import type { NodeHub } from "../../services/NodeHub.js"
import type { ApprovalsFileStore } from "../approvals/approvalsFile.js"
import { systemRun } from "./host/systemRun.js"

const ExecParams = Schema.Struct({
  command: Schema.String.pipe(Schema.minLength(1)).annotations({ description: "Shell command to run (sh -lc on the host)" }),
  host: Schema.optionalWith(Schema.Literal("auto", "node", "gateway", "sandbox"), { exact: true }).annotations({
    description: "Where to run: gateway (this gateway's machine), node (a paired node host) or auto (tools.exec.host, else the gateway)"
  }),
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
const EXEC_TARGETS: ReadonlyArray<string> = ["auto", "sandbox", "gateway", "node"]

/** The gateway machine as an exec host: its own approvals document, home and default working directory. */
export interface GatewayExecHost {
  readonly approvals: ApprovalsFileStore
  readonly home: string
}

const render = (payload: RunPayload) =>
  [
    payload.stdout !== undefined && payload.stdout.length > 0 ? payload.stdout.trimEnd() : undefined,
    payload.stderr !== undefined && payload.stderr.length > 0 ? `stderr:\n${payload.stderr.trimEnd()}` : undefined,
    payload.timedOut === true ? "(timed out)" : `exit code: ${payload.exitCode ?? "none"}`
  ].filter((p): p is string => p !== undefined).join("\n")

/**
 * The run as a cron script reads it (`(await exec({ command })).aggregated`): stdout then stderr, with the
 * original's note on a non-zero exit.
 */
const detailsOf = (payload: RunPayload) => {
  const aggregated = [payload.stdout ?? "", payload.stderr ?? ""].filter((part) => part.trim() !== "").map((part) => part.trimEnd()).join("\n")
  const exitCode = payload.exitCode ?? null
  return {
    status: payload.timedOut === true ? "failed" as const : "completed" as const,
    exitCode,
    timedOut: payload.timedOut === true,
    aggregated: exitCode !== null && exitCode !== 0 ? `${aggregated}\n\n(Command exited with code ${exitCode})` : aggregated
  }
}

const result = (payload: RunPayload) => ({ text: render(payload), details: detailsOf(payload) })

/**
 * The agent's `exec`: `host=gateway` runs a child process on the gateway's machine under the gateway's
 * approvals document; `host=node` goes to a paired node's `system.run` under the node's. Either way the
 * stricter of the host document and `tools.exec` decides, with the same matcher and operator prompts.
 */
export const makeExecTool = (hub: Effect.Effect<NodeHub["Type"]>, gateway: GatewayExecHost) =>
  defineTool({
    name: "exec",
    description: "Run a shell command on the gateway's machine (host=gateway) or a paired node host (host=node). Output is stdout, stderr and the exit code.",
    parameters: ExecParams,
    mutating: true,
    execute: (args, context) =>
      Effect.gen(function*() {
        const nodes = yield* hub
        const config = yield* nodes.config
        const execConfig = (config as { tools?: { exec?: { host?: unknown; node?: unknown; timeoutSeconds?: unknown } } } | undefined)?.tools?.exec
        const configured = typeof execConfig?.host === "string" && EXEC_TARGETS.includes(execConfig.host) ? execConfig.host as ExecTarget : "auto"
        const target = resolveExecTarget({ configured, requested: args.host, sandboxRequired: sandboxRequired(config, context.sessionKey) })
        if (!target.ok) return yield* new ToolFailed({ message: target.message })
        const requested = requestedPolicy(config)
        const configuredTimeout = typeof execConfig?.timeoutSeconds === "number" && execConfig.timeoutSeconds > 0 ? execConfig.timeoutSeconds : undefined
        const timeoutS = args.timeout ?? configuredTimeout ?? DEFAULT_TIMEOUT_S
        const run = {
          command: ["/bin/sh", "-lc", args.command],
          rawCommand: args.command,
          ...(args.env === undefined ? {} : { env: args.env }),
          timeoutMs: timeoutS * 1000,
          agentId: "main",
          sessionKey: context.sessionKey,
          security: requested.security,
          ask: requested.ask,
          strictInlineEval: requested.strictInlineEval
        }

        if (target.host === "gateway") {
          const cwd = args.workdir ?? workspaceOf(config) ?? gateway.home
          const outcome = yield* systemRun({ ...run, cwd }, {
            approvals: gateway.approvals,
            home: gateway.home,
            cwd,
            now: Clock.currentTimeMillis,
            ask: (plan, params) =>
              Effect.map(
                nodes.requestApproval({
                  plan,
                  host: "gateway",
                  agentId: params.agentId ?? "main",
                  sessionKey: context.sessionKey,
                  ...(params.security === undefined ? {} : { security: params.security }),
                  ...(params.ask === undefined ? {} : { ask: params.ask })
                }),
                (answer) => answer.decision
              )
          }).pipe(Effect.mapError((error) =>
            new ToolFailed({ message: error.message === "security=deny" ? "exec denied: host=gateway security=deny" : `${error.code}: ${error.message}` })))
          return result(outcome)
        }

        const all = (yield* nodes.nodes).filter((n) => n.connected && n.commands.includes("system.run"))
        const wanted = args.node ?? (typeof execConfig?.node === "string" ? execConfig.node : undefined)
        let nodeId: string
        if (wanted !== undefined) {
          const match = resolveNode(wanted, yield* nodes.nodes)
          if (!match.ok) return yield* new ToolFailed({ message: match.message })
          nodeId = match.node.nodeId
        } else if (all.length === 1) nodeId = (all[0] as { nodeId: string }).nodeId
        else {
          return yield* new ToolFailed({
            message: all.length === 0
              ? "no connected node offers system.run; pair one (openclaw node run, then openclaw nodes approve <requestId>)"
              : `several nodes offer system.run (${all.map((n) => n.displayName ?? n.nodeId).join(", ")}); pass node=<id|name>`
          })
        }
        const invoked = yield* nodes.invoke({
          nodeId,
          command: "system.run",
          params: { ...run, ...(args.workdir === undefined ? {} : { cwd: args.workdir }) },
          // The run may wait for an operator's approval: the invoke outlives the command's own timeout.
          timeoutMs: Math.min(600_000, timeoutS * 1000 + 180_000),
          idempotencyKey: `${context.runId}:${randomUUID()}`
        }).pipe(Effect.mapError((error) => new ToolFailed({ message: error.message })))
        return result((invoked.payload ?? (invoked.payloadJSON == null ? {} : JSON.parse(invoked.payloadJSON))) as RunPayload)
      })
  })

/** `agents.defaults.workspace` when it names an existing directory (the original runs gateway execs there). */
const workspaceOf = (config: unknown): string | undefined => {
  const workspace = (config as { agents?: { defaults?: { workspace?: unknown } } } | undefined)?.agents?.defaults?.workspace
  return typeof workspace === "string" && workspace.trim() !== "" && existsSync(workspace) ? workspace : undefined
}
