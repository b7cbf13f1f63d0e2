import { Console, Effect } from "effect"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"

/** `openclaw gateway call <method>`: one RPC, its payload printed as JSON. */
export const gatewayCall = (method: string, rawParams: string | undefined, options: ConnectOptions) =>
  Effect.gen(function*() {
    let params: unknown = {}
    if (rawParams !== undefined) {
      try {
        params = JSON.parse(rawParams)
      } catch (error) {
        return yield* new ConfigValueInvalid({ message: `--params must be a JSON object: ${error instanceof Error ? error.message : String(error)}` })
      }
    }
    const client = yield* GatewayClient
    const payload = yield* client.callRaw(method, params, options)
    yield* Console.log(JSON.stringify(payload, null, 2))
  })
