import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"

const json = Options.boolean("json").pipe(Options.withDescription("Print machine-readable JSON"))
const url = Options.text("url").pipe(Options.optional, Options.withDescription("Explicit probe target (ws:// or wss://); uses only the credentials given here"))
const token = Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token for the probe"))
const password = Options.text("password").pipe(Options.optional, Options.withDescription("Gateway password for the probe"))

/** `openclaw gateway probe`: every route to a gateway, with reachability and capability. */
export const probeCommand = Command.make(
  "probe",
  {
    json,
    url,
    token,
    password,
    timeout: Options.integer("timeout").pipe(Options.withDefault(3000), Options.withDescription("Probe budget in milliseconds")),
    port: Options.integer("port").pipe(Options.optional, Options.withDescription("Loopback port (and SSH remote port); alone, probes only loopback")),
    ssh: Options.text("ssh").pipe(Options.optional, Options.withDescription("Probe through an SSH port-forward: user@host[:port]")),
    sshIdentity: Options.text("ssh-identity").pipe(Options.optional, Options.withDescription("SSH identity file for the --ssh tunnel")),
    sshAuto: Options.boolean("ssh-auto").pipe(Options.withDescription("Derive the SSH target from Bonjour discovery (not run by this version: warns)"))
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/gatewayProbe.js")), (m) =>
      m.gatewayProbe(args.json, {
        url: Option.getOrUndefined(args.url),
        token: Option.getOrUndefined(args.token),
        password: Option.getOrUndefined(args.password),
        port: Option.getOrUndefined(args.port),
        ssh: Option.getOrUndefined(args.ssh),
        sshIdentity: Option.getOrUndefined(args.sshIdentity),
        sshAuto: args.sshAuto,
        timeoutMs: args.timeout
      }))
).pipe(Command.withDescription("Probe the configured, explicit and loopback gateways (exit 1 only if none is reachable)"))

/** `openclaw gateway status`: supervisor, config, runtime, probe and logs in one view. */
export const statusCommand = Command.make(
  "status",
  {
    json,
    url,
    token,
    password,
    timeout: Options.integer("timeout").pipe(Options.withDefault(10_000), Options.withDescription("Probe timeout in milliseconds")),
    port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local gateway port (instead of the configured one)")),
    noProbe: Options.boolean("no-probe").pipe(Options.withDescription("Skip the connectivity probe (service-only view)")),
    requireRpc: Options.boolean("require-rpc").pipe(Options.withDescription("Require the read probe to pass; exit 1 when it fails")),
    deep: Options.boolean("deep").pipe(Options.withDescription("Also scan system-level and other gateway-like services, and list clients"))
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/gatewayStatus.js")), (m) =>
      m.gatewayStatus(args.json, {
        url: Option.getOrUndefined(args.url),
        token: Option.getOrUndefined(args.token),
        password: Option.getOrUndefined(args.password),
        port: Option.getOrUndefined(args.port),
        timeoutMs: args.timeout,
        probe: !args.noProbe,
        requireRpc: args.requireRpc,
        deep: args.deep
      }))
).pipe(Command.withDescription("Show the gateway service, runtime and a connectivity probe"))
