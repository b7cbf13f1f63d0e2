import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"
import { flag } from "./optionKinds.js"


/** `openclaw doctor`: health checks and repairs for config, state, auth and the gateway service. */
export const doctorCommand = Command.make(
  "doctor",
  {
    fix: flag("fix", "Apply recommended non-service repairs without prompting (alias: --repair)"),
    repair: flag("repair", "Same as --fix"),
    yes: flag("yes", "Accept the default repairs, including installing or starting the gateway service"),
    nonInteractive: flag("non-interactive", "Never prompt; alone it applies only safe migrations (legacy config keys)"),
    json: flag("json", "Print the read-only findings report as JSON (exit 0)"),
    lint: flag("lint", "Read-only findings for CI: exit 1 when a finding meets --severity-min, 2 on failure"),
    severityMin: Options.choice("severity-min", ["info", "warning", "error"]).pipe(
      Options.optional,
      Options.withDescription("With --lint: drop findings below this severity (default warning)")
    ),
    all: flag("all", "With --lint: run every registered check, including opt-in ones"),
    only: Options.text("only").pipe(Options.repeated, Options.withDescription("With --lint: run only this check id (repeatable)")),
    skip: Options.text("skip").pipe(Options.repeated, Options.withDescription("With --lint: skip this check id (repeatable)")),
    deep: flag("deep", "Also scan system-level services for extra gateway installs"),
    generateGatewayToken: flag("generate-gateway-token", "Generate and configure a gateway token when token auth has none"),
    force: flag("force", "Allow aggressive repair choices: with --yes, overwrite custom service definition edits"),
    noWorkspaceSuggestions: flag("no-workspace-suggestions", "Disable workspace memory system suggestions (this version makes none)"),
    allowExec: flag("allow-exec", "Allow exec SecretRefs while checking secrets (this version never runs them; doctor names the ones configured)"),
    postUpgrade: flag("post-upgrade", "Post-upgrade probes (config loads, config and service versions); exit 1 on an error finding"),
    stateSqlite: Options.text("state-sqlite").pipe(Options.optional, Options.withDescription("Shared state maintenance (mode: compact); Clawgate keeps state in files and lists them")),
    sessionSqlite: Options.text("session-sqlite").pipe(
      Options.optional,
      Options.withDescription("Session store check: inspect, dry-run, import, validate, compact, recover, restore (sessions are files here)")
    ),
    sessionSqliteAgent: Options.text("session-sqlite-agent").pipe(Options.optional, Options.withDescription("With --session-sqlite: one agent's store")),
    sessionSqliteAllAgents: flag("session-sqlite-all-agents", "With --session-sqlite: configured and discovered agents' stores"),
    sessionSqliteStore: Options.text("session-sqlite-store").pipe(Options.optional, Options.withDescription("With --session-sqlite: one sessions.json path")),
    githubIssue: flag("github-issue", "With --session-sqlite recover: prepare an issue report for a failed migration")
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/doctor.js")), (m) =>
      m.doctor({
        fix: args.fix,
        repair: args.repair,
        yes: args.yes,
        nonInteractive: args.nonInteractive,
        json: args.json,
        lint: args.lint,
        deep: args.deep,
        generateGatewayToken: args.generateGatewayToken,
        force: args.force,
        workspaceSuggestions: !args.noWorkspaceSuggestions,
        severityMin: Option.getOrUndefined(args.severityMin),
        all: args.all,
        only: args.only,
        skip: args.skip
      }, {
        allowExec: args.allowExec,
        postUpgrade: args.postUpgrade,
        stateSqlite: Option.getOrUndefined(args.stateSqlite),
        sessionSqlite: Option.getOrUndefined(args.sessionSqlite),
        sessionSqliteAgent: Option.getOrUndefined(args.sessionSqliteAgent),
        sessionSqliteAllAgents: args.sessionSqliteAllAgents,
        sessionSqliteStore: Option.getOrUndefined(args.sessionSqliteStore),
        githubIssue: args.githubIssue
      }))
).pipe(Command.withDescription(summaryOf("doctor")))
