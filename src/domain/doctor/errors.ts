import { Schema } from "effect"

/** Doctor flags that do not go together (`--json --fix`, `--only` without `--lint`). Exit 2. */
export class DoctorUsageError extends Schema.TaggedError<DoctorUsageError>()("DoctorUsageError", {
  code: Schema.tag("DOCTOR_USAGE"),
  message: Schema.String
}) {}

/** `doctor --fix` found an unparseable config with nothing safe to restore; the file was left untouched. */
export class DoctorConfigUnrecoverable extends Schema.TaggedError<DoctorConfigUnrecoverable>()("DoctorConfigUnrecoverable", {
  code: Schema.tag("DOCTOR_CONFIG_UNRECOVERABLE"),
  message: Schema.String,
  path: Schema.String
}) {}
