import { Console, Effect, Option, Schema } from "effect"
import { VERSION } from "../../domain/BuildInfo.js"
import {
  inventoryOk,
  type Maintenance,
  postUpgradeReport,
  PostUpgradeReport,
  sessionModeMessage,
  SessionSqliteReport,
  type SessionStoreInventory,
  StateSqliteReport
} from "../../domain/doctor/maintenance.js"
import { isOlderThanTouched } from "../../domain/Version.js"
import { sessionInventory, stateFiles } from "../../layers/doctor/maintenance.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Paths } from "../../services/Paths.js"
import { ServiceManager } from "../../services/ServiceManager.js"
import { CliExit } from "../CliExit.js"

const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

const inventoryLines = (target: SessionStoreInventory): ReadonlyArray<string> => {
  const head = `  ${target.agentId}: ${target.storePath}`
  if (target.state === "missing") return [`${head} (no index)${target.transcripts > 0 ? `; ${target.transcripts} transcript file(s) with no index` : ""}`]
  if (target.state === "unreadable") return [`${head}: UNREADABLE (${target.problem ?? "does not decode"})`]
  return [
    `${head}: ${target.entries} session(s), ${target.transcripts} transcript file(s)`,
    ...target.missingTranscripts.map((file) => `    missing transcript: ${file}`),
    ...target.unreferencedTranscripts.map((file) => `    unreferenced transcript: ${file}`)
  ]
}

const sessionSqlite = (maintenance: Extract<Maintenance, { _tag: "SessionSqlite" }>, json: boolean) =>
  Effect.gen(function*() {
    const paths = yield* Paths
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    const targets = yield* sessionInventory(paths.stateDir, snapshot.authored, maintenance.selector)
    const readOnly = maintenance.mode === "inspect" || maintenance.mode === "dry-run" || maintenance.mode === "validate"
    // Only validate judges: the other modes report what is there.
    const ok = maintenance.mode === "validate" ? inventoryOk(targets) : true
    const report: SessionSqliteReport = {
      mode: maintenance.mode,
      storage: "files",
      status: readOnly ? "checked" : "skipped",
      ok,
      message: sessionModeMessage(maintenance.mode, maintenance.githubIssue),
      targets
    }
    if (json) yield* printJson(Schema.encodeSync(SessionSqliteReport)(report))
    else {
      yield* Console.log(report.message)
      if (targets.length === 0) yield* Console.log("  No session store selected (the default agent has no sessions.json; try --session-sqlite-all-agents).")
      for (const target of targets) for (const line of inventoryLines(target)) yield* Console.log(line)
    }
    if (!ok) return yield* new CliExit({ code: 1 })
  })

const stateSqlite = (json: boolean) =>
  Effect.gen(function*() {
    const paths = yield* Paths
    const files = yield* stateFiles(paths.stateDir)
    const report: StateSqliteReport = {
      mode: "compact",
      storage: "files",
      status: "skipped",
      ok: true,
      message: `Clawgate keeps shared state in JSON files under ${paths.stateDir}, not in state/openclaw.sqlite: there is no database to checkpoint, VACUUM or verify; nothing was changed.`,
      stateDir: paths.stateDir,
      files
    }
    if (json) return yield* printJson(Schema.encodeSync(StateSqliteReport)(report))
    yield* Console.log(report.message)
    for (const file of files) yield* Console.log(`  ${file.path} (${file.bytes} bytes)`)
  })

const postUpgrade = (json: boolean) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    const configProblem = snapshot.parseError !== undefined
      ? snapshot.parseError.message
      : snapshot.config === undefined && snapshot.exists
      ? snapshot.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")
      : undefined
    const touched = snapshot.config?.meta?.lastTouchedVersion
    const status = yield* Effect.option(Effect.flatMap(ServiceManager, (manager) => manager.status))
    const report = postUpgradeReport({
      currentVersion: VERSION,
      configProblem,
      newerConfigVersion: touched !== undefined && isOlderThanTouched(VERSION, touched) ? touched : undefined,
      service: Option.match(status, {
        onNone: () => undefined,
        onSome: (service) => ({ installed: service.installed, version: service.env?.["OPENCLAW_SERVICE_VERSION"] })
      })
    })
    if (json) yield* printJson(Schema.encodeSync(PostUpgradeReport)(report))
    else {
      yield* Console.log(`Post-upgrade probes (${report.probesRun.join(", ")}):`)
      for (const finding of report.findings) {
        yield* Console.log(`  [${finding.level}] ${finding.probe}: ${finding.message}${finding.fixHint === undefined ? "" : ` Fix: ${finding.fixHint}`}`)
      }
    }
    if (report.findings.some((finding) => finding.level === "error")) return yield* new CliExit({ code: 1 })
  })

/** `doctor --state-sqlite compact`, `--session-sqlite <mode>` and `--post-upgrade`: each its own run and exit code. */
export const runMaintenance = (maintenance: Maintenance, json: boolean) => {
  switch (maintenance._tag) {
    case "StateSqlite":
      return stateSqlite(json)
    case "SessionSqlite":
      return sessionSqlite(maintenance, json)
    case "PostUpgrade":
      return postUpgrade(json)
  }
}
