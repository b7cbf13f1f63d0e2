import { Console, Effect } from "effect"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { resolvedGateway, sameGatewayUrl } from "../gatewayConnection.js"

/**
 * `openclaw gateway call <method>`: one RPC, its payload printed as JSON (`--port`, `--expect-final`,
 * `--expect-url` as the original: the call is refused before connecting when the resolved URL differs).
 */
export const gatewayCall = (method: string, rawParams: string | undefined, options: ConnectOptions, expectFinal = false, expectUrl?: string) =>
  Effect.gen(function*() {
    if (expectUrl !== undefined && !sameGatewayUrl((yield* resolvedGateway(options)).url, expectUrl)) {
      yield* Console.error("Gateway call failed: Gateway destination changed. Refresh the selected Gateway before retrying.")
      return yield* new CliExit({ code: 1 })
    }
    let params: unknown = {}
    if (rawParams !== undefined) {
      try {
        params = JSON.parse(rawParams)
      } catch (error) {
        return yield* new ConfigValueInvalid({ message: `--params must be a JSON object: ${error instanceof Error ? error.message : String(error)}` })
      }
    }
    const client = yield* GatewayClient
    // `--expect-final`: a two-phase method's `accepted` answer is skipped for the final one.
    const payload = expectFinal
      ? yield* Effect.scoped(Effect.flatMap(client.connect(options), (connection) => connection.request(method, params, options.timeoutMs, { expectFinal: true })))
      : yield* client.callRaw(method, params, options)
    yield* Console.log(JSON.stringify(payload, null, 2))
  })
