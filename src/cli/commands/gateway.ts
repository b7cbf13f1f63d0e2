import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { connectionOptions, toConnectOptions } from "./connectionOptions.js"
import { probeCommand, statusCommand } from "./gatewayInspect.js"
import { serviceSubcommands } from "./service.js"
import { summaryOf } from "../commandSummaries.js"

const runOptions = {
  port: Options.integer("port").pipe(Options.optional, Options.withDescription("Port (default: gateway.port, else 18789)")),
  bind: Options.text("bind").pipe(Options.optional, Options.withDescription("loopback | lan | tailnet | auto | custom")),
  token: Options.text("token").pipe(Options.optional, Options.withDescription("Shared token (overrides gateway.auth.token)")),
  auth: Options.text("auth").pipe(Options.optional, Options.withDescription("none | token | password | trusted-proxy")),
  password: Options.text("password").pipe(Options.optional, Options.withDescription("Shared password")),
  passwordFile: Options.file("password-file").pipe(Options.optional, Options.withDescription("Read the shared password from a file")),
  allowUnconfigured: Options.boolean("allow-unconfigured").pipe(Options.withDescription("Start without gateway.mode=local (never writes config)")),
  dev: Options.boolean("dev").pipe(Options.withDescription("Dev profile: ~/.openclaw-dev and port 19001")),
  force: Options.boolean("force").pipe(Options.withDescription("Stop whatever listens on the port first (SIGTERM, then SIGKILL)")),
  verbose: Options.boolean("verbose").pipe(Options.withDescription("Verbose console logging")),
  tailscale: Options.choice("tailscale", ["off", "serve", "funnel"]).pipe(Options.optional, Options.withDescription("Tailscale exposure (not available on this build: only off)")),
  wsLog: Options.choice("ws-log", ["auto", "full", "compact"]).pipe(Options.optional, Options.withDescription("WebSocket log style")),
  compact: Options.boolean("compact").pipe(Options.withDescription("Compact WebSocket log")),
  rawStream: Options.boolean("raw-stream").pipe(Options.withDescription("Log raw model stream events")),
  rawStreamPath: Options.text("raw-stream-path").pipe(Options.optional, Options.withDescription("Raw stream jsonl path")),
  // The original's switches for features this version does not run (chat channels from the environment,
  // CLI agent backends): accepted so its scripts start this gateway, with nothing to switch.
  ambientChannels: Options.boolean("ambient-channels").pipe(Options.withDescription("Auto-configure channels from the environment (no channels run in this version)")),
  devAmbientChannels: Options.boolean("dev-ambient-channels").pipe(Options.withDescription("Deprecated alias for --ambient-channels")),
  cliBackendLogs: Options.boolean("cli-backend-logs").pipe(Options.withDescription("Only CLI backend logs in the console (no CLI backends run in this version)")),
  claudeCliLogs: Options.boolean("claude-cli-logs").pipe(Options.withDescription("Deprecated alias for --cli-backend-logs")),
  reset: Options.boolean("reset").pipe(Options.withDescription("Reset dev gateway state (with --dev)"))
}

type RunArgs = Command.Command.ParseConfig<typeof runOptions>

const run = (args: RunArgs) =>
  Effect.flatMap(Effect.promise(() => import("../handlers/gatewayRun.js")), (m) => m.gatewayRun(args))

const runCommand = Command.make("run", runOptions, run).pipe(Command.withDescription("Run the gateway in the foreground"))

const callCommand = Command.make(
  "call",
  {
    method: Args.text({ name: "method" }).pipe(Args.withDescription("RPC method, e.g. health or status")),
    params: Options.text("params").pipe(Options.optional, Options.withDescription("Params as a JSON object")),
    json: Options.boolean("json").pipe(Options.withDescription("Print the result as JSON (the default)")),
    expectFinal: Options.boolean("expect-final").pipe(Options.withDescription("Wait for the final response of a two-phase method (agent)")),
    port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local gateway port (instead of the configured one)")),
    expectUrl: Options.text("expect-url").pipe(Options.optional, Options.withDescription("Fail if the resolved gateway URL differs (keeps the configured credentials)")),
    ...connectionOptions
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/gatewayCall.js")), (m) =>
      m.gatewayCall(
        args.method,
        Option.getOrUndefined(args.params),
        { ...toConnectOptions(args), port: Option.getOrUndefined(args.port) },
        args.expectFinal,
        Option.getOrUndefined(args.expectUrl)
      ))
).pipe(Command.withDescription("Call one gateway RPC method and print its result"))

const healthCommand = Command.make(
  "health",
  {
    json: Options.boolean("json").pipe(Options.withDescription("Print the health payload as JSON")),
    expectFinal: Options.boolean("expect-final").pipe(Options.withDescription("Wait for a final response (health answers at once)")),
    port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local gateway port (instead of the configured one)")),
    ...connectionOptions
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/health.js")), (m) =>
      m.gatewayHealth(args.json, { ...toConnectOptions(args), port: Option.getOrUndefined(args.port) }))
).pipe(Command.withDescription("Fetch the gateway's health (one line, or the payload with --json)"))

/** `openclaw gateway`: run the gateway (the default) or call it. */
export const gatewayCommand = Command.make("gateway", runOptions, run).pipe(
  Command.withDescription(summaryOf("gateway")),
  Command.withSubcommands([runCommand, callCommand, healthCommand, statusCommand, probeCommand, ...serviceSubcommands])
)
