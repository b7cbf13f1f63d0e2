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

import { providersInUse } from "../../domain/models/statusReport.js"
import { usageLines, usageReport } from "../../domain/status/usage.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import { gatewayConnectionLines } from "../gatewayConnection.js"

/** The original's `--usage`, `--agent <id>` (whose auth scope --usage reads) and `--verbose`/`--debug`. */
export interface StatusExtras {
  readonly usage: boolean
  readonly agent: string | undefined
  readonly verbose: boolean
}

// Only the default agent exists here, as `models --agent` says too.
const agentNote = (agent: string | undefined) =>
  agent === undefined || agent === DEFAULT_AGENT_ID ? Effect.void : Console.error(`--agent ${agent}: only the default agent (main) exists in this version; showing main`)

/** Usage per provider the default model and its fallbacks use; an unreadable catalogue lists none. */
const collectUsage = Effect.gen(function*() {
  const catalog = yield* ModelCatalog
  const view = yield* catalog.view.pipe(Effect.orElseSucceed(() => undefined))
  return usageReport(view === undefined ? [] : providersInUse(view.catalogue, view.selection), yield* Clock.currentTimeMillis)
})

/** `openclaw status [--json]`: one probe, then the overview. */
export const status = (json: boolean, options: GatewayStatusOptions, extras: StatusExtras = { usage: false, agent: undefined, verbose: false }) =>
  Effect.gen(function*() {
    if (extras.usage) yield* agentNote(extras.agent)
    if (extras.verbose && !json) for (const line of yield* gatewayConnectionLines({ url: options.url, token: options.token })) yield* Console.log(line)
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
    const usage = extras.usage ? yield* collectUsage : undefined
    if (json) {
      const encodedReport = Schema.encodeSync(GatewayStatusReport)(report)
      const body = statusJson({ report, encodedReport, config, host, indexes, sessions, nextSteps: nextSteps(report), notRun, scheduler })
      yield* Console.log(JSON.stringify(usage === undefined ? body : { ...body, usage }, null, 2))
      return
    }
    // The running gateway's channel lines (with drop counts) replace the config's names when it answers.
    // Asked only when channels are configured: a connection with scopes pairs this CLI as a device.
    const hasChannels = Object.keys(config?.channels ?? {}).some((name) => name !== "defaults")
    const channelLines = report.rpc?.ok === true && hasChannels ? yield* liveChannelLines(options) : undefined
    const lines = [...renderStatus(report, config, host, options.deep, sessions, notRun, channelLines, scheduler)]
    if (usage !== undefined) {
      // Before the closing troubleshooting links, where the original prints it.
      const at = lines.findIndex((line) => line.startsWith("Troubleshooting:") || line.startsWith("FAQ:"))
      lines.splice(at === -1 ? lines.length : at, 0, ...usageLines(usage), "")
    }
    for (const line of lines) yield* Console.log(line)
  })
