import { Args, Command, Options } from "@effect/cli"
import { Effect, Option, Struct } from "effect"
import { gatewayClientOptions, toGatewayClientOptions } from "./connectionOptions.js"
import { applyGroupGatewayOptions, groupGatewayOptions } from "./groupGatewayOptions.js"
import { flag, optionalInteger as integer, optionalText as text } from "./optionKinds.js"
import { summaryOf } from "../commandSummaries.js"
import { RUN_WAIT_POLL_INTERVAL_DEFAULT, RUN_WAIT_TIMEOUT_DEFAULT } from "../../domain/cron/runWait.js"

const handlers = () => import("../handlers/cron.js")
const json = flag("json", "Explicit machine-output spelling (command results are JSON by default)")
const value = <A>(o: Option.Option<A>) => Option.getOrUndefined(o)

const jobOptions = {
  name: text("name", "Job name"),
  at: text("at", "One-shot time (ISO, offset-less uses --tz) or duration like 20m"),
  every: text("every", "Interval duration (e.g. 10m, 1h)"),
  cron: text("cron", "Cron expression (5-field or 6-field with seconds)"),
  tz: text("tz", "Timezone for cron expressions (IANA; cron default: Gateway host local timezone)"),
  exact: flag("exact", "Disable cron staggering (set stagger to 0)"),
  stagger: text("stagger", "Cron stagger window (e.g. 30s, 5m)"),
  systemEvent: text("system-event", "System event payload (main session)"),
  message: text("message", "Agent message payload"),
  command: text("command", "Command payload run as sh -lc <shell> on the Gateway"),
  commandArgv: text("command-argv", "Command payload argv as JSON array of strings"),
  commandCwd: text("command-cwd", "Working directory for command payloads"),
  model: text("model", "Model override for agent jobs (provider/model or alias)"),
  thinking: text("thinking", "Thinking level for agent jobs"),
  timeoutSeconds: integer("timeout-seconds", "Timeout seconds for agent or command jobs (0 disables)"),
  session: text("session", "Session target (main|isolated|current|session:<id>)"),
  wake: text("wake", "Wake mode (now|next-heartbeat)"),
  announce: flag("announce", "Fallback-deliver final text to a chat"),
  noDeliver: flag("no-deliver", "Disable runner fallback delivery"),
  channel: text("channel", "Delivery channel (last|<channel-plugin-id>)"),
  to: text("to", "Delivery destination (E.164, Telegram chatId, or Discord channel/user)"),
  account: text("account", "Channel account id for delivery (multi-account setups)"),
  webhook: text("webhook", "POST the finished payload to a webhook URL"),
  bestEffort: flag("best-effort-deliver", "Do not fail the job if delivery fails"),
  agent: text("agent", "Agent id for this job"),
  description: text("description", "Job description"),
  fallbacks: text("fallbacks", "Fallback model list for agent jobs (comma or space separated; \"\" for none)"),
  lightContext: flag("light-context", "Use lightweight bootstrap context for agent jobs"),
  commandEnv: Options.text("command-env").pipe(Options.repeated, Options.withDescription("Environment override for command payloads (KEY=VALUE, repeatable)")),
  commandInput: text("command-input", "stdin for command payloads"),
  displayName: text("display-name", "Human-readable job label"),
  sessionKey: text("session-key", "Session key for job routing"),
  threadId: text("thread-id", "Telegram forum topic thread id"),
  deliver: flag("deliver", "Deprecated (use --announce). Fallback-delivers final text to a chat."),
  keepAfterRun: flag("keep-after-run", "Keep one-shot job after it succeeds"),
  // Script payloads and condition triggers.
  script: text("script", "Headless script payload file, or - for stdin"),
  scriptTimeoutSeconds: integer("script-timeout-seconds", "Script wall-clock timeout seconds (default 300, at most 900)"),
  scriptToolBudget: integer("script-tool-budget", "Maximum script tool calls (default 50, at most 200)"),
  triggerScript: text("trigger-script", "Condition script file, or - for stdin"),
  triggerOnce: flag("trigger-once", "Disable after the first successful triggered run"),
  // Tool allow-list (agent turns) and output bounds (command payloads).
  tools: text("tools", "Restrict the tools an agent-turn job may use (comma or space separated, e.g. exec,read)"),
  outputMaxBytes: integer("output-max-bytes", "Command payloads: output kept per stream (its last bytes)"),
  noOutputTimeoutSeconds: integer("no-output-timeout-seconds", "Command payloads: kill the process after this many seconds without output"),
  // Event schedules and pacing.
  onExit: text("on-exit", "Fire once when the watched command exits (run as sh -lc <shell> by the Gateway)"),
  onExitCwd: text("on-exit-cwd", "Working directory for the --on-exit watched command"),
  streamCommand: text("stream-command", "Stream source argv as a JSON array of strings"),
  streamCwd: text("stream-cwd", "Working directory for the stream source"),
  streamMode: text("stream-mode", "Stream line selection mode (line|match)"),
  streamMatch: text("stream-match", "Regex source required for stream match mode"),
  streamBatchMs: integer("stream-batch-ms", "Quiet-window batch delay in milliseconds (clamped to 50-5000)"),
  streamMaxBatchBytes: integer("stream-max-batch-bytes", "Maximum UTF-8 bytes per stream batch (clamped to 1024-65536)"),
  pacingMin: text("pacing-min", "Minimum delay for a dynamic next check (e.g. 15m)"),
  pacingMax: text("pacing-max", "Maximum delay for a dynamic next check (e.g. 4h)")
}

