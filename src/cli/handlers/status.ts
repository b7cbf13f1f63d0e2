import { Clock, Console, Effect, Schema } from "effect"
import { ChannelMethods } from "../../domain/protocol/channelMethods.js"
import { GatewayClient } from "../../services/GatewayClient.js"
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

/** `channels.status` of the reachable gateway as status lines; undefined when it does not answer. */
const liveChannelLines = (options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    const client = yield* GatewayClient
    const result = yield* client.call(ChannelMethods.channelsStatus, { probe: false }, { url: options.url, token: options.token, password: options.password, timeoutMs: options.timeoutMs })
    if (result.channelOrder.length === 0) return undefined
    const { renderChannelsStatus } = yield* Effect.promise(() => import("./channels.js"))
    return renderChannelsStatus(result, yield* Clock.currentTimeMillis).split("\n")
  }).pipe(Effect.orElseSucceed(() => undefined))

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
    // The running gateway's channel lines (with drop counts) replace the config's names when it answers.
    // Asked only when channels are configured: a connection with scopes pairs this CLI as a device.
    const hasChannels = Object.keys(config?.channels ?? {}).some((name) => name !== "defaults")
    const channelLines = report.rpc?.ok === true && hasChannels ? yield* liveChannelLines(options) : undefined
    for (const line of renderStatus(report, config, host, options.deep, sessions, notRun, channelLines, scheduler)) yield* Console.log(line)
  })
