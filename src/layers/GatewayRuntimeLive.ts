import { Clock, Effect, Layer, Queue, Ref } from "effect"
import { randomUUID } from "node:crypto"
import * as os from "node:os"
import { VERSION } from "../domain/BuildInfo.js"
import { makePresenceIndex } from "../domain/gateway/clientPresence.js"
import { deviceFamilyOf, type GatewayHostFacts, selfPresenceEntry } from "../domain/gateway/selfPresence.js"
import type { PresenceEntry } from "../domain/protocol/methods.js"
import { type GatewaySettings, GatewayRuntime, type Session } from "../services/GatewayRuntime.js"

// The address others would reach this host at: the first external IPv4 interface, if any.
const externalIpv4 = (): string | undefined =>
  Object.values(os.networkInterfaces()).flatMap((list) => list ?? []).find((i) => i.family === "IPv4" && !i.internal)?.address

/** In-memory runtime state, seeded with the settings the gateway started with. */
export const GatewayRuntimeLive = (initial: GatewaySettings) =>
  Layer.effect(
    GatewayRuntime,
    Effect.gen(function*() {
      const settings = yield* Ref.make(initial)
      const ready = yield* Ref.make(false)
      // Mutated in place: copying the map on every connect and disconnect is O(n) each, O(n^2) for a crowd.
      const sessions = new Map<string, Session>()
      const versions = yield* Ref.make({ presence: 0, health: 0 })
      const host = os.hostname()
      const self: GatewayHostFacts = {
        host,
        ip: externalIpv4(),
        version: VERSION,
        platform: `${os.platform()} ${os.release()}`,
        deviceFamily: deviceFamilyOf(os.platform()),
        instanceId: randomUUID()
      }
      // A sliding queue of one: any number of session changes leave a single pending signal.
      const dirty = yield* Queue.sliding<void>(1)
      const presenceIndex = makePresenceIndex(host)
      let clients: { readonly version: number; readonly entries: ReadonlyArray<PresenceEntry> } | undefined
      const bumpPresence = Ref.update(versions, (v) => ({ ...v, presence: v.presence + 1 })).pipe(Effect.zipRight(Queue.offer(dirty, undefined)))
      return {
        startedAtMs: yield* Clock.currentTimeMillis,
        bootId: randomUUID(),
        settings: Ref.get(settings),
        setSettings: (next) => Ref.set(settings, next).pipe(Effect.withSpan("GatewayRuntime.setSettings")),
        ready: Ref.get(ready),
        setReady: (value) => Ref.set(ready, value),
        addSession: (session) =>
          Effect.sync(() => {
            const previous = sessions.get(session.connId)
            if (previous !== undefined) presenceIndex.remove(previous)
            sessions.set(session.connId, session)
            presenceIndex.add(session)
          }).pipe(Effect.zipRight(bumpPresence)),
        removeSession: (connId) =>
          Effect.suspend(() => {
            const removed = sessions.get(connId)
            if (removed === undefined) return Effect.void
            sessions.delete(connId)
            presenceIndex.remove(removed)
            return bumpPresence
          }),
        sessions: Effect.sync(() => [...sessions.values()]),
        sessionCount: Effect.sync(() => sessions.size),
        presence: Effect.map(Effect.zip(Clock.currentTimeMillis, Ref.get(versions)), ([now, { presence: version }]) => {
          // Built once per presence change, not per call: each hello-ok carries it, and a connect storm asks it n times.
          if (clients === undefined || clients.version !== version) clients = { version, entries: presenceIndex.entries() }
          return [selfPresenceEntry(self, now), ...clients.entries]
        }),
        presenceChanged: Queue.take(dirty),
        stateVersion: Ref.get(versions),
        closeSessions: Effect.fn("GatewayRuntime.closeSessions")(function*(predicate: (session: Session) => boolean, code: number, reason: string) {
          const matching = [...sessions.values()].filter(predicate)
          yield* Effect.forEach(matching, (s) => s.close(code, reason), { discard: true })
          return matching.length
        })
      }
    })
  )