/** `cron edit`'s own flags: remove a stored field (`--clear-*`) or turn a stored boolean off (`--no-*`). */
const editOnlyOptions = {
  clearAccount: flag("clear-account", "Unset the per-job delivery account override"),
  clearAgent: flag("clear-agent", "Unset agent and use default"),
  clearChannel: flag("clear-channel", "Unset the delivery channel"),
  clearDisplayName: flag("clear-display-name", "Restore the stable name in list and detail views"),
  clearFallbacks: flag("clear-fallbacks", "Remove per-job fallback override"),
  clearModel: flag("clear-model", "Remove the per-job model override (restore normal cron model precedence)"),
  clearSessionKey: flag("clear-session-key", "Unset session key"),
  clearThinking: flag("clear-thinking", "Remove the per-job thinking override (restore normal cron thinking precedence)"),
  clearThreadId: flag("clear-thread-id", "Unset the Telegram forum topic thread id"),
  clearTo: flag("clear-to", "Unset the delivery destination"),
  clearTools: flag("clear-tools", "Remove tool allow-list (use all tools)"),
  noBestEffort: flag("no-best-effort-deliver", "Fail job when delivery fails"),
  noLightContext: flag("no-light-context", "Disable lightweight bootstrap context for agent jobs")
}

// `cron edit`'s per-job failure-alert tuning (the gateway merges the fields over the job's policy).
const failureAlertOptions = {
  failureAlert: flag("failure-alert", "Enable failure alerts for this job"),
  noFailureAlert: flag("no-failure-alert", "Disable failure alerts for this job"),
  failureAlertAfter: text("failure-alert-after", "Alert after N consecutive job errors"),
  failureAlertChannel: text("failure-alert-channel", "Failure alert channel (last|<channel-plugin-id>)"),
  failureAlertTo: text("failure-alert-to", "Failure alert destination (chat peer, or webhook URL in webhook mode)"),
  failureAlertCooldown: text("failure-alert-cooldown", "Minimum time between alerts (e.g. 1h, 30m)"),
  failureAlertIncludeSkipped: flag("failure-alert-include-skipped", "Count consecutive skipped runs toward failure alerts"),
  failureAlertExcludeSkipped: flag("failure-alert-exclude-skipped", "Do not alert on skipped runs"),
  failureAlertMode: text("failure-alert-mode", "Failure alert delivery mode (announce|webhook)"),
  failureAlertAccountId: text("failure-alert-account-id", "Account ID for failure alert channel (multi-account setups)")
}
type FailureAlertArgs = { readonly [K in keyof typeof failureAlertOptions]: OptionValue<(typeof failureAlertOptions)[K]> }
const failureAlertFlagsOf = (a: FailureAlertArgs) => ({
  failureAlert: a.failureAlert,
  noFailureAlert: a.noFailureAlert,
  after: value(a.failureAlertAfter),
  channel: value(a.failureAlertChannel),
  to: value(a.failureAlertTo),
  cooldown: value(a.failureAlertCooldown),
  includeSkipped: a.failureAlertIncludeSkipped,
  excludeSkipped: a.failureAlertExcludeSkipped,
  mode: value(a.failureAlertMode),
  accountId: value(a.failureAlertAccountId)
})

