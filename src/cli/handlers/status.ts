import { Console, Effect, Schema } from "effect"
import * as os from "node:os"
import { GatewayStatusReport } from "../../domain/status/gatewayStatus.js"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { nextSteps, renderStatus, summarizeSessions } from "../../domain/status/renderStatus.js"
import { statusJson } from "../../domain/status/statusJson.js"
import { configFallbackLines, statusFallback } from "../../domain/status/configFallback.js"
import { notRunPaths } from "../../domain/config/notRun.js"
import { sessionIndexPath } from "../../domain/agent/sessionPaths.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayStatus, type GatewayStatusOptions } from "../../services/GatewayStatus.js"
import { Paths } from "../../services/Paths.js"
import { printConfigWarnings } from "../configWarnings.js"
import { withProgress } from "../progress.js"
import { shortenHome } from "../../domain/text/shortenHome.js"
import { readSessionIndexes } from "../../layers/status/sessionIndexes.js"
import { schedulerSummary } from "./statusScheduler.js"

/** `openclaw status [--json]`: one probe, then the overview. */
export const status = (json: boolean, options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read.pipe(Effect.orElseSucceed(() => undefined))
    yield* printConfigWarnings(snapshot)
    const paths = yield* Paths
    const [report, indexes] = yield* withProgress(
      "Probing the gateway",
      Effect.all([Effect.flatMap(GatewayStatus, (status) => status.collect(options)), readSessionIndexes(paths.stateDir).pipe(Effect.map((found) => found.map((index) => ({ ...index, path: shortenHome(index.path, paths.home) }))))], { concurrency: 2 })
    )
    for (const line of configFallbackLines(statusFallback(report, (file) => shortenHome(file, paths.home)))) yield* Console.error(line)
    const host = { platform: process.platform, release: os.release(), arch: process.arch, node: process.versions.node }
    const config = snapshot?.config
    const notRun = config === undefined || snapshot === undefined ? [] : notRunPaths(config, snapshot.unsupported)
    const scheduler = report.rpc?.ok === true ? yield* schedulerSummary(options) : undefined
    const sessions = summarizeSessions(indexes, config, shortenHome(sessionIndexPath(paths.stateDir, DEFAULT_AGENT_ID), paths.home))
    if (json) {
      const encodedReport = Schema.encodeSync(GatewayStatusReport)(report)
      yield* Console.log(JSON.stringify(statusJson({ report, encodedReport, config, host, indexes, sessions, nextSteps: nextSteps(report), notRun, scheduler }), null, 2))
      return
    }
    for (const line of renderStatus(report, config, host, options.deep, sessions, notRun, scheduler)) yield* Console.log(line)
  })
