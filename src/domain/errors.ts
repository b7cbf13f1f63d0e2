import { Schema } from "effect"

/** One problem found while validating a config, addressed by its dotted path (`<root>` for the top). */
export const ConfigIssue = Schema.Struct({
  path: Schema.String,
  message: Schema.String,
  allowedValues: Schema.optionalWith(Schema.Array(Schema.String), { exact: true })
})
export type ConfigIssue = typeof ConfigIssue.Type

/** The config file is not valid JSON5; line and column point at the first bad character. */
export class ConfigParseError extends Schema.TaggedError<ConfigParseError>()("ConfigParseError", {
  code: Schema.tag("CONFIG_PARSE_ERROR"),
  message: Schema.String,
  path: Schema.String,
  line: Schema.optionalWith(Schema.Number, { exact: true }),
  column: Schema.optionalWith(Schema.Number, { exact: true })
}) {}

/**
 * The config does not match the schema (unknown keys, bad types, bad enum values): the file on disk
 * (`stage: "load"`) or the candidate a write would have produced (`stage: "write"`, nothing written).
 */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  code: Schema.tag("CONFIG_INVALID"),
  message: Schema.String,
  stage: Schema.Literal("load", "write"),
  path: Schema.String,
  issues: Schema.Array(ConfigIssue)
}) {}

/** A config path was syntactically wrong (`Invalid path (empty segment): a..b`). */
export class InvalidConfigPath extends Schema.TaggedError<InvalidConfigPath>()("InvalidConfigPath", {
  code: Schema.tag("INVALID_CONFIG_PATH"),
  message: Schema.String
}) {}

/** `config get`/`unset` named a path that is not present in the authored config. */
export class ConfigPathNotFound extends Schema.TaggedError<ConfigPathNotFound>()("ConfigPathNotFound", {
  code: Schema.tag("CONFIG_PATH_NOT_FOUND"),
  message: Schema.String,
  configPath: Schema.String
}) {}

/** A value given on the command line could not be parsed (for example with `--strict-json`). */
export class ConfigValueInvalid extends Schema.TaggedError<ConfigValueInvalid>()("ConfigValueInvalid", {
  code: Schema.tag("CONFIG_VALUE_INVALID"),
  message: Schema.String
}) {}

/** A write would drop entries of a protected map; `--merge` or `--replace` says what was meant. */
export class ConfigProtectedPath extends Schema.TaggedError<ConfigProtectedPath>()("ConfigProtectedPath", {
  code: Schema.tag("CONFIG_PROTECTED_PATH"),
  message: Schema.String,
  configPath: Schema.String,
  dropped: Schema.Array(Schema.String)
}) {}

/** The write guard refused a destructive write; the payload was saved beside the config. */
export class ConfigWriteRejected extends Schema.TaggedError<ConfigWriteRejected>()("ConfigWriteRejected", {
  code: Schema.tag("CONFIG_WRITE_REJECTED"),
  message: Schema.String,
  path: Schema.String,
  reasons: Schema.Array(Schema.String),
  rejectedPath: Schema.String
}) {}

/** The file changed between the read a write was based on and the write itself. */
export class ConfigWriteConflict extends Schema.TaggedError<ConfigWriteConflict>()("ConfigWriteConflict", {
  code: Schema.tag("CONFIG_WRITE_CONFLICT"),
  message: Schema.String,
  path: Schema.String
}) {}

/** Config writes are disabled (`OPENCLAW_NIX_MODE=1`) or the on-disk config must be repaired first. */
export class ConfigWriteBlocked extends Schema.TaggedError<ConfigWriteBlocked>()("ConfigWriteBlocked", {
  code: Schema.tag("CONFIG_WRITE_BLOCKED"),
  message: Schema.String,
  path: Schema.String
}) {}

/** Reading, writing or locking a file failed at the operating-system level. */
export class ConfigIoError extends Schema.TaggedError<ConfigIoError>()("ConfigIoError", {
  code: Schema.tag("CONFIG_IO_ERROR"),
  message: Schema.String,
  path: Schema.String
}) {}

/** Reading, writing or locking a state file (devices, sessions, locks, model health, logs) failed at the OS level. */
export class StateIoError extends Schema.TaggedError<StateIoError>()("StateIoError", {
  code: Schema.tag("STATE_IO_ERROR"),
  message: Schema.String,
  path: Schema.String
}) {}

/** A mutating action was refused because the config was last written by a newer OpenClaw. */
export class VersionGuardBlocked extends Schema.TaggedError<VersionGuardBlocked>()("VersionGuardBlocked", {
  code: Schema.tag("VERSION_GUARD_BLOCKED"),
  message: Schema.String,
  action: Schema.String,
  currentVersion: Schema.String,
  touchedVersion: Schema.String,
  serviceMode: Schema.Boolean
}) {}

/** Every error the config foundation can surface to a person or a client. */
export type ConfigError =
  | ConfigParseError
  | ConfigInvalid
  | InvalidConfigPath
  | ConfigPathNotFound
  | ConfigValueInvalid
  | ConfigProtectedPath
  | ConfigWriteRejected
  | ConfigWriteConflict
  | ConfigWriteBlocked
  | ConfigIoError
  | VersionGuardBlocked
