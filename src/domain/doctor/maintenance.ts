import { Either, Schema } from "effect"
import { isRecord } from "../isRecord.js"
import { opt } from "../opt.js"
import { DoctorUsageError } from "./errors.js"

/** The original's session SQLite migration modes. */
export const SESSION_SQLITE_MODES = ["inspect", "dry-run", "import", "validate", "compact", "recover", "restore"] as const
export type SessionSqliteMode = typeof SESSION_SQLITE_MODES[number]

/** The doctor flags of the original's SQLite maintenance and post-upgrade postures, as parsed. */
export interface MaintenanceFlags {
  readonly stateSqlite: string | undefined
  readonly sessionSqlite: string | undefined
  readonly sessionSqliteAgent: string | undefined
  readonly sessionSqliteAllAgents: boolean
  readonly sessionSqliteStore: string | undefined
  readonly githubIssue: boolean
  readonly postUpgrade: boolean
}

/** Which session stores a `--session-sqlite` run looks at. */
export type SessionSelector =
  | { readonly _tag: "Default" }
  | { readonly _tag: "Agent"; readonly agentId: string }
  | { readonly _tag: "AllAgents" }
  | { readonly _tag: "Store"; readonly path: string }

/** A maintenance posture that replaces the ordinary doctor run. */
export type Maintenance =
  | { readonly _tag: "StateSqlite"; readonly mode: "compact" }
  | { readonly _tag: "SessionSqlite"; readonly mode: SessionSqliteMode; readonly selector: SessionSelector; readonly githubIssue: boolean }
  | { readonly _tag: "PostUpgrade" }

const usage = (message: string) => Either.left(new DoctorUsageError({ message }))

/**
 * Checks the maintenance flags the way the original's docs describe them (the one `--state-sqlite` mode
 * is `compact`; selectors and `--github-issue` need `--session-sqlite`; one posture per run; none of them
 * with a repair or lint run) and picks the posture, or `undefined` for an ordinary doctor run.
 */
export const planMaintenance = (flags: MaintenanceFlags, repairsOrLint: boolean): Either.Either<Maintenance | undefined, DoctorUsageError> => {
  const selectors = [flags.sessionSqliteAgent !== undefined, flags.sessionSqliteAllAgents, flags.sessionSqliteStore !== undefined].filter(Boolean).length
  const postures = [flags.stateSqlite !== undefined, flags.sessionSqlite !== undefined, flags.postUpgrade].filter(Boolean).length
  if (selectors > 0 && flags.sessionSqlite === undefined) {
    return usage("--session-sqlite-agent, --session-sqlite-all-agents and --session-sqlite-store select stores for --session-sqlite <mode>; add it.")
  }
  if (flags.githubIssue && flags.sessionSqlite !== "recover") return usage("--github-issue is only accepted with --session-sqlite recover.")
  if (selectors > 1) return usage("Choose one of --session-sqlite-agent, --session-sqlite-all-agents and --session-sqlite-store.")
  if (postures > 1) return usage("--state-sqlite, --session-sqlite and --post-upgrade are separate doctor modes; run one at a time.")
  if (postures === 1 && repairsOrLint) return usage("--state-sqlite, --session-sqlite and --post-upgrade run on their own; drop --fix, --repair, --yes, --lint and --generate-gateway-token.")
  if (flags.stateSqlite !== undefined) {
    return flags.stateSqlite === "compact" ? Either.right({ _tag: "StateSqlite", mode: "compact" }) : usage(`Unknown --state-sqlite mode "${flags.stateSqlite}": the only mode is compact.`)
  }
  if (flags.sessionSqlite !== undefined) {
    const mode = SESSION_SQLITE_MODES.find((known) => known === flags.sessionSqlite)
    if (mode === undefined) return usage(`Unknown --session-sqlite mode "${flags.sessionSqlite}": use ${SESSION_SQLITE_MODES.join(", ")}.`)
    const selector: SessionSelector = flags.sessionSqliteAgent !== undefined
      ? { _tag: "Agent", agentId: flags.sessionSqliteAgent }
      : flags.sessionSqliteAllAgents
      ? { _tag: "AllAgents" }
      : flags.sessionSqliteStore !== undefined
      ? { _tag: "Store", path: flags.sessionSqliteStore }
      : { _tag: "Default" }
    return Either.right({ _tag: "SessionSqlite", mode, selector, githubIssue: flags.githubIssue })
  }
  return Either.right(flags.postUpgrade ? { _tag: "PostUpgrade" } : undefined)
}

/** One session store (an agent's `sessions.json` and its transcripts) as found on disk. */
export const SessionStoreInventory = Schema.Struct({
  agentId: Schema.String,
  storePath: Schema.String,
  /** `missing`: no index file; `unreadable`: it does not decode as a session index. */
  state: Schema.Literal("ok", "missing", "unreadable"),
  entries: Schema.Number,
  transcripts: Schema.Number,
  /** Index entries whose transcript file is gone. */
  missingTranscripts: Schema.Array(Schema.String),
  /** `*.jsonl` files in the sessions folder no entry points at. */
  unreferencedTranscripts: Schema.Array(Schema.String),
  problem: opt(Schema.String)
})
export type SessionStoreInventory = typeof SessionStoreInventory.Type

/** `doctor --session-sqlite <mode> --json`. */
export const SessionSqliteReport = Schema.Struct({
  mode: Schema.String,
  storage: Schema.Literal("files"),
  /** `checked`: inspected (read-only modes); `skipped`: a SQLite-only operation with nothing to do on files. */
  status: Schema.Literal("checked", "skipped"),
  ok: Schema.Boolean,
  message: Schema.String,
  targets: Schema.Array(SessionStoreInventory)
})
export type SessionSqliteReport = typeof SessionSqliteReport.Type