type OptionValue<O> = O extends Options.Options<infer A> ? A : never
type JobArgs = { readonly [K in keyof typeof jobOptions]: OptionValue<(typeof jobOptions)[K]> }
const flagsOf = (a: JobArgs) => ({
  name: value(a.name),
  at: value(a.at),
  every: value(a.every),
  cron: value(a.cron),
  tz: value(a.tz),
  exact: a.exact,
  stagger: value(a.stagger),
  systemEvent: value(a.systemEvent),
  message: value(a.message),
  command: value(a.command),
  commandArgv: value(a.commandArgv),
  commandCwd: value(a.commandCwd),
  model: value(a.model),
  thinking: value(a.thinking),
  timeoutSeconds: value(a.timeoutSeconds),
  session: value(a.session),
  wake: value(a.wake),
  noDeliver: a.noDeliver,
  channel: value(a.channel),
  to: value(a.to),
  account: value(a.account),
  webhook: value(a.webhook),
  bestEffort: a.bestEffort,
  agent: value(a.agent),
  description: value(a.description),
  fallbacks: value(a.fallbacks),
  lightContext: a.lightContext,
  commandEnv: a.commandEnv,
  commandInput: value(a.commandInput),
  displayName: value(a.displayName),
  sessionKey: value(a.sessionKey),
  threadId: value(a.threadId),
  announce: a.announce || a.deliver,
  keepAfterRun: a.keepAfterRun,
  script: value(a.script),
  scriptTimeoutSeconds: value(a.scriptTimeoutSeconds),
  scriptToolBudget: value(a.scriptToolBudget),
  triggerScript: value(a.triggerScript),
  triggerOnce: a.triggerOnce,
  tools: value(a.tools),
  outputMaxBytes: value(a.outputMaxBytes),
  noOutputTimeoutSeconds: value(a.noOutputTimeoutSeconds),
  onExit: value(a.onExit),
  onExitCwd: value(a.onExitCwd),
  streamCommand: value(a.streamCommand),
  streamCwd: value(a.streamCwd),
  streamMode: value(a.streamMode),
  streamMatch: value(a.streamMatch),
  streamBatchMs: value(a.streamBatchMs),
  streamMaxBatchBytes: value(a.streamMaxBatchBytes),
  pacingMin: value(a.pacingMin),
  pacingMax: value(a.pacingMax)
})

const editOnlyKeys = Object.keys(editOnlyOptions) as Array<keyof typeof editOnlyOptions>
const editOnlyValues = (a: { readonly [K in keyof typeof editOnlyOptions]: boolean }) => Struct.pick(a, ...editOnlyKeys)

const status = Command.make("status", { json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.status(toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Show automations scheduler status")
)

const list = Command.make(
  "list",
  { all: flag("all", "Include disabled jobs"), agent: text("agent", "Filter by agent id"), json: flag("json", "Output JSON"), ...gatewayClientOptions },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.list({ all: a.all, agent: value(a.agent), json: a.json }, toGatewayClientOptions(a)))
).pipe(Command.withDescription("List automations"))

const add = Command.make(
  "add",
  { positionalName: Args.text({ name: "name" }).pipe(Args.optional), ...jobOptions, disabled: flag("disabled", "Create job disabled"), deleteAfterRun: flag("delete-after-run", "Delete one-shot after successful completion"), declarationKey: text("declaration-key", "Idempotent declaration identity key"), json, ...gatewayClientOptions },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.add({ ...flagsOf(a), positionalName: value(a.positionalName), disabled: a.disabled, deleteAfterRun: a.deleteAfterRun, declarationKey: value(a.declarationKey) }, toGatewayClientOptions(a)))
).pipe(Command.withDescription("Add an automation"))

const id = Args.text({ name: "id" })

const edit = Command.make(
  "edit",
  { id, ...jobOptions, ...editOnlyOptions, ...failureAlertOptions, enable: flag("enable", "Enable the job"), disable: flag("disable", "Disable the job"), deleteAfterRun: flag("delete-after-run", "Delete one-shot after successful completion"), clearTrigger: flag("clear-trigger", "Remove the condition trigger"), clearPacing: flag("clear-pacing", "Remove the job's pacing bounds"), json, ...gatewayClientOptions },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.edit(a.id, { ...flagsOf(a), ...editOnlyValues(a), enable: a.enable, disable: a.disable, deleteAfterRun: a.deleteAfterRun, clearTrigger: a.clearTrigger, clearPacing: a.clearPacing, failureAlert: failureAlertFlagsOf(a) }, toGatewayClientOptions(a)))
).pipe(Command.withDescription("Edit an automation (patch fields)"))

