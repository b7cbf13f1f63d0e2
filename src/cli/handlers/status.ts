import { Console, Effect, Schema } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { GatewayStatusReport } from "../../domain/status/gatewayStatus.js"
import { nextSteps, renderStatus, type SessionIndexSummary } from "../../domain/status/renderStatus.js"
import { statusJson } from "../../domain/status/statusJson.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayStatus, type GatewayStatusOptions } from "../../services/GatewayStatus.js"
import { Paths } from "../../services/Paths.js"
import { printConfigWarnings } from "../configWarnings.js"
import { GatewayStatusCliLive } from "./gatewayStatus.js"
import { withProgress } from "../progress.js"

const shortenHome = (file: string, home: string) => (home !== "" && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file)

/** The session index of each agent under `<stateDir>/agents/*\/sessions/sessions.json` (read-only; unreadable ones count 0). */
const readSessionIndexes = (stateDir: string, home: string): Effect.Effect<ReadonlyArray<SessionIndexSummary>> =>
  Effect.promise(async () => {
    const agentsDir = path.join(stateDir, "agents")
    const agents = await fs.readdir(agentsDir).catch(() => [] as Array<string>)
    const found: Array<SessionIndexSummary> = []
    for (const agentId of agents.sort()) {
      const file = path.join(agentsDir, agentId, "sessions", "sessions.json")
      const text = await fs.readFile(file, "utf8").catch(() => undefined)
      if (text === undefined) continue
      let count = 0
      try {
        const parsed: unknown = JSON.parse(text)
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) count = Object.keys(parsed).length
      } catch {
        count = 0
      }
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
    const host = { platform: process.platform, release: os.release(), arch: process.arch, node: process.versions.node }
    if (json) {
      const encodedReport = Schema.encodeSync(GatewayStatusReport)(report)
      yield* Console.log(JSON.stringify(statusJson({ report, encodedReport, config: snapshot?.config, host, indexes, nextSteps: nextSteps(report) }), null, 2))
      return
    }
    const mainIndexPath = shortenHome(path.join(paths.stateDir, "agents", "main", "sessions", "sessions.json"), paths.home)
    for (const line of renderStatus(report, snapshot?.config, host, options.deep, { indexes, mainIndexPath })) yield* Console.log(line)
  }).pipe(Effect.provide(GatewayStatusCliLive))