/** `doctor --state-sqlite compact --json`. */
export const StateSqliteReport = Schema.Struct({
  mode: Schema.Literal("compact"),
  storage: Schema.Literal("files"),
  status: Schema.Literal("skipped"),
  ok: Schema.Literal(true),
  message: Schema.String,
  stateDir: Schema.String,
  files: Schema.Array(Schema.Struct({ path: Schema.String, bytes: Schema.Number }))
})
export type StateSqliteReport = typeof StateSqliteReport.Type

/** What `--session-sqlite <mode>` does here, in words the user reads first. */
export const sessionModeMessage = (mode: SessionSqliteMode, githubIssue: boolean): string => {
  const files = "Clawgate keeps sessions in files (agents/<id>/sessions/sessions.json and one .jsonl transcript per session), not in SQLite"
  switch (mode) {
    case "inspect":
    case "dry-run":
      return `${files}: nothing to import. Inventory of the selected stores (read-only):`
    case "validate":
      return `${files}: validated each index entry against its transcript file.`
    case "import":
      return `${files}: these files stay the live store, so there is nothing to import; nothing was changed.`
    case "compact":
      return `${files}: there is no database to checkpoint or VACUUM; nothing was changed.`
    case "restore":
      return `${files}: transcripts are never archived into a database, so there is nothing to restore; nothing was changed.`
    case "recover":
      return `${files}: no SQLite migration ran, so there is no failed migration to recover; nothing was changed.${githubIssue ? " --github-issue: there is no failure to report, so no issue was prepared." : ""}`
  }
}

/** Whether a read-only session run is healthy: every store readable and every entry with its transcript. */
export const inventoryOk = (targets: ReadonlyArray<SessionStoreInventory>) =>
  targets.every((target) => target.state !== "unreadable" && target.missingTranscripts.length === 0)

/** Config paths holding an `exec` SecretRef (`{source: "exec", provider, id}`), which this version never runs. */
export const execSecretRefPaths = (config: unknown, path: ReadonlyArray<string> = []): ReadonlyArray<string> => {
  if (Array.isArray(config)) return config.flatMap((item, index) => execSecretRefPaths(item, [...path, String(index)]))
  if (!isRecord(config)) return []
  if (config["source"] === "exec" && typeof config["id"] === "string") return [path.join(".")]
  return Object.entries(config).flatMap(([key, value]) => execSecretRefPaths(value, [...path, key]))
}

/** One post-upgrade probe finding (`level: "error"` fails the run). */
export const PostUpgradeFinding = Schema.Struct({
  probe: Schema.String,
  level: Schema.Literal("info", "warning", "error"),
  message: Schema.String,
  fixHint: opt(Schema.String)
})
export type PostUpgradeFinding = typeof PostUpgradeFinding.Type

/** `doctor --post-upgrade --json`: the original's envelope. */
export const PostUpgradeReport = Schema.Struct({ probesRun: Schema.Array(Schema.String), findings: Schema.Array(PostUpgradeFinding) })
export type PostUpgradeReport = typeof PostUpgradeReport.Type

/** What the post-upgrade probes look at. */
export interface PostUpgradeFacts {
  readonly currentVersion: string
  /** Why openclaw.json does not load under this version, if it does not. */
  readonly configProblem: string | undefined
  /** `meta.lastTouchedVersion` is newer than this CLI (then the version it names). */
  readonly newerConfigVersion: string | undefined
  /** The installed gateway service, `undefined` when no service manager answers. */
  readonly service: { readonly installed: boolean; readonly version: string | undefined } | undefined
}

/**
 * The post-upgrade probes of this version: the config loads and was not written by a newer version, and
 * the installed gateway service was written by this version. There is no plugin host, so the original's
 * plugin compatibility probes have nothing to probe (said as an info finding).
 */
export const postUpgradeReport = (facts: PostUpgradeFacts): PostUpgradeReport => {
  const findings: Array<PostUpgradeFinding> = []
  if (facts.configProblem !== undefined) {
    findings.push({ probe: "config.load", level: "error", message: `openclaw.json does not load under ${facts.currentVersion}: ${facts.configProblem}`, fixHint: "openclaw config validate, then openclaw doctor --fix" })
  }
  if (facts.newerConfigVersion !== undefined) {
    findings.push({
      probe: "config.version",
      level: "error",
      message: `openclaw.json was last written by OpenClaw ${facts.newerConfigVersion}, newer than this CLI (${facts.currentVersion}).`,
      fixHint: "run the newer openclaw, or upgrade this one"
    })
  }
  if (facts.service === undefined) {
    findings.push({ probe: "service.version", level: "info", message: "No service manager answered: the gateway service probe was skipped." })
  } else if (facts.service.installed && facts.service.version !== facts.currentVersion) {
    findings.push({
      probe: "service.version",
      level: "warning",
      message: `The gateway service was installed by OpenClaw ${facts.service.version ?? "(unknown)"}; this CLI is ${facts.currentVersion}.`,
      fixHint: "openclaw gateway restart (repairs the definition), or openclaw gateway install --force"
    })
  }
  findings.push({ probe: "plugins.compat", level: "info", message: "This version runs no plugin host: there are no plugin compatibility probes to run." })
  return { probesRun: ["config.load", "config.version", "service.version", "plugins.compat"], findings }
}
