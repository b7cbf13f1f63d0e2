import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Either, Layer, Option, Schema } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import * as path from "node:path"
import { SessionStoreError } from "../../domain/agent/errors.js"
import { isBareFileName, sessionIdProblem } from "../../domain/agent/sessionId.js"
import { agentIdOfKey, DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { parseTranscript, renderLine, TRANSCRIPT_VERSION, type TranscriptMessage, transcriptPreview } from "../../domain/agent/transcript.js"
import { opt } from "../../domain/opt.js"
import { ownEntry } from "../../domain/ownEntry.js"
import { keyLengthProblem } from "../../domain/protocol/keyLimits.js"
import { Paths } from "../../services/Paths.js"
import { type SessionRunUpdate, SessionStore, type StoredSession } from "../../services/SessionStore.js"
import { StateFiles } from "../../services/StateFiles.js"
import { isNotFound, stateIoError } from "../fs/platformErrors.js"
import { makeVersionedRead } from "../fs/fileVersion.js"
import { memoized } from "../../domain/memoized.js"
import { sessionIndexPath, sessionsDir } from "../../domain/agent/sessionPaths.js"

const IndexEntry = Schema.Struct({
  sessionId: Schema.String,
  sessionFile: opt(Schema.String),
  createdAt: Schema.Number,
  updatedAt: Schema.Number,
  model: opt(Schema.String),
  modelProvider: opt(Schema.String),
  inputTokens: opt(Schema.Number),
  outputTokens: opt(Schema.Number),
  totalTokens: opt(Schema.Number),
  abortedLastRun: opt(Schema.Boolean),
  label: opt(Schema.String),
  lastFallback: opt(Schema.Struct({ selected: Schema.String, active: Schema.String }))
})
type IndexEntry = typeof IndexEntry.Type
const Index = Schema.Record({ key: Schema.String, value: IndexEntry })
type Index = Readonly<Record<string, IndexEntry>>
const decodeIndex = Schema.decodeUnknownEither(Schema.parseJson(Index))

/**
 * The transcript's file name inside the sessions folder. An index edited by hand (or by an older
 * build) cannot point elsewhere: a name with a separator falls back to the encoded session id.
 */
const transcriptFileOf = (entry: { readonly sessionId: string; readonly sessionFile?: string | undefined }) =>
  entry.sessionFile !== undefined && isBareFileName(entry.sessionFile)
    ? entry.sessionFile
    : `${sessionIdProblem(entry.sessionId) === undefined ? entry.sessionId : encodeURIComponent(entry.sessionId).replace(/^\./, "%2E")}.jsonl`

/** How long a writer waits for another process's index lock, and how often it looks. */
const INDEX_LOCK = { timeout: "10 seconds", poll: "25 millis" } as const

/** The session index and transcripts on disk. Writes are serialised; the index is replaced atomically. */
export const SessionStoreLive = Layer.effect(
  SessionStore,
  Effect.gen(function*() {
    const paths = yield* Paths
    const files = yield* StateFiles
    const fs = yield* FileSystem.FileSystem
    const lock = yield* Effect.makeSemaphore(1)
    const indexPath = (agentId: string) => sessionIndexPath(paths.stateDir, agentId)

    /**
     * Read-modify-write of an agent's index, serialised in this process and, through a lock file
     * beside it, with every other process (a gateway and `agent --local` share the state dir), so no
     * update is lost to a concurrent writer.
     */
    const indexExclusive = <A, E>(agentId: string, effect: Effect.Effect<A, E>) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const file = indexPath(agentId)
        yield* files.ensurePrivateDir(path.dirname(file))
        return yield* files.withLock(`${file}.lock`, INDEX_LOCK, effect)
      }))

    /**
     * True when the file ends inside a line (a writer died mid-write): the next line must start on a
     * fresh one, so the torn line stays a single unparsable line that readers skip.
     */
    const endsTorn = (file: string) =>
      Effect.scoped(Effect.gen(function*() {
        const handle = yield* fs.open(file, { flag: "r" })
        const size = Number((yield* handle.stat).size)
        if (size === 0) return false
        yield* handle.seek(size - 1, "start")
        const last = new Uint8Array(1)
        yield* handle.read(last)
        return last[0] !== 0x0a
      })).pipe(
        Effect.catchIf(isNotFound, () => Effect.succeed(false)),
        Effect.mapError(stateIoError(file, "reading"))
      )

    /** Appends `line` as one write (O_APPEND) and fsyncs; a torn last line from a crash is closed off first. */
    const appendLine = (file: string, line: string) =>
      Effect.flatMap(endsTorn(file), (torn) => files.appendSynced(file, `${torn ? "\n" : ""}${line}\n`))

    const readIndex = (agentId: string) =>
      Effect.gen(function*() {
        const file = indexPath(agentId)
        const text = yield* files.readIfExists(file)
        if (text === undefined) return {} as Index
        const decoded = decodeIndex(text)
        if (Either.isRight(decoded)) return decoded.right
        // An index that does not decode is kept aside for inspection, never silently overwritten.
        const aside = `${file}.corrupt-${yield* Clock.currentTimeMillis}`
        yield* fs.rename(file, aside).pipe(Effect.mapError(stateIoError(file, "moving aside")))
        yield* Effect.logWarning(`session index ${file} did not decode; moved to ${aside}`)
        return {} as Index
      })

    // Readers outside the index lock (sessions.list, chat.history, each turn's lookup) decode an index once per
    // change; read-modify-writes under the lock read it afresh.
    const keptIndex = memoized((agentId: string) => makeVersionedRead([indexPath(agentId)], readIndex(agentId)), 256)

    const writeIndex = (agentId: string, index: Index) =>
      Effect.gen(function*() {
        const file = indexPath(agentId)
        yield* files.ensurePrivateDir(path.dirname(file))
        yield* files.atomicWrite(file, `${JSON.stringify(index, null, 2)}\n`)
      })

    const toSession = (key: string, agentId: string, entry: IndexEntry): StoredSession => ({
      key,
      agentId,
      sessionId: entry.sessionId,
      transcriptPath: path.join(sessionsDir(paths.stateDir, agentId), transcriptFileOf(entry)),
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
      model: entry.model,
      modelProvider: entry.modelProvider,
      inputTokens: entry.inputTokens ?? 0,
      outputTokens: entry.outputTokens ?? 0,
      totalTokens: entry.totalTokens ?? 0,
      abortedLastRun: entry.abortedLastRun,
      lastFallback: entry.lastFallback,
      label: entry.label
    })

    const find = Effect.fn("SessionStore.find")(function*(key: string) {
      const entry = ownEntry(yield* keptIndex(agentIdOfKey(key)), key)
      return entry === undefined ? Option.none() : Option.some(toSession(key, agentIdOfKey(key), entry))
    })

    const agentsDir = path.join(paths.stateDir, "agents")
    const isDirectory = (dir: string) =>
      fs.stat(dir).pipe(
        Effect.map((info) => info.type === "Directory"),
        Effect.catchIf(isNotFound, () => Effect.succeed(false))
      )
    // Listed once per change of the folder (an agent's folder made or removed changes its version).
    const agentIds = makeVersionedRead([agentsDir], fs.readDirectory(agentsDir).pipe(
      Effect.catchIf(isNotFound, () => Effect.succeed<Array<string>>([])),
      Effect.flatMap((names) => Effect.filter(names, (name) => isDirectory(path.join(agentsDir, name)))),
      Effect.mapError(stateIoError(agentsDir, "listing"))
    ))

    const all = Effect.gen(function*() {
      const sessions: Array<StoredSession> = []
      for (const agentId of yield* agentIds) {
        const index = yield* keptIndex(agentId)
        for (const [key, entry] of Object.entries(index)) sessions.push(toSession(key, agentId, entry))
      }
      return sessions.sort((a, b) => b.updatedAt - a.updatedAt)
    })

    const open = Effect.fn("SessionStore.open")(function*(key: string, options: { readonly sessionId?: string | undefined; readonly label?: string | undefined } = {}) {
      // The id becomes a file name and the key an index entry: refuse an unsafe or oversized one before touching the disk (the methods check too).
      const problem = keyLengthProblem("sessionKey", key) ?? (options.sessionId === undefined ? undefined : sessionIdProblem(options.sessionId))
      if (problem !== undefined) return yield* new SessionStoreError({ message: problem, path: sessionsDir(paths.stateDir, agentIdOfKey(key)) })
      return yield* indexExclusive(agentIdOfKey(key), Effect.gen(function*() {
        const agentId = agentIdOfKey(key)
        const index = yield* readIndex(agentId)
        const existing = ownEntry(index, key)
        if (existing !== undefined && (options.sessionId === undefined || options.sessionId === existing.sessionId)) {
          return toSession(key, agentId, existing)
        }
        const now = yield* Clock.currentTimeMillis
        const sessionId = options.sessionId ?? randomUUID()
        const entry: IndexEntry = {
          sessionId,
          sessionFile: `${sessionId}.jsonl`,
          createdAt: now,
          updatedAt: now,
          ...(options.label === undefined ? {} : { label: options.label })
        }
        const session = toSession(key, agentId, entry)
        yield* files.ensurePrivateDir(path.dirname(session.transcriptPath))
        const header = renderLine({ type: "session", version: TRANSCRIPT_VERSION, id: sessionId, timestamp: new Date(now).toISOString(), cwd: paths.stateDir })
        const exists = yield* fs.exists(session.transcriptPath).pipe(Effect.mapError(stateIoError(session.transcriptPath, "checking")))
        if (!exists) yield* appendLine(session.transcriptPath, header)
        yield* writeIndex(agentId, { ...index, [key]: entry })
        return session
      }))
    })

    /** A transcript's lines as they are on disk; none while it does not exist. */
    const transcriptLines = (file: string) => Effect.map(files.readIfExists(file), (text) => (text === undefined ? [] : parseTranscript(text).messages))

    const lastIds = new Map<string, string>()
    // The chain continues from the file: another process (or an earlier run) may have written it.
    const lastMessageId = (file: string) => Effect.map(transcriptLines(file), (lines) => lines.at(-1)?.id ?? null)
    const append = Effect.fn("SessionStore.append")(function*(session: StoredSession, message: TranscriptMessage) {
      const id = randomBytes(4).toString("hex")
      const parentId = lastIds.get(session.transcriptPath) ?? (yield* lastMessageId(session.transcriptPath))
      yield* appendLine(session.transcriptPath, renderLine({ type: "message", id, parentId, timestamp: new Date(message.timestamp).toISOString(), message }))
      lastIds.set(session.transcriptPath, id)
    }, lock.withPermits(1))

    const messages = Effect.fn("SessionStore.messages")(function*(session: StoredSession) {
      const lines = yield* transcriptLines(session.transcriptPath)
      const last = lines.at(-1)
      if (last !== undefined && !lastIds.has(session.transcriptPath)) lastIds.set(session.transcriptPath, last.id)
      return lines.map((line) => line.message)
    })

    // A session list reads every session's preview: each transcript is parsed once per change, not per list
    // (50 sessions of 200 messages took ~75 ms a list, all of it blocking the event loop).
    const keptPreview = memoized((file: string) =>
      makeVersionedRead([file], Effect.map(transcriptLines(file), (lines) => transcriptPreview(lines.map((line) => line.message)))), 4096)

    const recordRun = Effect.fn("SessionStore.recordRun")(function*(key: string, update: SessionRunUpdate) {
      yield* indexExclusive(agentIdOfKey(key), Effect.gen(function*() {
        const agentId = agentIdOfKey(key)
        const index = yield* readIndex(agentId)
        const entry = ownEntry(index, key)
        if (entry === undefined) return
        const input = (entry.inputTokens ?? 0) + (update.inputTokens ?? 0)
        const output = (entry.outputTokens ?? 0) + (update.outputTokens ?? 0)
        const next: IndexEntry = {
          ...entry,
          updatedAt: yield* Clock.currentTimeMillis,
          inputTokens: input,
          outputTokens: output,
          totalTokens: input + output,
          ...(update.model === undefined ? {} : { model: update.model }),
          ...(update.modelProvider === undefined ? {} : { modelProvider: update.modelProvider }),
          abortedLastRun: update.aborted === true
        }
        // A fallback is remembered until the primary answers again (for the "cleared" notice).
        const { lastFallback: _previous, ...rest } = next
        const withFallback: IndexEntry = update.fallback === undefined ? next : update.fallback === null ? rest : { ...rest, lastFallback: update.fallback }
        yield* writeIndex(agentId, { ...index, [key]: withFallback })
      }))
    })

    const findById = Effect.fn("SessionStore.findById")(function*(sessionId: string) {
      return Option.fromNullable((yield* all).find((s) => s.sessionId === sessionId))
    })

    return {
      open,
      find,
      findById,
      append,
      messages,
      preview: (session: StoredSession) => keptPreview(session.transcriptPath),
      recordRun,
      list: Effect.map(all, (sessions) => ({ path: indexPath(DEFAULT_AGENT_ID), sessions }))
    }
  })
)
