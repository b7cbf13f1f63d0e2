import { Console, Effect, Schema } from "effect"
import { GatewayStatusReport } from "../../domain/status/gatewayStatus.js"
import { renderGatewayStatus } from "../../domain/status/renderGatewayStatus.js"
import { configFallbackLines, statusFallback } from "../../domain/status/configFallback.js"
import { shortenHome } from "../../domain/text/shortenHome.js"
import { GatewayStatus, type GatewayStatusOptions } from "../../services/GatewayStatus.js"
import { Paths } from "../../services/Paths.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { CliExit } from "../CliExit.js"
import { printConfigWarnings } from "../configWarnings.js"
import { withProgress } from "../progress.js"

/** `openclaw gateway status`: non-zero only for `--require-rpc` when the read probe fails. */
export const gatewayStatus = (json: boolean, options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    yield* printConfigWarnings(yield* Effect.flatMap(ConfigStore, (store) => store.read).pipe(Effect.orElseSucceed(() => undefined)))
    if (options.requireRpc && !options.probe) {
      yield* Console.error("error: --require-rpc cannot be combined with --no-probe")
      return yield* new CliExit({ code: 2 })
    }
    const paths = yield* Paths
    const report = yield* withProgress("Checking the gateway service and probing the gateway", Effect.flatMap(GatewayStatus, (status) => status.collect(options)))
    for (const line of configFallbackLines(statusFallback(report, (file) => shortenHome(file, paths.home)))) yield* Console.error(line)
    if (json) yield* Console.log(JSON.stringify(Schema.encodeSync(GatewayStatusReport)(report), null, 2))
    else {
      const { out, err } = renderGatewayStatus(report, { requireRpc: options.requireRpc, deep: options.deep, homeDir: paths.home })
      for (const line of out) yield* Console.log(line)
      for (const line of err) yield* Console.error(line)
    }
    if (options.requireRpc && report.rpc?.ok !== true) return yield* new CliExit({ code: 1 })
  })
