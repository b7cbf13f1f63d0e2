import { Context, type Effect } from "effect"
import type { DoctorConfigUnrecoverable } from "../domain/doctor/errors.js"
import type { DoctorRun } from "../domain/doctor/posture.js"
import type { DoctorReport } from "../domain/doctor/report.js"
import type { ConfigIoError } from "../domain/errors.js"

/**
 * `openclaw doctor`: runs the selected health checks and, when the run allows it, the repairs
 * (config recovery and migrations through the config write path, permissions, stale locks, token,
 * service lifecycle with `--yes`). Fails only when it cannot produce findings at all, or when
 * `--fix` meets a config it can neither parse nor restore.
 */
export class Doctor extends Context.Tag("openclaw/Doctor")<Doctor, {
  readonly run: (run: DoctorRun) => Effect.Effect<DoctorReport, DoctorConfigUnrecoverable | ConfigIoError>
}>() {}
