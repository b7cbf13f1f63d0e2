import { Console, Effect, Either } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { sessionsDir } from "../../domain/agent/sessionPaths.js"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { type CustomProviderFlags, planCustomProvider, wantsCustomProvider } from "../../domain/setup/customProvider.js"
import { planSetup, type SetupFlags, tokenRefEnvProblem } from "../../domain/setup/setupPlan.js"
import { Host } from "../../services/Host.js"
import { ServiceManager } from "../../services/ServiceManager.js"
import { ConfigEditor } from "../../services/ConfigEditor.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import { CliExit } from "../CliExit.js"
import { printConfigWarnings } from "../configWarnings.js"
import { shortenHome } from "../../domain/text/shortenHome.js"

/** Flags of `openclaw setup` and `openclaw onboard`. */
export interface SetupOptions {
  readonly command: "setup" | "onboard"
  readonly baseline: boolean
  readonly nonInteractive: boolean
  readonly mode: "local" | "remote" | undefined
  readonly json: boolean
  readonly gateway: SetupFlags
  /** `--custom-*`: a custom model provider to add and make the default. */
  readonly custom: CustomProviderFlags
  /** Both `--custom-image-input` and `--custom-text-input`. */
  readonly customInputConflict: boolean
  /** `--install-daemon`: install the gateway service once the config is written. */
  readonly installDaemon: boolean
  readonly daemonRuntime: string | undefined
  /** `--auth-choice`: `skip`, or `custom-api-key` (the --custom-* flags); the original's provider key choices write a store this version has not. */
  readonly authChoice: string | undefined
}

const authChoiceProblem = (choice: string | undefined, custom: boolean) => {
  const value = choice?.trim().toLowerCase()
  if (value === undefined || value === "" || value === "skip") return undefined
  if (value === "custom-api-key") return custom ? undefined : "Auth choice \"custom-api-key\" requires a base URL and model ID.\nUse --custom-base-url and --custom-model-id."
  return `--auth-choice ${value}: this version keeps no provider auth-profile store (the original's SQLite one); use --auth-choice custom-api-key with --custom-base-url/--custom-model-id/--custom-api-key, or set models.providers.<id>.apiKey with openclaw config set.`
}

/** `--daemon-runtime` as the original checks it; bun is a runtime this version does not run on. */
const daemonRuntimeProblem = (runtime: string | undefined) =>
  runtime === undefined || runtime === "node"
    ? undefined
    : runtime === "bun"
    ? "--daemon-runtime bun: this version of Clawgate runs on Node only; use --daemon-runtime node (or leave it out)."
    : "Invalid --daemon-runtime. Use \"node\" or \"bun\"."

/** `--install-daemon`: the service install after setup; an unavailable service manager is the original's failure. */
const installDaemon = (port: number | undefined) =>
  Effect.gen(function*() {
    const manager = yield* ServiceManager
    return yield* manager.install({ force: false, port, runtime: "node" }).pipe(
      Effect.catchTag("ServiceManagerUnavailable", () =>
        Effect.zipRight(
          Console.error("Gateway service install is unavailable because no supported service manager (systemd user session, launchd, Task Scheduler) is reachable here. Rerun without --install-daemon and start it with `openclaw gateway run`."),
          new CliExit({ code: 1 })
        ))
    )
  })

/**
 * `openclaw setup --baseline` and `openclaw onboard --mode local --non-interactive`: a config a local
 * gateway starts with (mode local and a shared secret, keeping everything already there) written through
 * the write guard, plus the workspace and session folders. There is no guided flow in this version, so
 * a bare `setup` at a terminal builds the same baseline.
 */