const rm = Command.make("rm", { id, json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.remove(a.id, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Remove an automation")
)
const enable = Command.make("enable", { id, json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.setEnabled(a.id, true, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Enable an automation")
)
const disable = Command.make("disable", { id, json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.setEnabled(a.id, false, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Disable an automation")
)
const run = Command.make(
  "run",
  {
    id,
    due: flag("due", "Run only when the job is due"),
    wait: flag("wait", "Wait for the queued run to finish (exit 0 only when it succeeded)"),
    waitTimeout: Options.text("wait-timeout").pipe(Options.withDefault(RUN_WAIT_TIMEOUT_DEFAULT), Options.withDescription("Maximum time to wait for --wait (default 10m)")),
    pollInterval: Options.text("poll-interval").pipe(Options.withDefault(RUN_WAIT_POLL_INTERVAL_DEFAULT), Options.withDescription("Polling interval for --wait (default 2s)")),
    json,
    ...gatewayClientOptions
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.run(a.id, a.due, toGatewayClientOptions(a), { wait: a.wait, waitTimeout: a.waitTimeout, pollInterval: a.pollInterval }))
).pipe(Command.withDescription("Run an automation now (debug)"))

const runs = Command.make(
  "runs",
  {
    positionalId: Args.text({ name: "id" }).pipe(Args.optional),
    id: text("id", "Job id (alternative to positional argument)"),
    limit: Options.integer("limit").pipe(Options.withDefault(50), Options.withDescription("Max entries (default 50)")),
    offset: integer("offset", "Entries to skip before returning results"),
    status: Options.choice("status", ["all", "ok", "error", "skipped"]).pipe(Options.optional, Options.withDescription("Filter by run status")),
    deliveryStatus: Options.choice("delivery-status", ["delivered", "not-delivered", "unknown", "not-requested"]).pipe(Options.optional, Options.withDescription("Filter by delivery status")),
    query: text("query", "Filter by run summary or error text"),
    runId: text("run-id", "Filter by cron run id"),
    sort: Options.choice("sort", ["asc", "desc"]).pipe(Options.optional, Options.withDescription("Sort by run time")),
    json,
    ...gatewayClientOptions
  },
  (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.runs({ id: value(a.id) ?? value(a.positionalId), limit: a.limit, offset: value(a.offset), status: value(a.status), deliveryStatus: value(a.deliveryStatus), query: value(a.query), runId: value(a.runId), sortDir: value(a.sort) }, toGatewayClientOptions(a)))
).pipe(Command.withDescription("Show automation run history"))

const get = Command.make("get", { id, json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.get(a.id, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Get an automation as JSON")
)
const show = Command.make("show", { id, json, ...gatewayClientOptions }, (a) => Effect.flatMap(Effect.promise(handlers), (m) => m.get(a.id, toGatewayClientOptions(a)))).pipe(
  Command.withDescription("Show an automation")
)

const scratch = Command.make(
  "scratch",
  {
    id,
    set: text("set", "Replace scratch with exact text"),
    file: text("file", "Replace scratch from a file, or - for stdin"),
    unset: flag("unset", "Remove the scratch row"),
    expectedRevision: text("expected-revision", "Require the current scratch revision"),
    json: flag("json", "Output scratch plus revision metadata as JSON; writes return JSON by default"),
    ...gatewayClientOptions
  },
  (a) =>
    Effect.flatMap(Effect.promise(handlers), (m) =>
      m.scratch(a.id, { set: value(a.set), file: value(a.file), unset: a.unset, expectedRevision: value(a.expectedRevision), json: a.json }, toGatewayClientOptions(a)))
).pipe(Command.withDescription("Read or replace an automation's private scratch"))

const subcommands = [add, disable, edit, enable, get, list, rm, run, runs, scratch, show, status] as const

// The group's own gateway options (`openclaw cron --url <u> list`) reach every subcommand.
const group = <Name extends "cron" | "automations">(name: Name) =>
  applyGroupGatewayOptions(Command.make(name, groupGatewayOptions).pipe(Command.withDescription(summaryOf(name)), Command.withSubcommands([...subcommands])))

/** `openclaw cron`: the scheduler's jobs and run history, through the gateway. */
export const cronCommand = group("cron")
/** `openclaw automations`: the same command under the original's newer name. */
export const automationsCommand = group("automations")
