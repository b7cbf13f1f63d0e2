import { Effect, Layer, Option, TestClock } from "effect"
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import type { TranscriptMessage } from "../../src/domain/agent/transcript.js"
import { SessionStoreLive } from "../../src/layers/agent/SessionStoreLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { SessionStore } from "../../src/services/SessionStore.js"
import { configTestLayer } from "../support/configTestLayer.js"
import { diskFull, FaultyFileSystem } from "../support/faultyFileSystem.js"

const user = (text: string, timestamp = Date.now()): TranscriptMessage => ({ role: "user", content: [{ type: "text", text }], timestamp })
const answer = (text: string): TranscriptMessage => ({ role: "assistant", content: [{ type: "text", text }], stopReason: "stop", timestamp: Date.now() })
const texts = (messages: ReadonlyArray<TranscriptMessage>) => messages.map((m) => (typeof m.content === "string" ? m.content : (m.content[0] as { text: string }).text))

/** A fresh store over the same install each time: nothing is carried in memory between them. */
const storeOver = (env: ReturnType<typeof configTestLayer>) => SessionStoreLive.pipe(Layer.provide(env.layer))

/** Two stores over one install, as a gateway and another process (`agent --local`) have: nothing shared in memory. */
const twoStoresOver = (env: ReturnType<typeof configTestLayer>) =>
  Effect.all([Effect.provide(SessionStore, storeOver(env)), Effect.provide(SessionStore, storeOver(env))])

describe("SessionStore on a real state dir", () => {
  it.effect("persists transcripts as JSON lines and reloads them in a new store", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const session = yield* Effect.gen(function*() {
        const store = yield* SessionStore
        const session = yield* store.open("agent:main:main")
        yield* store.append(session, user("one"))
        yield* store.append(session, answer("two"))
        return session
      }).pipe(Effect.provide(storeOver(env)))
      expect(session.transcriptPath).toBe(path.join(env.dir, "agents", "main", "sessions", `${session.sessionId}.jsonl`))
      const lines = fs.readFileSync(session.transcriptPath, "utf8").split("\n")
      expect(lines.at(-1)).toBe("")
      expect(lines.slice(0, -1).map((l) => JSON.parse(l).type)).toEqual(["session", "message", "message"])
      const reloaded = yield* Effect.gen(function*() {
        const store = yield* SessionStore
        const found = yield* store.find("agent:main:main")
        expect(Option.isSome(found)).toBe(true)
        const again = yield* store.open("agent:main:main")
        expect(again.sessionId).toBe(session.sessionId)
        yield* store.append(again, user("three"))
        return yield* store.messages(again)
      }).pipe(Effect.provide(storeOver(env)))
      expect(texts(reloaded)).toEqual(["one", "two", "three"])
      // The chain of parent ids continues across store instances.
      const parsed = fs.readFileSync(session.transcriptPath, "utf8").trim().split("\n").map((l) => JSON.parse(l))
      expect(parsed[3].parentId).toBe(parsed[2].id)
    }))

  it.effect("a line torn by a crash is skipped; earlier lines survive and later appends start on a fresh line", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const session = yield* Effect.gen(function*() {
        const store = yield* SessionStore
        const session = yield* store.open("agent:main:crash")
        yield* store.append(session, user("before"))
        yield* store.append(session, answer("kept"))
        return session
      }).pipe(Effect.provide(storeOver(env)))
      // What a kill in the middle of a write leaves behind: half a line, no newline.
      fs.appendFileSync(session.transcriptPath, '{"type":"message","id":"dead","parentId":null,"timestamp":"2026-')
      const messages = yield* Effect.gen(function*() {
        const store = yield* SessionStore
        expect(texts(yield* store.messages(session))).toEqual(["before", "kept"])
        yield* store.append(session, user("after"))
        return yield* store.messages(session)
      }).pipe(Effect.provide(storeOver(env)))
      expect(texts(messages)).toEqual(["before", "kept", "after"])
      const lines = fs.readFileSync(session.transcriptPath, "utf8").trim().split("\n")
      expect(lines).toHaveLength(5)
      expect(lines[3]).toBe('{"type":"message","id":"dead","parentId":null,"timestamp":"2026-')
      expect(JSON.parse(lines[4] ?? "").message.content[0].text).toBe("after")
    }))

  it.effect("an index that does not decode is moved aside, not overwritten", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const dir = path.join(env.dir, "agents", "main", "sessions")
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, "sessions.json"), "{ not json")
      yield* Effect.gen(function*() {
        const store = yield* SessionStore
        expect((yield* store.list).sessions).toEqual([])
        yield* store.open("agent:main:main")
      }).pipe(Effect.provide(storeOver(env)))
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith("sessions.json.corrupt-"))
      expect(aside).toHaveLength(1)
      expect(fs.readFileSync(path.join(dir, aside[0] ?? ""), "utf8")).toBe("{ not json")
    }))

  it.effect("lists sessions of every agent, newest first, and finds one by id; runs update tokens", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      yield* Effect.gen(function*() {
        const store = yield* SessionStore
        const a = yield* store.open("agent:main:main")
        yield* TestClock.adjust("5 millis")
        yield* store.open("agent:ops:main", { sessionId: "fixed-id" })
        yield* TestClock.adjust("5 millis")
        yield* store.recordRun("agent:main:main", { model: "m1", modelProvider: "fake", inputTokens: 10, outputTokens: 5 })
        const listed = yield* store.list
        expect(listed.path).toBe(path.join(env.dir, "agents", "main", "sessions", "sessions.json"))
        expect(listed.sessions.map((s) => s.key)).toEqual(["agent:main:main", "agent:ops:main"])
        expect(listed.sessions[0]).toMatchObject({ sessionId: a.sessionId, model: "m1", modelProvider: "fake", inputTokens: 10, outputTokens: 5, totalTokens: 15 })
        const byId = yield* store.findById("fixed-id")
        expect(Option.map(byId, (s) => s.key)).toEqual(Option.some("agent:ops:main"))
      }).pipe(Effect.provide(storeOver(env)))
    }))
})

