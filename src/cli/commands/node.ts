import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { CliExit } from "../CliExit.js"

const get = Option.getOrUndefined
const json = Options.boolean("json").pipe(Options.withDescription("Output JSON"))

// The advertised command surface, accepted on `node` itself (for `run`) and on `run`/`install`.
const surface = {
  allCommands: Options.boolean("all-commands").pipe(Options.withDescription("Advertise the full default command surface and forget any saved --commands allowlist")),
  commands: Options.text("commands").pipe(Options.repeated, Options.withDescription("Advertise only these exact command ids (comma-separated; repeatable)"))
}

// Where the node host connects: shared by `run` and `install`.
const target = {
  host: Options.text("host").pipe(Options.optional, Options.withDescription("Gateway host (default: this machine)")),
  port: Options.integer("port").pipe(Options.optional, Options.withDescription("Gateway port (default: gateway.port)")),
  tls: Options.boolean("tls").pipe(Options.withDescription("Use TLS (wss://) for the gateway connection")),
  noTls: Options.boolean("no-tls").pipe(Options.withDescription("Disable TLS for the gateway connection")),
  tlsFingerprint: Options.text("tls-fingerprint").pipe(Options.optional, Options.withDescription("Expected TLS certificate fingerprint (sha256)")),
  contextPath: Options.text("context-path").pipe(Options.optional, Options.withDescription("Gateway WebSocket context path (e.g. /openclaw-gw)")),
  displayName: Options.text("display-name").pipe(Options.optional, Options.withDescription("Name this node shows in `openclaw nodes status`")),
  nodeId: Options.text("node-id").pipe(Options.optional, Options.withDescription("Override the generated node instance id")),
  shareInstalledApps: Options.boolean("share-installed-apps").pipe(Options.withDescription("Share installed macOS applications with the gateway (macOS only)")),
  noShareInstalledApps: Options.boolean("no-share-installed-apps").pipe(Options.withDescription("Disable installed application sharing")),
  ...surface
}

/** A `--x` / `--no-x` pair: true, false, or undefined when neither was given (the last one wins over nothing). */
const tristate = (yes: boolean, no: boolean): boolean | undefined => (yes ? true : no ? false : undefined)

/** `--commands a,b --commands c` -> [a, b, c]; none given -> undefined (the default surface). */
const commandList = (values: ReadonlyArray<string>) =>
  values.length === 0 ? undefined : values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")

/** Flags of the original this version parses but cannot honour: refused by name rather than ignored. */
const refuseUnsupported = (command: string, flags: ReadonlyArray<readonly [string, boolean]>) => {
  const given = flags.filter(([, present]) => present).map(([flag]) => flag)
  return given.length === 0
    ? Effect.void
    : Effect.zipRight(
      Console.error(`openclaw node ${command}: ${given.join(", ")} ${given.length === 1 ? "is" : "are"} not supported by this version (no setup codes, TLS pinning, worker sessions or instance-id override); connect with --host/--port and approve the node with \`openclaw nodes approve <requestId>\``),
      Effect.fail(new CliExit({ code: 1 }))
    )
}

const nodeRoot = Command.make("node", surface)

const run = Command.make("run", {
  ...target,
  token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token (if required)")),
  pair: Options.text("pair").pipe(Options.optional, Options.withDescription("Pair with a setup code or oc-pair URL")),
  pairIfNeeded: Options.text("pair-if-needed").pipe(Options.optional, Options.withDescription("Use the saved device token when available; otherwise pair with this setup code")),
  sessionHost: Options.boolean("session-host").pipe(Options.withDescription("Host worker sessions for this foreground process"))
}, (a) =>
  Effect.gen(function*() {
    const parent = yield* nodeRoot
    yield* refuseUnsupported("run", [
      ["--pair", Option.isSome(a.pair)],
      ["--pair-if-needed", Option.isSome(a.pairIfNeeded)],
      ["--session-host", a.sessionHost],
      ["--tls-fingerprint", Option.isSome(a.tlsFingerprint)],
      ["--node-id", Option.isSome(a.nodeId)]
    ])
    const all = a.allCommands || parent.allCommands
    const m = yield* Effect.promise(() => import("../handlers/nodeRun.js"))
    return yield* m.nodeRun({
      host: get(a.host),
      port: get(a.port),
      tls: a.tls && !a.noTls,
      token: get(a.token),
      displayName: get(a.displayName),
      contextPath: get(a.contextPath),
      commands: all ? undefined : commandList([...parent.commands, ...a.commands])
    })
  })).pipe(Command.withDescription("Run the headless node host in the foreground (system.run, system.which)"))

