import { Context, type Duration } from "effect"

/** Timings of the doctor's live probes; tests swap them for short ones. */
export class DoctorPolicy extends Context.Tag("openclaw/DoctorPolicy")<DoctorPolicy, {
  /** How long a port probe (TCP connect, then `/healthz`) may take. */
  readonly probeTimeout: Duration.DurationInput
  /** A lock file without a readable owner counts as stale once it is this old. */
  readonly malformedLockAge: Duration.DurationInput
}>() {}