describe("SessionStore keeps every file inside the agent's sessions folder", () => {
  it.effect("an unsafe session id is refused before anything is written", () => {
    const env = configTestLayer()
    return Effect.gen(function*() {
      const store = yield* SessionStore
      for (const id of ["../escape", "a/b", "..", ".hidden", "a\\b"]) {
        const error = yield* Effect.flip(store.open("agent:main:x", { sessionId: id }))
        expect(error.message).toBe(`Invalid session ID: ${id}`)
      }
      expect(fs.existsSync(path.join(env.dir, "agents"))).toBe(false)
      expect(fs.existsSync(path.join(env.dir, "escape.jsonl"))).toBe(false)
      const ok = yield* store.open("agent:main:x", { sessionId: "run-2026.11.30_a" })
      expect(ok.transcriptPath).toBe(path.join(env.dir, "agents", "main", "sessions", "run-2026.11.30_a.jsonl"))
    }).pipe(Effect.provide(storeOver(env)))
  })

  it.effect("a hand-edited index cannot point a transcript outside the folder", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const dir = path.join(env.dir, "agents", "main", "sessions")
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, "sessions.json"), JSON.stringify({
        "agent:main:evil": { sessionId: "../../../../evil", sessionFile: "../../../../evil.jsonl", createdAt: 1, updatedAt: 1 }
      }))
      const session = yield* Effect.flatMap(SessionStore, (store) => store.open("agent:main:evil")).pipe(Effect.provide(storeOver(env)))
      expect(path.dirname(session.transcriptPath)).toBe(dir)
    }))
})

describe("SessionStore index under concurrent writers", () => {
  // Live clock: the cross-process lock polls with real sleeps.
  it.live("two stores on one state dir (a gateway and `agent --local`) lose no index entry", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const [first, second] = yield* twoStoresOver(env)
      yield* Effect.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? first : second).open(`agent:main:s${i}`)),
        { concurrency: "unbounded" }
      )
      const index = JSON.parse(fs.readFileSync(path.join(env.dir, "agents", "main", "sessions", "sessions.json"), "utf8"))
      expect(Object.keys(index).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `agent:main:s${i}`).sort())
      expect(fs.readdirSync(path.join(env.dir, "agents", "main", "sessions")).filter((name) => name.endsWith(".lock"))).toEqual([])
    }))
})

describe("SessionStore as another process writes", () => {
  it.effect("a listing and a lookup see what another store wrote since, a new agent's folder included", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const [gateway, other] = yield* twoStoresOver(env)
      expect((yield* gateway.list).sessions).toEqual([])
      yield* other.open("agent:main:one")
      expect((yield* gateway.list).sessions.map((s) => s.key)).toEqual(["agent:main:one"])
      expect(Option.isSome(yield* gateway.find("agent:main:one"))).toBe(true)
      yield* TestClock.adjust("1 second")
      yield* other.open("agent:ops:two")
      yield* other.recordRun("agent:main:one", { inputTokens: 5, outputTokens: 7 })
      const listed = (yield* gateway.list).sessions
      expect(listed.map((s) => s.key).sort()).toEqual(["agent:main:one", "agent:ops:two"])
      expect(listed.find((s) => s.key === "agent:main:one")?.totalTokens).toBe(12)
    }))

  it.effect("a session's preview follows its transcript as another store appends to it", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const [gateway, other] = yield* twoStoresOver(env)
      const session = yield* other.open("agent:main:chat")
      expect(yield* gateway.preview(session)).toEqual({ firstUserText: undefined, lastText: undefined })
      yield* other.append(session, user("what is up"))
      expect(yield* gateway.preview(session)).toEqual({ firstUserText: "what is up", lastText: "what is up" })
      yield* other.append(session, answer("not much"))
      expect(yield* gateway.preview(session)).toEqual({ firstUserText: "what is up", lastText: "not much" })
    }))
})