export const setup = (options: SetupOptions) =>
  Effect.gen(function*() {
    if (options.mode === "remote") {
      return yield* new ConfigValueInvalid({
        message: "Remote onboarding is not available in this version. Set it with `openclaw config set gateway.mode remote` and `openclaw config set gateway.remote.url wss://<host>:<port>`."
      })
    }
    if (options.command === "setup" && !options.baseline && !options.nonInteractive && process.stdin.isTTY !== true) {
      yield* Console.error("Onboarding needs an interactive TTY. Use `openclaw onboard --non-interactive --accept-risk ...` for automation, or `openclaw setup --baseline`.")
      return yield* new CliExit({ code: 1 })
    }
    const store = yield* ConfigStore
    const paths = yield* Paths
    const files = yield* StateFiles
    const snapshot = yield* store.read
    yield* printConfigWarnings(snapshot)
    if (snapshot.parseError !== undefined) return yield* snapshot.parseError
    const choiceProblem = authChoiceProblem(options.authChoice, wantsCustomProvider(options.custom))
    if (choiceProblem !== undefined) return yield* new ConfigValueInvalid({ message: choiceProblem })
    const runtimeProblem = options.installDaemon ? daemonRuntimeProblem(options.daemonRuntime) : undefined
    if (runtimeProblem !== undefined) return yield* new ConfigValueInvalid({ message: runtimeProblem })
    if (options.customInputConflict) return yield* new ConfigValueInvalid({ message: "Use either --custom-image-input or --custom-text-input, not both." })
    const env = (yield* Host).env
    const refProblem = tokenRefEnvProblem(options.gateway, env)
    if (refProblem !== undefined) return yield* new ConfigValueInvalid({ message: refProblem })
    const baseline = planSetup(snapshot.authored, options.gateway, randomBytes(24).toString("hex"))
    const custom = wantsCustomProvider(options.custom) ? planCustomProvider(snapshot.authored, options.custom, env) : undefined
    if (custom !== undefined && Either.isLeft(custom)) return yield* new ConfigValueInvalid({ message: custom.left })
    const added = custom === undefined ? undefined : custom.right
    const plan = added === undefined ? baseline : { ...baseline, ops: [...baseline.ops, ...added.ops], paths: [...baseline.paths, ...added.paths] }
    const outcome = plan.ops.length === 0 ? undefined : yield* Effect.flatMap(ConfigEditor, (editor) => editor.apply(plan.ops))
    const workspace = path.join(paths.stateDir, "workspace")
    const sessions = sessionsDir(paths.stateDir, "main")
    yield* files.ensurePrivateDir(workspace)
    yield* files.ensurePrivateDir(sessions)
    const config = shortenHome(store.path, paths.home)
    const daemon = options.installDaemon ? yield* installDaemon(options.gateway.port) : undefined
    if (options.json) {
      return yield* Console.log(JSON.stringify({
        ok: true,
        configPath: store.path,
        changed: plan.paths,
        generatedToken: plan.generatedToken,
        ...(added === undefined ? {} : { customProvider: { providerId: added.providerId, model: added.modelRef } }),
        backup: snapshot.exists && outcome !== undefined ? `${store.path}.bak` : undefined,
        workspace,
        sessions,
        ...(daemon === undefined ? {} : { daemonInstall: { requested: true, installed: true, result: daemon.result, message: daemon.message } })
      }, null, 2))
    }
    const lines = outcome === undefined
      ? [`Config OK: ${config} (gateway.mode local, auth configured)`]
      : [`Updated config: ${config} (set ${plan.paths.join(", ")})`, ...(snapshot.exists ? [`  Backup: ${config}.bak`] : [])]
    if (added?.renamedFrom !== undefined) lines.push(`Custom provider ID "${added.renamedFrom}" already exists for a different base URL. Using "${added.providerId}".`)
    if (added !== undefined) lines.push(`Custom provider: ${added.providerId} (default model ${added.modelRef})`)
    if (daemon !== undefined) lines.push(daemon.message)
    lines.push(`Workspace OK: ${shortenHome(workspace, paths.home)}`, `Sessions OK: ${shortenHome(sessions, paths.home)}`, "")
    lines.push("Setup complete: config, workspace, and session directories are ready.")
    if (plan.generatedToken) lines.push("Generated a gateway token (gateway.auth.token); the CLI on this machine reads it from the config.")
    lines.push("Next: openclaw gateway run   (then, in another shell: openclaw status)")
    for (const line of lines) yield* Console.log(line)
  })
