import { Context, type Duration } from "effect"

/** Timings of the config store: lock wait and poll, watch debounce and retries; tests swap them for fast ones. */
export class ConfigPolicy extends Context.Tag("openclaw/ConfigPolicy")<ConfigPolicy, {
  readonly lockTimeout: Duration.DurationInput
  readonly lockPoll: Duration.DurationInput
  readonly watchDebounce: Duration.DurationInput
  readonly watchMissingRetries: number
}>() {}