describe("SessionStore when the disk fills up", () => {
  /** A store whose disk is full for writes to paths `full` matches while it is switched on. */
  const faultyStore = (env: ReturnType<typeof configTestLayer>, full: (file: string) => boolean) => {
    const state = { on: false }
    // Fresh: the disk layers of `env` build StateFilesLive too, and a shared layer is built only once.
    const files = Layer.fresh(StateFilesLive).pipe(Layer.provideMerge(FaultyFileSystem([diskFull("write", (file) => state.on && full(file))])))
    return { state, layer: SessionStoreLive.pipe(Layer.provide(files), Layer.provide(env.layer)) }
  }

  it.effect("a transcript line that cannot be written fails naming the transcript; earlier lines and the index are intact", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const { state, layer } = faultyStore(env, (file) => file.endsWith(".jsonl"))
      yield* Effect.gen(function*() {
        const store = yield* SessionStore
        const session = yield* store.open("agent:main:main")
        yield* store.append(session, user("one"))
        yield* store.append(session, answer("two"))
        const indexFile = path.join(env.dir, "agents", "main", "sessions", "sessions.json")
        const indexBefore = fs.readFileSync(indexFile, "utf8")
        const before = fs.readFileSync(session.transcriptPath, "utf8")
        state.on = true
        const error = yield* Effect.flip(store.append(session, user("lost")))
        expect(error).toMatchObject({ _tag: "StateIoError", code: "STATE_IO_ERROR", path: session.transcriptPath })
        expect(error.message).toBe(`appending to ${session.transcriptPath} failed: ENOSPC: no space left on device, write`)
        expect(fs.readFileSync(session.transcriptPath, "utf8")).toBe(before)
        expect(fs.readFileSync(indexFile, "utf8")).toBe(indexBefore)
        state.on = false
        expect(texts(yield* store.messages(session))).toEqual(["one", "two"])
        yield* store.append(session, user("three"))
        expect(texts(yield* store.messages(session))).toEqual(["one", "two", "three"])
      }).pipe(Effect.provide(layer))
    }))

  it.effect("an index that cannot be written fails naming the index; the previous index and the transcripts are intact", () =>
    Effect.gen(function*() {
      const env = configTestLayer()
      const { state, layer } = faultyStore(env, (file) => file.includes("sessions.json.") && !file.includes(".lock.") && file.endsWith(".tmp"))
      const dir = path.join(env.dir, "agents", "main", "sessions")
      const indexFile = path.join(dir, "sessions.json")
      yield* Effect.gen(function*() {
        const store = yield* SessionStore
        const session = yield* store.open("agent:main:main")
        yield* store.append(session, user("one"))
        const indexBefore = fs.readFileSync(indexFile, "utf8")
        const transcriptBefore = fs.readFileSync(session.transcriptPath, "utf8")
        state.on = true
        for (const failing of [
          store.recordRun("agent:main:main", { model: "m1", modelProvider: "fake", inputTokens: 10, outputTokens: 5 }),
          Effect.asVoid(store.open("agent:main:second"))
        ]) {
          const error = yield* Effect.flip(failing)
          expect(error).toMatchObject({ _tag: "StateIoError", code: "STATE_IO_ERROR", path: indexFile })
          expect(error.message).toBe(`writing temp file for ${indexFile} failed: ENOSPC: no space left on device, write`)
        }
        expect(fs.readFileSync(indexFile, "utf8")).toBe(indexBefore)
        expect(fs.readFileSync(session.transcriptPath, "utf8")).toBe(transcriptBefore)
        // No temp file or lock file is left behind.
        expect(fs.readdirSync(dir).filter((name) => name.endsWith(".tmp") || name.endsWith(".lock"))).toEqual([])
        state.on = false
        yield* store.recordRun("agent:main:main", { inputTokens: 1, outputTokens: 1 })
        expect((yield* store.list).sessions.map((s) => [s.key, s.totalTokens])).toEqual([["agent:main:main", 2]])
      }).pipe(Effect.provide(layer))
    }))
})
