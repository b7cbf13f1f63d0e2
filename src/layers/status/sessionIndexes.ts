import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option, Schema } from "effect"
import * as path from "node:path"
import { sessionIndexPath } from "../../domain/agent/sessionPaths.js"
import type { SessionIndexSummary } from "../../domain/status/renderStatus.js"

const SessionIndexFile = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
const decodeSessionIndex = Schema.decodeUnknownOption(SessionIndexFile)

/**
 * Each agent's session index under the state dir, read-only (never moved aside as the store does with
 * a corrupt one); an unreadable index counts 0. Used by `status` and the gateway's health and status.
 */
export const readSessionIndexes = (stateDir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const agents = yield* fs.readDirectory(path.join(stateDir, "agents")).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))
    const found: Array<SessionIndexSummary> = []
    for (const agentId of [...agents].sort()) {
      const file = sessionIndexPath(stateDir, agentId)
      const text = yield* fs.readFileString(file).pipe(Effect.option)
      if (Option.isNone(text)) continue
      const count = Option.match(decodeSessionIndex(text.value), { onNone: () => 0, onSome: (index) => Object.keys(index).length })
      found.push({ agentId, path: file, count })
    }
    return found as ReadonlyArray<SessionIndexSummary>
  })