const install = Command.make("install", {
  ...target,
  force: Options.boolean("force").pipe(Options.withDescription("Reinstall/overwrite if already installed")),
  runtime: Options.text("runtime").pipe(Options.optional, Options.withDescription("Service runtime (node). Default: node")),
  runtimePath: Options.text("runtime-path").pipe(Options.optional, Options.withDescription("Pin an absolute Node executable path")),
  json
}, (a) =>
  Effect.gen(function*() {
    // `node --commands x install` counts too, as the original inherits them from the parent.
    const parent = yield* nodeRoot
    yield* refuseUnsupported("install", [["--tls-fingerprint", Option.isSome(a.tlsFingerprint)], ["--node-id", Option.isSome(a.nodeId)]])
    const runtime = get(a.runtime)
    if (runtime !== undefined && runtime !== "node") {
      yield* Console.error(`Invalid --runtime ${JSON.stringify(runtime)} (this version runs the node service with Node only: use "node")`)
      return yield* new CliExit({ code: 1 })
    }
    const m = yield* Effect.promise(() => import("../handlers/nodeService.js"))
    return yield* m.nodeServiceInstall({
      force: a.force,
      port: get(a.port),
      runtimePath: get(a.runtimePath),
      nodeHost: {
        host: get(a.host),
        tls: tristate(a.tls, a.noTls),
        contextPath: get(a.contextPath),
        displayName: get(a.displayName),
        shareInstalledApps: tristate(a.shareInstalledApps, a.noShareInstalledApps),
        allCommands: a.allCommands || parent.allCommands,
        commands: commandList([...parent.commands, ...a.commands])
      }
    }, a.json)
  })).pipe(Command.withDescription("Install the node host service (launchd/systemd/schtasks)"))

const lifecycle = (name: "start" | "stop" | "restart" | "uninstall", description: string) =>
  Command.make(name, { json }, (a) => Effect.flatMap(Effect.promise(() => import("../handlers/nodeService.js")), (m) => m.nodeServiceAction(name, a.json))).pipe(
    Command.withDescription(description)
  )

const identity = Command.make("identity", { json }, (a) => Effect.flatMap(Effect.promise(() => import("../handlers/nodeIdentity.js")), (m) => m.nodeIdentity(a.json))).pipe(
  Command.withDescription("Print the node host device identity (device id + public key)")
)

const status = Command.make("status", { json }, (a) => Effect.flatMap(Effect.promise(() => import("../handlers/nodeService.js")), (m) => m.nodeServiceStatus(a.json))).pipe(
  Command.withDescription("Show node host status")
)

/** `openclaw node`: this machine as a node of a gateway, in the foreground or as an OS service. */
export const nodeCommand = nodeRoot.pipe(
  Command.withDescription("Run and manage the headless node host service"),
  Command.withSubcommands([
    run,
    identity,
    status,
    install,
    lifecycle("start", "Start the node host service (launchd/systemd/schtasks)"),
    lifecycle("stop", "Stop the node host service (launchd/systemd/schtasks)"),
    lifecycle("restart", "Restart the node host service (launchd/systemd/schtasks)"),
    lifecycle("uninstall", "Uninstall the node host service (launchd/systemd/schtasks)")
  ])
)
