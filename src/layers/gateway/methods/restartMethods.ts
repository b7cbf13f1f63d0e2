import { Effect, Layer } from "effect"
import { InvalidRequest } from "../../../domain/protocol/errors.js"
import { RestartMethods } from "../../../domain/protocol/restartMethods.js"
import { ConfigStore } from "../../../services/ConfigStore.js"
import { GatewayRestart } from "../../../services/GatewayRestart.js"
import { GatewayRuntime } from "../../../services/GatewayRuntime.js"
import { MethodRegistry } from "../../../services/MethodRegistry.js"

// Restart reasons are log context: trimmed and capped, as the original's.
const reasonOf = (reason: string | undefined) => reason?.trim().slice(0, 200) || "gateway.restart.request"

/** `gateway.restart.request` and `gateway.restart.preflight`: the safe restart coordination of `openclaw gateway restart --safe|--wait`. */
export const RestartMethodsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const registry = yield* MethodRegistry
    const restart = yield* GatewayRestart
    const runtime = yield* GatewayRuntime
    const store = yield* ConfigStore

    yield* registry.register(RestartMethods.request, (params) =>
      Effect.gen(function*() {
        const target = params.target
        const port = (yield* runtime.settings).port
        if (target?.pid !== undefined && target.pid !== process.pid) {
          return yield* new InvalidRequest({ message: `restart target pid ${target.pid} is not this gateway (pid ${process.pid})` })
        }
        if (target?.port !== undefined && target.port !== port) {
          return yield* new InvalidRequest({ message: `restart target port ${target.port} is not this gateway's (port ${port})` })
        }
        // The restart starts over from openclaw.json: with a broken one the gateway would not come back, so keep serving.
        const problem = yield* store.read.pipe(
          Effect.map((snapshot) =>
            snapshot.parseError !== undefined
              ? snapshot.parseError.message
              : snapshot.config === undefined
              ? snapshot.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ") || "it does not validate"
              : undefined
          ),
          Effect.catchAll((error) => Effect.succeed(error.message))
        )
        if (problem !== undefined) {
          return yield* new InvalidRequest({ message: `restart refused: the gateway would restart from an invalid config (${problem}); fix it first (openclaw config validate)` })
        }
        // Only an explicit boolean skips the deferral: a truthy string from a loose client must not.
        return yield* restart.request({ reason: reasonOf(params.reason), skipDeferral: params.skipDeferral === true, waitMs: params.waitMs, ownRequests: 1 })
      }))

    yield* registry.register(RestartMethods.preflight, () => restart.preflight(1))
  })
)
