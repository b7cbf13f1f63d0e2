import { Console, Effect, Schema } from "effect"
import { ProbeReport } from "../../domain/probe/report.js"
import { renderProbe } from "../../domain/probe/renderProbe.js"
import { GatewayProbe, type ProbeOptions } from "../../services/GatewayProbe.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { CliExit } from "../CliExit.js"
import { printConfigWarnings } from "../configWarnings.js"
import { withProgress } from "../progress.js"

/** `openclaw gateway probe [--json]`: exit 1 only when no target is reachable. */
export const gatewayProbe = (json: boolean, options: ProbeOptions) =>
  Effect.gen(function*() {
    yield* printConfigWarnings(yield* Effect.flatMap(ConfigStore, (store) => store.read).pipe(Effect.orElseSucceed(() => undefined)))
    const report = yield* withProgress("Probing gateways (explicit, SSH, configured remote, loopback)", Effect.flatMap(GatewayProbe, (probe) => probe.run(options)))
    if (json) yield* Console.log(JSON.stringify(Schema.encodeSync(ProbeReport)(report), null, 2))
    else for (const line of renderProbe(report)) yield* Console.log(line)
    if (!report.ok) return yield* new CliExit({ code: 1 })
  })
