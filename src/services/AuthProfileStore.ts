import { Context, type Effect } from "effect"
import type { AuthProfile, AuthProfileFile, AuthStoreInvalid } from "../domain/auth/authProfiles.js"
import type { StateIoError } from "../domain/errors.js"

/** The per-agent store of provider credentials (API keys, tokens, env SecretRefs to them) that onboarding writes. */
export class AuthProfileStore extends Context.Tag("openclaw/AuthProfileStore")<AuthProfileStore, {
  /** Where the store file is. */
  readonly location: Effect.Effect<string>
  /** The store; empty when the file does not exist. */
  readonly read: Effect.Effect<AuthProfileFile, StateIoError | AuthStoreInvalid>
  /** Sets these profiles (replacing same-id ones) in one locked read-modify-write; the file stays 0600. */
  readonly upsert: (profiles: Readonly<Record<string, AuthProfile>>) => Effect.Effect<void, StateIoError | AuthStoreInvalid>
  /** Deletes the store file (`onboard --reset`); true when there was one. */
  readonly remove: Effect.Effect<boolean, StateIoError>
}>() {}
