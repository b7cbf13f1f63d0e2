import { Clock, Console, Duration, Effect, Either, FiberMap, Queue, Schedule, Schema } from "effect"
import { Decision } from "../../../domain/approvals/document.js"
import { type ApprovalRequestParams, NodeMethods, type RunPlan } from "../../../domain/protocol/nodeMethods.js"
import { shortenHome } from "../../../domain/text/shortenHome.js"
import { type ConnectOptions, GatewayClient, type GatewayConnection } from "../../../services/GatewayClient.js"
import { Paths } from "../../../services/Paths.js"
import { StateFiles } from "../../../services/StateFiles.js"
import { makeApprovalsFile, parseApprovals } from "../../approvals/approvalsFile.js"
import { NodeCommandError, type SystemRunParams, systemRun, systemWhich } from "./systemRun.js"

/** What the headless node host declares at connect. */
export const NODE_HOST_COMMANDS = ["system.run", "system.which", "system.execApprovals.get", "system.execApprovals.set"] as const
export const NODE_HOST_CAPS = ["system"] as const

const InvokeRequest = Schema.Struct({
  id: Schema.String,
  nodeId: Schema.String,
  command: Schema.String,
  paramsJSON: Schema.optionalWith(Schema.NullOr(Schema.String), { exact: true }),
  timeoutMs: Schema.optionalWith(Schema.Number, { exact: true })
})
const CancelRequest = Schema.Struct({ id: Schema.String })
const ApprovalAnswer = Schema.Struct({ id: Schema.String, decision: Schema.NullOr(Decision) })

export interface NodeHostOptions {
  readonly connect: ConnectOptions
  readonly displayName: string | undefined
  /** How long an exec approval prompt waits for an operator before `askFallback`. */
  readonly approvalTimeoutMs: number
  /** Advertise only these commands (`--commands`); undefined: all the host serves. */
  readonly commands?: ReadonlyArray<string> | undefined
}

/**
 * The headless node host: connects as `role: "node"`, serves `system.run`, `system.which` and its exec
 * approvals document, and reconnects (with backoff) whenever the gateway goes away.
 */
export const runNodeHost = (options: NodeHostOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const paths = yield* Paths
    const files = yield* StateFiles
    const approvals = makeApprovalsFile(files, paths.stateDir, shortenHome(`${paths.stateDir}/exec-approvals.json`, paths.home))

    const advertised = options.commands === undefined ? NODE_HOST_COMMANDS : NODE_HOST_COMMANDS.filter((c) => options.commands?.includes(c))

    const execute = (connection: GatewayConnection, command: string, params: unknown) =>
      Effect.gen(function*() {
        // What was not advertised is not served, whatever the gateway sends.
        if (!(advertised as ReadonlyArray<string>).includes(command)) {
          return yield* new NodeCommandError({ code: "INVALID_REQUEST", message: `unsupported command: ${command}` })
        }
        switch (command) {
          case "system.run":
            return yield* systemRun(params, {
              approvals,
              home: paths.home,
              cwd: process.cwd(),
              now: Clock.currentTimeMillis,
              ask: (plan: RunPlan, run: SystemRunParams) => {
                const request: ApprovalRequestParams = {
                  plan,
                  host: "node",
                  ...(run.agentId === undefined ? {} : { agentId: run.agentId }),
                  ...(run.sessionKey === undefined ? {} : { sessionKey: run.sessionKey }),
                  ...(run.security === undefined ? {} : { security: run.security }),
                  ...(run.ask === undefined ? {} : { ask: run.ask }),
                  timeoutMs: options.approvalTimeoutMs
                }
                return connection.request(NodeMethods.execApprovalRequest.name, request, options.approvalTimeoutMs + 15_000).pipe(
                  Effect.flatMap(Schema.decodeUnknown(ApprovalAnswer)),
                  Effect.map((answer) => answer.decision ?? undefined),
                  // No answer at all (gateway gone, refused) is the same as no decision: askFallback.
                  Effect.orElseSucceed(() => undefined)
                )
              }
            })
          case "system.which":
            return yield* systemWhich(params)
          case "system.execApprovals.get":
            return yield* approvals.snapshot
          case "system.execApprovals.set": {
            const body = params as { file?: unknown; baseHash?: unknown } | undefined
            const parsed = parseApprovals(body?.file)
            if (Either.isLeft(parsed)) return yield* new NodeCommandError({ code: "INVALID_REQUEST", message: `invalid exec approvals file: ${parsed.left}` })
            return yield* approvals.write(parsed.right, typeof body?.baseHash === "string" ? body.baseHash : undefined)
          }
          default:
            return yield* new NodeCommandError({ code: "INVALID_REQUEST", message: `unsupported command: ${command}` })
        }
      })

    const handle = (connection: GatewayConnection, nodeId: string, request: typeof InvokeRequest.Type) =>
      Effect.gen(function*() {
        let params: unknown = {}
        try {
          params = request.paramsJSON == null ? {} : JSON.parse(request.paramsJSON)
        } catch {
          params = undefined
        }
        const reply = yield* execute(connection, request.command, params).pipe(
          Effect.map((payload) => ({ id: request.id, nodeId, ok: true, payload })),
          Effect.catchAll((error) => {
            const shaped = error._tag === "NodeCommandError" ? { code: error.code, message: error.message } : { code: "UNAVAILABLE", message: error.message }
            return Effect.succeed({ id: request.id, nodeId, ok: false, error: shaped })
          })
        )
        yield* connection.request(NodeMethods.nodeInvokeResult.name, reply).pipe(Effect.ignore)
      })

    const session = Effect.scoped(Effect.gen(function*() {
      const connection = yield* client.connect({ ...options.connect, node: { displayName: options.displayName, caps: NODE_HOST_CAPS, commands: advertised } })
      yield* Console.log(`node host connected to ${connection.url}`)
      const running = yield* FiberMap.make<string>()
      const loop = Effect.forever(Effect.gen(function*() {
        const event = yield* Queue.take(connection.events)
        if (event.event === "node.invoke.request") {
          const request = Schema.decodeUnknownOption(InvokeRequest)(event.payload)
          if (request._tag === "Some") yield* FiberMap.run(running, request.value.id, handle(connection, request.value.nodeId, request.value))
        } else if (event.event === "node.invoke.cancel") {
          const cancel = Schema.decodeUnknownOption(CancelRequest)(event.payload)
          if (cancel._tag === "Some") yield* FiberMap.remove(running, cancel.value.id)
        }
      }))
      yield* Effect.raceFirst(loop, connection.closed ?? Effect.never)
      yield* Console.error(`node host disconnected from ${connection.url}; reconnecting`)
    }))

    return yield* session.pipe(
      Effect.tapError((error) => Console.error(`node host: ${error.message}`)),
      Effect.either,
      Effect.repeat(Schedule.exponential(Duration.millis(500), 2).pipe(Schedule.union(Schedule.spaced(Duration.seconds(10))))),
      Effect.asVoid
    )
  })
