import { Context, type Duration, type Effect } from "effect"

/** Timings of the config store: lock wait and poll, watch debounce and retries; tests swap them for fast ones. */
export class ConfigPolicy extends Context.Tag("openclaw/ConfigPolicy")<ConfigPolicy, {
  readonly lockTimeout: Duration.DurationInput
  readonly lockPoll: Duration.DurationInput
  /** Test-only: widens the write lock's race windows (see `LockPolicy.raceWindow`). */
  readonly lockRaceWindow?: Effect.Effect<void>
  readonly watchDebounce: Duration.DurationInput
  readonly watchMissingRetries: number
}>() {}
