import { Console, Effect, Schema } from "effect"
import { ProbeReport } from "../../domain/probe/report.js"
import { renderProbe } from "../../domain/probe/renderProbe.js"
import { GatewayProbe, type ProbeOptions } from "../../services/GatewayProbe.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Paths } from "../../services/Paths.js"
import { configFallbackLines } from "../../domain/status/configFallback.js"
import { shortenHome } from "../../domain/text/shortenHome.js"
import { CliExit } from "../CliExit.js"
import { printConfigWarnings } from "../configWarnings.js"
import { withProgress } from "../progress.js"

/** `openclaw gateway probe [--json]`: exit 1 only when no target is reachable. */
export const gatewayProbe = (json: boolean, options: ProbeOptions) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read.pipe(Effect.orElseSucceed(() => undefined))
    yield* printConfigWarnings(snapshot)
    const report = yield* withProgress("Probing gateways (explicit, SSH, configured remote, loopback)", Effect.flatMap(GatewayProbe, (probe) => probe.run(options)))
    const paths = yield* Paths
    const fallback = configFallbackLines({
      exists: snapshot?.exists === true,
      valid: snapshot?.config !== undefined,
      shownPath: shortenHome(store.path, paths.home),
      target: `the loopback target ${report.network.localLoopbackUrl}`
    })
    for (const line of fallback) yield* Console.error(line)
    if (json) yield* Console.log(JSON.stringify(Schema.encodeSync(ProbeReport)(report), null, 2))
    else for (const line of renderProbe(report)) yield* Console.log(line)
    if (!report.ok) return yield* new CliExit({ code: 1 })
  })
