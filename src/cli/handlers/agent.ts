import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Either, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { AgentInputInvalid, AgentRunFailed } from "../../domain/agent/errors.js"
import type { AgentRunEvent } from "../../domain/agent/events.js"
import { canonicalSessionKey, mainSessionKey } from "../../domain/agent/sessionKey.js"
import { ThinkingLevel } from "../../domain/models/messages.js"
import { AgentResult } from "../../domain/protocol/agentMethods.js"
import { GatewayConnectFailed, type GatewayRpcError } from "../../domain/protocol/clientErrors.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { agentResultPayload } from "../../layers/agent/agentResult.js"
import { AgentRunner } from "../../services/AgentRunner.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { gatewayConnectionLines } from "../gatewayConnection.js"

/** Flags of `openclaw agent`. */
export interface AgentCliOptions {
  readonly message: string | undefined
  readonly messageFile: string | undefined
  readonly to: string | undefined
  readonly sessionKey: string | undefined
  readonly sessionId: string | undefined
  readonly agent: string | undefined
  readonly model: string | undefined
  readonly thinking: ThinkingLevel | undefined
  readonly timeoutSeconds: number | undefined
  readonly local: boolean
  readonly deliver: boolean
  /** Delivery channel (also the turn's channel), `last` for the session's last one. */
  readonly channel: string | undefined
  readonly replyTo: string | undefined
  readonly replyChannel: string | undefined
  readonly replyAccount: string | undefined
  readonly json: boolean
  /** `--verbose on|full|off` (and the original's spellings of each). */
  readonly verbose?: string | undefined
  readonly connection: ConnectOptions
}

/** The original's `--verbose` levels and their spellings; `undefined` when the text is none of them. */
export const verboseLevelOf = (raw: string): "on" | "full" | "off" | undefined => {
  const key = raw.trim().toLowerCase()
  if (["off", "false", "no", "0"].includes(key)) return "off"
  if (["full", "all", "everything"].includes(key)) return "full"
  if (["on", "minimal", "true", "yes", "1"].includes(key)) return "on"
  return undefined
}

/** `--verbose`: a local run's tool calls on stderr, with their results at `full`. */
const verboseEvents = (level: "on" | "full") => (event: AgentRunEvent) =>
  event.stream !== "tool"
    ? Effect.void
    : event.phase === "start"
    ? Console.error(`[tool] ${event.name} ${JSON.stringify(event.args)}`)
    : Console.error(`[tool] ${event.name} ${event.isError ? "failed" : "done"}${level === "full" ? `: ${event.result}` : ""}`)

const DEFAULT_TIMEOUT_SECONDS = 600
const decodeResult = Schema.decodeUnknown(AgentResult)
const encodeResult = Schema.encodeSync(AgentResult)

const readMessage = (options: AgentCliOptions) =>
  Effect.gen(function*() {
    if (options.message !== undefined && options.messageFile !== undefined) {
      return yield* new AgentInputInvalid({ message: "Pass either --message or --message-file, not both" })
    }
    const text = options.messageFile === undefined
      ? options.message ?? ""
      : yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(options.messageFile ?? "")).pipe(
        Effect.mapError((error) => new AgentInputInvalid({ message: `--message-file ${options.messageFile}: ${describePlatformError(error)}` }))
      )
    if (text.trim() === "") return yield* new AgentInputInvalid({ message: "Message (--message) is required" })
    return text.trim()
  })

/** Prints the reply: JSON as the gateway sent it, else each payload's text (or the summary). */
const printResult = (result: AgentResult, json: boolean) =>
  Effect.gen(function*() {
    // As the original's CLI: the delivery outcome is lifted next to the result.
    const deliveryStatus = result.result?.deliveryStatus
    if (json) return yield* Console.log(JSON.stringify(encodeResult(deliveryStatus === undefined ? result : { ...result, deliveryStatus }), null, 2))
    if (deliveryStatus !== undefined && deliveryStatus.succeeded !== true) {
      yield* Console.error(`[delivery] delivery requested but not completed: ${deliveryStatus.status} (reason=${deliveryStatus.reason ?? "none"})`)
    }
    const notice = result.result?.meta.fallback?.["notice"]
    if (notice !== undefined) yield* Console.error(notice)
    const payloads = result.result?.payloads ?? []
    if (payloads.length === 0) return yield* Console.log(result.summary ?? "No reply from agent.")
    for (const payload of payloads) if (payload.text.trim() !== "") yield* Console.log(payload.text.trimEnd())
  })

/** The run in this process: the agent stack over the CLI's config, warnings on stderr. */
const runLocal = (params: { readonly runId: string; readonly sessionKey: string; readonly sessionId: string | undefined; readonly message: string; readonly model: string | undefined; readonly thinking: ThinkingLevel | undefined; readonly timeoutSeconds: number; readonly verbose?: "on" | "full" | undefined }) =>
  Effect.gen(function*() {
    const runner = yield* AgentRunner
    const result = yield* runner.run({
      ...(params.verbose === undefined ? {} : { onEvent: verboseEvents(params.verbose) }),
      runId: params.runId,
      sessionKey: params.sessionKey,
      sessionId: params.sessionId,
      message: params.message,
      model: params.model,
      thinking: params.thinking,
      timeoutMs: params.timeoutSeconds * 1000
    })
    return agentResultPayload(result)
  })

