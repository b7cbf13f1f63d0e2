import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Schema } from "effect"
import * as path from "node:path"
import { isBareFileName } from "../../domain/agent/sessionId.js"
import { DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { sessionIndexPath, sessionsDir } from "../../domain/agent/sessionPaths.js"
import type { SessionSelector, SessionStoreInventory } from "../../domain/doctor/maintenance.js"
import { isRecord } from "../../domain/isRecord.js"

// Only what the inventory needs of an index entry; the session store owns the full schema.
const IndexShape = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Struct({ sessionId: Schema.String, sessionFile: Schema.optional(Schema.String) }) }))
const decodeIndex = Schema.decodeUnknownEither(IndexShape)

const transcriptOf = (entry: { readonly sessionId: string; readonly sessionFile?: string | undefined }) =>
  entry.sessionFile !== undefined && isBareFileName(entry.sessionFile) ? entry.sessionFile : `${entry.sessionId}.jsonl`

/** One agent's (or one explicit) session index and transcripts, read only. */
const inventoryOf = (fs: FileSystem.FileSystem, agentId: string, storePath: string) =>
  Effect.gen(function*() {
    const dir = path.dirname(storePath)
    const listed = yield* fs.readDirectory(dir).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))
    const jsonl = listed.filter((name) => name.endsWith(".jsonl")).sort()
    const base = { agentId, storePath, transcripts: jsonl.length }
    const text = yield* Effect.either(fs.readFileString(storePath))
    if (Either.isLeft(text)) {
      return { ...base, state: "missing", entries: 0, missingTranscripts: [], unreferencedTranscripts: jsonl } satisfies SessionStoreInventory
    }
    const decoded = decodeIndex(text.right)
    if (Either.isLeft(decoded)) {
      return { ...base, state: "unreadable", entries: 0, missingTranscripts: [], unreferencedTranscripts: [], problem: "the index does not decode as a session index" } satisfies SessionStoreInventory
    }
    const entries = Object.values(decoded.right)
    const referenced = new Set(entries.map(transcriptOf))
    return {
      ...base,
      state: "ok",
      entries: entries.length,
      missingTranscripts: [...referenced].filter((file) => !jsonl.includes(file)).sort(),
      unreferencedTranscripts: jsonl.filter((file) => !referenced.has(file))
    } satisfies SessionStoreInventory
  })

/** Agents configured (`agents.entries`) plus the default one. */
const configuredAgents = (config: unknown): ReadonlyArray<string> => {
  const agents = isRecord(config) ? config["agents"] : undefined
  const entries = isRecord(agents) ? agents["entries"] : undefined
  return [DEFAULT_AGENT_ID, ...(isRecord(entries) ? Object.keys(entries) : [])]
}

/**
 * The session stores `doctor --session-sqlite` selects: the default agent's when its index exists; one
 * agent; configured plus discovered agents (`agents/<id>/sessions`); or one explicit `sessions.json`.
 */
export const sessionInventory = (stateDir: string, config: unknown, selector: SessionSelector) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    switch (selector._tag) {
      case "Store":
        return [yield* inventoryOf(fs, path.basename(path.dirname(path.dirname(path.resolve(selector.path)))), path.resolve(selector.path))]
      case "Agent":
        return [yield* inventoryOf(fs, selector.agentId, sessionIndexPath(stateDir, selector.agentId))]
      case "Default": {
        const found = yield* inventoryOf(fs, DEFAULT_AGENT_ID, sessionIndexPath(stateDir, DEFAULT_AGENT_ID))
        return found.state === "missing" ? [] : [found]
      }
      case "AllAgents": {
        const discovered = yield* fs.readDirectory(path.join(stateDir, "agents")).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))
        const withSessions = yield* Effect.filter(discovered, (id) => fs.exists(sessionsDir(stateDir, id)).pipe(Effect.orElseSucceed(() => false)))
        const ids = [...new Set([...configuredAgents(config), ...withSessions])].sort()
        return yield* Effect.forEach(ids, (id) => inventoryOf(fs, id, sessionIndexPath(stateDir, id)))
      }
    }
  })

// Folders that are not shared state: transcripts (the session modes' business), logs, browser profiles.
const NOT_SHARED_STATE = new Set(["agents", "logs", "browser"])

/** The JSON state files under the state dir (what the original keeps in its shared SQLite database), with sizes. */
export const stateFiles = (stateDir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const found: Array<{ path: string; bytes: number }> = []
    const walk = (dir: string, depth: number): Effect.Effect<void> =>
      Effect.gen(function*() {
        const names = yield* fs.readDirectory(dir).pipe(Effect.orElseSucceed((): ReadonlyArray<string> => []))
        for (const name of [...names].sort()) {
          const full = path.join(dir, name)
          const info = yield* Effect.option(fs.stat(full))
          if (info._tag === "None") continue
          if (info.value.type === "Directory") {
            if (depth < 3 && !(depth === 0 && NOT_SHARED_STATE.has(name))) yield* walk(full, depth + 1)
          } else if (info.value.type === "File" && name.endsWith(".json")) {
            found.push({ path: full, bytes: Number(info.value.size) })
          }
        }
      })
    yield* walk(stateDir, 0)
    return found
  })
