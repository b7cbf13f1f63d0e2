import { Either } from "effect"
import { substituteEnv } from "../config/envSubstitution.js"
import { validateConfig } from "../config/validate.js"
import type { ConfigIssue } from "../errors.js"
import { isOlderThanTouched, newerConfigWarning } from "../Version.js"
import { CheckId } from "./checks.js"
import type { Finding } from "./Finding.js"
import { planLegacyMigration } from "./legacyKeys.js"
import { touchedVersionOf } from "../Version.js"

/** What doctor knows about `openclaw.json` (a `ConfigSnapshot` fits). */
export interface ConfigFacts {
  readonly path: string
  readonly exists: boolean
  readonly parseError: { readonly message: string; readonly line?: number; readonly column?: number } | undefined
  /** Schema issues of the file as it is. */
  readonly issues: ReadonlyArray<ConfigIssue>
  /** The parsed file, `${VAR}` not substituted; undefined when unparseable. */
  readonly authored: unknown
}

const UNKNOWN_KEY = /^Unrecognized key: /

/** Issues that remain once the legacy rewrite has run: what validation still rejects. */
export const issuesAfterLegacy = (config: ConfigFacts, env: Readonly<Record<string, string | undefined>>): ReadonlyArray<ConfigIssue> => {
  if (config.authored === undefined || config.issues.length === 0) return config.issues
  const migrated = planLegacyMigration(config.authored).next
  return Either.match(validateConfig(substituteEnv(migrated, env).value), { onLeft: (issues) => issues, onRight: () => [] })
}

/** `core/doctor/final-config-validation`: the file parses and validates (legacy keys are reported separately). */
export const configValidationFindings = (config: ConfigFacts, env: Readonly<Record<string, string | undefined>>): ReadonlyArray<Finding> => {
  if (!config.exists) return []
  if (config.parseError !== undefined) {
    return [{
      checkId: CheckId.configValidation,
      severity: "error",
      message: config.parseError.message,
      path: config.path,
      ...(config.parseError.line === undefined ? {} : { line: config.parseError.line }),
      ...(config.parseError.column === undefined ? {} : { column: config.parseError.column }),
      fixHint: "Run `openclaw doctor --fix` to strip a non-JSON prefix or restore the last-known-good config; `openclaw config validate` shows the parse position."
    }]
  }
  return issuesAfterLegacy(config, env).map((issue): Finding => ({
    checkId: CheckId.configValidation,
    severity: "error",
    message: issue.message,
    path: issue.path,
    fixHint: UNKNOWN_KEY.test(issue.message)
      ? "Run `openclaw doctor --fix` to remove unknown keys (each removal is listed)."
      : "Fix the value with `openclaw config set`, or run `openclaw doctor --fix` to restore the last-known-good config."
  }))
}

/** `core/doctor/legacy-config`: retired keys still in the file. */
export const legacyConfigFindings = (config: ConfigFacts): ReadonlyArray<Finding> => {
  if (config.authored === undefined) return []
  return planLegacyMigration(config.authored).migrations.map((migration): Finding => ({
    checkId: CheckId.legacyConfig,
    severity: migration.blocking ? "error" : "warning",
    message: migration.message,
    path: migration.path,
    fixHint: migration.change === undefined
      ? "Migrate this key by hand against the current config reference, then run `openclaw config validate`."
      : "Run `openclaw doctor --fix` to migrate legacy config keys."
  }))
}

/** `core/doctor/config-version`: the config was last written by a newer OpenClaw (spec 5). */
export const configVersionFindings = (config: ConfigFacts, currentVersion: string): ReadonlyArray<Finding> => {
  const touched = touchedVersionOf(config.authored)
  if (touched === undefined || !isOlderThanTouched(currentVersion, touched)) return []
  return [{
    checkId: CheckId.configVersion,
    severity: "warning",
    message: newerConfigWarning(touched, currentVersion),
    path: "meta.lastTouchedVersion",
    fixHint: "Run the newer openclaw binary on PATH, or reinstall the intended gateway service from the newer install."
  }]
}
