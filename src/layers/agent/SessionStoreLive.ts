import { Clock, Effect, Either, Layer, Option, Schema } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { SessionStoreError } from "../../domain/agent/errors.js"
import { agentIdOfKey, DEFAULT_AGENT_ID } from "../../domain/agent/sessionKey.js"
import { parseTranscript, renderLine, TRANSCRIPT_VERSION, type TranscriptMessage } from "../../domain/agent/transcript.js"
import type { ConfigIoError } from "../../domain/errors.js"
import { Paths } from "../../services/Paths.js"
import { type SessionRunUpdate, SessionStore, type StoredSession } from "../../services/SessionStore.js"
import { atomicWrite, ensurePrivateDir, readIfExists } from "../fs/files.js"
import { isBareFileName, sessionIdProblem } from "../../domain/agent/sessionId.js"
import { withFileLock } from "../fs/fileLock.js"
import { opt } from "../../domain/opt.js"

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

const storeError = (file: string) => (error: ConfigIoError) => new SessionStoreError({ message: error.message, path: file })
const fail = (file: string, operation: string) => (cause: unknown) =>
  new SessionStoreError({ message: `${operation} ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, path: file })

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

/** `agents/<agentId>/sessions` under the state dir. */
export const sessionsDir = (stateDir: string, agentId: string) => path.join(stateDir, "agents", agentId, "sessions")

/** An agent's session index, `agents/<agentId>/sessions/sessions.json`. */
export const sessionIndexPath = (stateDir: string, agentId: string) => path.join(sessionsDir(stateDir, agentId), "sessions.json")

/** Appends `line` as one write (O_APPEND) and fsyncs; a torn last line from a crash is closed off first. */
const appendLine = (file: string, line: string) =>
  Effect.tryPromise({
    try: async () => {
      const handle = await fs.open(file, "a+", 0o600)
      try {
        const { size } = await handle.stat()
        let prefix = ""
        if (size > 0) {
          const last = Buffer.alloc(1)
          await handle.read(last, 0, 1, size - 1)
          if (last[0] !== 0x0a) prefix = "\n"
        }
        await handle.write(`${prefix}${line}\n`)
        await handle.sync()
      } finally {
        await handle.close()
      }
    },
    catch: fail(file, "appending to")
  })

/** The session index and transcripts on disk. Writes are serialised; the index is replaced atomically. */
export const SessionStoreLive = Layer.effect(
  SessionStore,
  Effect.gen(function*() {
    const paths = yield* Paths
    const lock = yield* Effect.makeSemaphore(1)
    const indexPath = (agentId: string) => sessionIndexPath(paths.stateDir, agentId)

    /**
     * Read-modify-write of an agent's index, serialised in this process and, through a lock file
     * beside it, with every other process (a gateway and `agent --local` share the state dir), so no
     * update is lost to a concurrent writer.
     */
    const indexExclusive = <A>(agentId: string, effect: Effect.Effect<A, SessionStoreError>) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const file = indexPath(agentId)
        yield* ensurePrivateDir(path.dirname(file)).pipe(Effect.mapError(storeError(file)))
        return yield* withFileLock(`${file}.lock`, INDEX_LOCK, effect).pipe(
          Effect.catchTag("ConfigIoError", (error) => Effect.fail(storeError(file)(error)))
        )
      }))

    const readIndex = (agentId: string) =>
      Effect.gen(function*() {
        const file = indexPath(agentId)
        const text = yield* readIfExists(file).pipe(Effect.mapError(storeError(file)))
        if (text === undefined) return {} as Index
        const decoded = decodeIndex(text)
        if (Either.isRight(decoded)) return decoded.right
        // An index that does not decode is kept aside for inspection, never silently overwritten.
        const aside = `${file}.corrupt-${yield* Clock.currentTimeMillis}`
        yield* Effect.tryPromise({ try: () => fs.rename(file, aside), catch: fail(file, "moving aside") })
        yield* Effect.logWarning(`session index ${file} did not decode; moved to ${aside}`)
        return {} as Index
      })

    const writeIndex = (agentId: string, index: Index) =>
      Effect.gen(function*() {
        const file = indexPath(agentId)
        yield* ensurePrivateDir(path.dirname(file)).pipe(Effect.mapError(storeError(file)))
        yield* atomicWrite(file, `${JSON.stringify(index, null, 2)}\n`).pipe(Effect.mapError(storeError(file)))
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

    const find = (key: string) =>
      Effect.map(readIndex(agentIdOfKey(key)), (index) => {
        const entry = index[key]
        return entry === undefined ? Option.none() : Option.some(toSession(key, agentIdOfKey(key), entry))
      })

    const agentIds = Effect.tryPromise({
      try: async () => {
        try {
          return (await fs.readdir(path.join(paths.stateDir, "agents"), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name)
        } catch {
          return []
        }
      },
      catch: fail(path.join(paths.stateDir, "agents"), "listing")
    })

    const all = Effect.gen(function*() {
      const sessions: Array<StoredSession> = []
      for (const agentId of yield* agentIds) {
        const index = yield* readIndex(agentId)
        for (const [key, entry] of Object.entries(index)) sessions.push(toSession(key, agentId, entry))
      }
      return sessions.sort((a, b) => b.updatedAt - a.updatedAt)
    })

    const open = (key: string, options: { readonly sessionId?: string | undefined; readonly label?: string | undefined } = {}) => {
      // The id becomes a file name: refuse an unsafe one before touching the disk (the methods check too).
      const problem = options.sessionId === undefined ? undefined : sessionIdProblem(options.sessionId)
      if (problem !== undefined) return Effect.fail(new SessionStoreError({ message: problem, path: sessionsDir(paths.stateDir, agentIdOfKey(key)) }))
      return indexExclusive(agentIdOfKey(key), Effect.gen(function*() {
        const agentId = agentIdOfKey(key)
        const index = yield* readIndex(agentId)
        const existing = index[key]
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
        yield* ensurePrivateDir(path.dirname(session.transcriptPath)).pipe(Effect.mapError(storeError(session.transcriptPath)))
        const header = renderLine({ type: "session", version: TRANSCRIPT_VERSION, id: sessionId, timestamp: new Date(now).toISOString(), cwd: paths.stateDir })
        const exists = yield* readIfExists(session.transcriptPath).pipe(Effect.mapError(storeError(session.transcriptPath)))
        if (exists === undefined) yield* appendLine(session.transcriptPath, header)
        yield* writeIndex(agentId, { ...index, [key]: entry })
        return session
      }))
    }

    const lastIds = new Map<string, string>()
    // The chain continues from the file: another process (or an earlier run) may have written it.
    const lastMessageId = (file: string) =>
      Effect.map(readIfExists(file).pipe(Effect.mapError(storeError(file))), (text) => (text === undefined ? null : parseTranscript(text).messages.at(-1)?.id ?? null))
    const append = (session: StoredSession, message: TranscriptMessage) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const id = randomBytes(4).toString("hex")
        const parentId = lastIds.get(session.transcriptPath) ?? (yield* lastMessageId(session.transcriptPath))
        yield* appendLine(session.transcriptPath, renderLine({ type: "message", id, parentId, timestamp: new Date(message.timestamp).toISOString(), message }))
        lastIds.set(session.transcriptPath, id)
      }))

    const messages = (session: StoredSession) =>
      Effect.map(readIfExists(session.transcriptPath).pipe(Effect.mapError(storeError(session.transcriptPath))), (text) => {
        if (text === undefined) return []
        const parsed = parseTranscript(text)
        const last = parsed.messages.at(-1)
        if (last !== undefined && !lastIds.has(session.transcriptPath)) lastIds.set(session.transcriptPath, last.id)
        return parsed.messages.map((line) => line.message)
      })

    const recordRun = (key: string, update: SessionRunUpdate) =>
      indexExclusive(agentIdOfKey(key), Effect.gen(function*() {
        const agentId = agentIdOfKey(key)
        const index = yield* readIndex(agentId)
        const entry = index[key]
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

    return {
      open,
      find,
      findById: (sessionId: string) => Effect.map(all, (sessions) => Option.fromNullable(sessions.find((s) => s.sessionId === sessionId))),
      append,
      messages,
      recordRun,
      list: Effect.map(all, (sessions) => ({ path: indexPath(DEFAULT_AGENT_ID), sessions }))
    }
  })
)
