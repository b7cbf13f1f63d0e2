import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Option, Schema } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { GatewayStatusReport } from "../../domain/status/gatewayStatus.js"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { nextSteps, renderStatus, type SessionIndexSummary, summarizeSessions } from "../../domain/status/renderStatus.js"
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

/**
 * Each agent's session index, read-only (status never moves a corrupt index aside as the store does);
 * an unreadable one counts 0.
 */
const SessionIndexFile = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
const decodeSessionIndex = Schema.decodeUnknownOption(SessionIndexFile)

const readSessionIndexes = (stateDir: string, home: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const agents = yield* fs.readDirectory(path.join(stateDir, "agents")).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))
    const found: Array<SessionIndexSummary> = []
    for (const agentId of [...agents].sort()) {
      const file = sessionIndexPath(stateDir, agentId)
      const text = yield* fs.readFileString(file).pipe(Effect.option)
      if (Option.isNone(text)) continue
      const count = Option.match(decodeSessionIndex(text.value), { onNone: () => 0, onSome: (index) => Object.keys(index).length })
      found.push({ agentId, path: shortenHome(file, home), count })
    }
    return found
  })

/** `openclaw status [--json]`: one probe, then the overview. */
export const status = (json: boolean, options: GatewayStatusOptions) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read.pipe(Effect.orElseSucceed(() => undefined))
    yield* printConfigWarnings(snapshot)
    const paths = yield* Paths
    const [report, indexes] = yield* withProgress(
      "Probing the gateway",
      Effect.all([Effect.flatMap(GatewayStatus, (status) => status.collect(options)), readSessionIndexes(paths.stateDir, paths.home)], { concurrency: 2 })
    )
    for (const line of configFallbackLines(statusFallback(report, (file) => shortenHome(file, paths.home)))) yield* Console.error(line)
    const host = { platform: process.platform, release: os.release(), arch: process.arch, node: process.versions.node }
    const config = snapshot?.config
    const notRun = config === undefined || snapshot === undefined ? [] : notRunPaths(config, snapshot.unsupported)
    const sessions = summarizeSessions(indexes, config, shortenHome(sessionIndexPath(paths.stateDir, DEFAULT_AGENT_ID), paths.home))
    if (json) {
      const encodedReport = Schema.encodeSync(GatewayStatusReport)(report)
      yield* Console.log(JSON.stringify(statusJson({ report, encodedReport, config, host, indexes, sessions, nextSteps: nextSteps(report), notRun }), null, 2))
      return
    }
    for (const line of renderStatus(report, config, host, options.deep, sessions, notRun)) yield* Console.log(line)
  })