/** One `agent` call through the gateway, waiting for the final (second) response. */
const runViaGateway = (params: Record<string, unknown>, connection: ConnectOptions, timeoutMs: number) =>
  Effect.scoped(Effect.gen(function*() {
    const client = yield* GatewayClient
    const open = yield* client.connect(connection)
    const payload = yield* open.request("agent", params, timeoutMs, { expectFinal: true }).pipe(
      Effect.catchTag("GatewayRpcError", (error): Effect.Effect<never, AgentRunFailed | GatewayRpcError> =>
        error.code === "AGENT_RUN_FAILED" || error.details?.["runId"] !== undefined
          ? Effect.fail(new AgentRunFailed({
            message: error.message,
            runId: String(error.details?.["runId"] ?? ""),
            cause: String(error.details?.["code"] ?? error.wireCode),
            ...(typeof error.details?.["hint"] === "string" ? { hint: error.details["hint"] } : {})
          }))
          : Effect.fail(error))
    )
    return yield* decodeResult(payload).pipe(Effect.mapError(() => new GatewayConnectFailed({ message: "gateway returned an unexpected agent result", url: open.url })))
  }))

/**
 * `openclaw agent`: one agent turn via the gateway (the default; an unreachable gateway falls back to
 * the embedded agent) or in this process with `--local`; prints the reply or, with `--json`, the result.
 */
export const agentCommand = (options: AgentCliOptions) =>
  Effect.gen(function*() {
    const verbose = options.verbose === undefined ? "off" : verboseLevelOf(options.verbose)
    if (verbose === undefined) return yield* new AgentInputInvalid({ message: "Invalid verbose level. Use \"on\", \"full\", or \"off\"." })
    const message = yield* readMessage(options)
    if ([options.to, options.sessionKey, options.sessionId, options.agent].every((v) => v === undefined || v.trim() === "")) {
      return yield* new AgentInputInvalid({ message: "Pass --to <dest>, --session-key <key>, --session-id <id>, or --agent <id> to choose a session" })
    }
    const store = yield* ConfigStore
    const configured = Option.getOrUndefined(yield* store.read.pipe(Effect.option))?.config?.agents?.defaults?.timeoutSeconds
    const timeoutSeconds = options.timeoutSeconds ?? (configured !== undefined && configured > 0 ? configured : DEFAULT_TIMEOUT_SECONDS)
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) return yield* new AgentInputInvalid({ message: "--timeout must be a positive integer (seconds)" })
    // Direct messages share the agent's main session (session.dmScope "main").
    const sessionKey = options.sessionKey !== undefined && options.sessionKey.trim() !== "" ? canonicalSessionKey(options.sessionKey, options.agent) : undefined
    const runId = randomUUID()
    const local = { runId, sessionKey: sessionKey ?? mainSessionKey(options.agent), sessionId: options.sessionId, message, model: options.model, thinking: options.thinking, timeoutSeconds, ...(verbose === "off" ? {} : { verbose }) }
    if (options.local && options.deliver) {
      // The reply goes out through the gateway's running channel accounts; this process runs none.
      return yield* new AgentInputInvalid({ message: "--deliver needs the gateway (its channels send the reply): drop --local, or start it with `openclaw gateway run`" })
    }
    if (options.local) return yield* printResult(yield* runLocal(local), options.json)
    // As `health --verbose`: where this run goes, before it starts.
    if (verbose !== "off") for (const line of yield* gatewayConnectionLines(options.connection)) yield* Console.error(line)
    const params = {
      message,
      idempotencyKey: runId,
      ...(options.agent === undefined ? {} : { agentId: options.agent }),
      ...(sessionKey === undefined ? {} : { sessionKey }),
      ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
      ...(options.to === undefined ? {} : { to: options.to }),
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.thinking === undefined ? {} : { thinking: options.thinking }),
      deliver: options.deliver,
      ...(options.channel === undefined ? {} : { channel: options.channel }),
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      ...(options.replyChannel === undefined ? {} : { replyChannel: options.replyChannel }),
      ...(options.replyAccount === undefined ? {} : { replyAccountId: options.replyAccount }),
      timeout: timeoutSeconds
    }
    const outcome = yield* Effect.either(runViaGateway(params, options.connection, Math.max(10_000, (timeoutSeconds + 30) * 1000)))
    if (Either.isRight(outcome)) return yield* printResult(outcome.right, options.json)
    if (outcome.left._tag !== "GatewayConnectFailed") return yield* outcome.left
    if (options.deliver) return yield* outcome.left
    yield* Console.error(`Gateway agent failed; falling back to embedded: ${outcome.left.message}`)
    return yield* printResult(yield* runLocal(local), options.json)
  })
