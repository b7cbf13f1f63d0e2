import { Context, type Effect } from "effect"
import type { ResolvedAuth } from "../domain/auth/resolveAuth.js"
import type { OpenClawConfig } from "../domain/config/ConfigSchema.js"
import type { ConnectParams } from "../domain/protocol/frames.js"
import type { PresenceEntry } from "../domain/protocol/methods.js"

/** One authenticated WebSocket session. */
export interface Session {
  readonly connId: string
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly deviceId: string | undefined
  readonly authMethod: string
  readonly clientId: string
  readonly clientMode: string
  readonly clientVersion: string
  readonly platform: string
  readonly ip: string
  readonly connectedAtMs: number
  readonly close: (code: number, reason: string) => Effect.Effect<void>
  /** The connect params as sent (a node's caps, commands and permissions). */
  readonly connect?: ConnectParams
  /** Completes when the socket has closed (a node gone mid-invoke fails that invoke at once). */
  readonly closed?: Effect.Effect<void>
}

/** What the running gateway serves with; replaced as a whole on hot reload. */
export interface GatewaySettings {
  readonly config: OpenClawConfig
  readonly configHash: string | undefined
  readonly auth: ResolvedAuth
  readonly bindMode: string
  readonly bindHost: string
  readonly port: number
}

/** The running gateway's shared state: settings, sessions, presence, readiness. */
export class GatewayRuntime extends Context.Tag("openclaw/GatewayRuntime")<GatewayRuntime, {
  readonly startedAtMs: number
  /** Unique per gateway process: lets probes tell distinct gateways from several routes to one. */
  readonly bootId: string
  readonly settings: Effect.Effect<GatewaySettings>
  readonly setSettings: (settings: GatewaySettings) => Effect.Effect<void>
  readonly ready: Effect.Effect<boolean>
  readonly setReady: (ready: boolean) => Effect.Effect<void>
  readonly addSession: (session: Session) => Effect.Effect<void>
  readonly removeSession: (connId: string) => Effect.Effect<void>
  readonly sessions: Effect.Effect<ReadonlyArray<Session>>
  /** How many sessions there are (without listing them: `health` asks on every call). */
  readonly sessionCount: Effect.Effect<number>
  readonly presence: Effect.Effect<ReadonlyArray<PresenceEntry>>
  /** Waits until sessions changed since the last call (changes in between coalesce into one). */
  readonly presenceChanged: Effect.Effect<void>
  /** Bumped on every presence / health change; rides on those events as `stateVersion`. */
  readonly stateVersion: Effect.Effect<{ readonly presence: number; readonly health: number }>
  /** Closes every session matching `predicate` with the given code and reason. */
  readonly closeSessions: (predicate: (session: Session) => boolean, code: number, reason: string) => Effect.Effect<number>
}>() {}
