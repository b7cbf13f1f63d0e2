import * as FileSystem from "@effect/platform/FileSystem"
import * as Terminal from "@effect/platform/Terminal"
import { Clock, Console, Effect, Either, Option } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { sessionsDir } from "../../domain/agent/sessionPaths.js"
import { expandTilde } from "../../domain/Paths.js"
import { valueAt } from "../../domain/valueAt.js"
import type { EditOp } from "../../domain/config/edits.js"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { type CustomProviderFlags, planCustomProvider, wantsCustomProvider } from "../../domain/setup/customProvider.js"
import {
  agentNameProblem,
  notBuiltMessage,
  planRemote,
  planTailscale,
  type RemoteFlags,
  remoteFlagsWithoutMode,
  resetParts,
  type ResetScope,
  workspaceOp
} from "../../domain/setup/onboardFlags.js"
import { planProviderAuth, type ProviderAuthFlags } from "../../domain/setup/providerAuth.js"
import { planSetup, type SetupFlags, tokenRefEnvProblem } from "../../domain/setup/setupPlan.js"
import { wizardDefaults, withWizardAnswers } from "../../domain/setup/wizardAnswers.js"
import { stateIoError } from "../../layers/fs/platformErrors.js"
import { AuthProfileStore } from "../../services/AuthProfileStore.js"
import { Host } from "../../services/Host.js"
import { ServiceManager } from "../../services/ServiceManager.js"
import { ConfigEditor } from "../../services/ConfigEditor.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import { CliExit } from "../CliExit.js"
import { printConfigWarnings } from "../configWarnings.js"
import { askOnboarding } from "./setupWizard.js"
import { shortenHome } from "../../domain/text/shortenHome.js"

/** Flags of `openclaw setup` and `openclaw onboard`. */
export interface SetupOptions {
  readonly command: "setup" | "onboard"
  readonly baseline: boolean
  readonly nonInteractive: boolean
  /** `--interactive` (the original's `setup --wizard`): run the interactive onboarding. */
  readonly interactive: boolean
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
  /** `--auth-choice`: a provider's choice id, `token`, `custom-api-key` (the --custom-* flags) or `skip`. */
  readonly authChoice: string | undefined
  /** The provider key flags, `--secret-input-mode` and the `--token-*` flags. */
  readonly providerAuth: ProviderAuthFlags
  /** `--remote-url`, `--remote-token`, `--remote-password` (with `--mode remote`). */
  readonly remote: RemoteFlags
  readonly workspace: string | undefined
  readonly reset: boolean
  readonly resetScope: ResetScope | undefined
  readonly agentName: string | undefined
  readonly suppressTokenOutput: boolean
  readonly nodeManager: string | undefined
  readonly tailscale: "off" | "serve" | "funnel" | undefined
  readonly flow: string | undefined
  /** Flags given that steer something this version does not have (the classic wizard, teams, imports). */
  readonly notBuilt: ReadonlyArray<string>
}

const authChoiceProblem = (choice: string | undefined, custom: boolean) => {
  const value = choice?.trim().toLowerCase()
  if (value === "custom-api-key" && !custom) return "Auth choice \"custom-api-key\" requires a base URL and model ID.\nUse --custom-base-url and --custom-model-id."
  return undefined
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

/** `--reset`: removes what the scope covers before onboarding; the config is kept as `<config>.bak` first. */
const resetState = (scope: ResetScope, configPath: string, workspace: string, sessions: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const files = yield* StateFiles
    const parts = resetParts(scope)
    const removed: Array<string> = []
    const config = yield* files.readIfExists(configPath)
    if (config !== undefined) {
      yield* files.atomicWrite(`${configPath}.bak`, config, undefined, { mode: 0o600 })
      yield* files.removeIfExists(configPath)
      removed.push(configPath)
    }
    if (parts.creds) {
      const store = yield* AuthProfileStore
      if (yield* store.remove) removed.push(yield* store.location)
    }
    for (const dir of [...(parts.sessions ? [sessions] : []), ...(parts.workspace ? [workspace] : [])]) {
      if (yield* fs.exists(dir).pipe(Effect.mapError(stateIoError(dir, "checking")))) {
        yield* fs.remove(dir, { recursive: true }).pipe(Effect.mapError(stateIoError(dir, "removing")))
        removed.push(dir)
      }
    }
    return removed
  })

/** `onboard --mode remote --remote-url ...`: the remote gateway settings, nothing local. */
const setupRemote = (options: SetupOptions) =>
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const paths = yield* Paths
    const snapshot = yield* store.read
    yield* printConfigWarnings(snapshot)
    if (snapshot.parseError !== undefined) return yield* snapshot.parseError
    const plan = planRemote(options.remote)
    if (Either.isLeft(plan)) return yield* new ConfigValueInvalid({ message: plan.left })
    yield* Effect.flatMap(ConfigEditor, (editor) => editor.apply(plan.right.ops))
    if (options.json) return yield* Console.log(JSON.stringify({ mode: "remote", remoteUrl: options.remote.url?.trim(), auth: plan.right.auth }, null, 2))
    yield* Console.log(`Updated config: ${shortenHome(store.path, paths.home)} (set ${plan.right.paths.join(", ")})`)
    yield* Console.log("Next: openclaw gateway probe   (checks the remote gateway with these settings)")
  })

/**
 * `openclaw setup` and `openclaw onboard`: at a terminal (or with `--wizard`) the interactive onboarding,
 * whose answers then run the same plan as the flags; otherwise the flags' plan directly.
 */
export const setup = (options: SetupOptions) =>
  Effect.gen(function*() {
    const notBuilt = options.notBuilt[0]
    if (notBuilt !== undefined) return yield* new ConfigValueInvalid({ message: notBuiltMessage(notBuilt) })
    const nameProblem = agentNameProblem(options.agentName)
    if (nameProblem !== undefined) return yield* new ConfigValueInvalid({ message: nameProblem })
    if (options.resetScope !== undefined && !options.reset) {
      return yield* new ConfigValueInvalid({ message: `--reset-scope ${options.resetScope} goes with --reset (nothing was reset). Add --reset to remove that state first.` })
    }
    const tty = yield* Effect.flatMap(Terminal.Terminal, (terminal) => terminal.isTTY)
    const prompts = options.interactive || (!options.baseline && !options.nonInteractive)
    // Bare `onboard` without a terminal keeps writing the baseline, as scripts written for this version expect.
    if (prompts && !tty && (options.interactive || options.command === "setup")) {
      yield* Console.error("Onboarding needs an interactive TTY. Use `openclaw onboard --non-interactive --accept-risk ...` for automation, or `openclaw setup --baseline`.")
      return yield* new CliExit({ code: 1 })
    }
    if (!prompts || !tty) return yield* applySetup(options)
    const store = yield* ConfigStore
    const snapshot = yield* store.read
    if (snapshot.parseError !== undefined && !options.reset) return yield* snapshot.parseError
    const answers = yield* askOnboarding(wizardDefaults(options.reset ? {} : snapshot.authored, options))
    if (Option.isNone(answers)) {
      yield* Console.error("Onboarding cancelled: nothing was written.")
      return yield* new CliExit({ code: 1 })
    }
    return yield* applySetup(withWizardAnswers(options, answers.value))
  })

/**
 * `openclaw setup --baseline` and `openclaw onboard --mode local --non-interactive` (and the wizard's
 * answers): a config a local gateway starts with (mode local and a shared secret, keeping everything
 * already there) written through the write guard, plus the workspace and session folders, and the
 * provider credential given (stored in the auth-profile store).
 */
const applySetup = (options: SetupOptions) =>
  Effect.gen(function*() {
    if (options.mode === "remote") {
      if (options.reset) return yield* new ConfigValueInvalid({ message: "--reset goes with local onboarding; run it without --mode remote first, then onboard remote." })
      const keys = Object.values(options.providerAuth.keys).some((value) => value !== undefined) || options.providerAuth.token !== undefined
      if (keys) return yield* new ConfigValueInvalid({ message: "Provider credential flags go with local onboarding: the remote gateway keeps its own keys. Run onboard with them on the gateway host." })
      return yield* setupRemote(options)
    }
    const strayRemote = remoteFlagsWithoutMode(options.remote)
    if (strayRemote.length > 0) return yield* new ConfigValueInvalid({ message: `${strayRemote.join(", ")} go with --mode remote. Add --mode remote, or leave them out for a local gateway.` })
    const store = yield* ConfigStore
    const paths = yield* Paths
    const files = yield* StateFiles
    const host = yield* Host
    const env = host.env
    const sessions = sessionsDir(paths.stateDir, "main")
    const before = yield* store.read
    if (before.parseError !== undefined && !options.reset) return yield* before.parseError
    const workspaceOf = (authored: unknown) => {
      const value = valueAt(authored, "agents", "defaults", "workspace")
      return typeof value === "string" ? expandTilde(value, paths.home) : path.join(paths.stateDir, "workspace")
    }
    const now = yield* Clock.currentTimeMillis
    const newToken = randomBytes(24).toString("hex")
    // Every flag is checked before anything is reset or written; the plan is then made on what reset left.
    const plan = (authored: unknown) =>
      Either.gen(function*() {
        const choiceProblem = authChoiceProblem(options.authChoice, wantsCustomProvider(options.custom))
        if (choiceProblem !== undefined) return yield* Either.left(choiceProblem)
        const runtimeProblem = options.installDaemon ? daemonRuntimeProblem(options.daemonRuntime) : undefined
        if (runtimeProblem !== undefined) return yield* Either.left(runtimeProblem)
        if (options.customInputConflict) return yield* Either.left("Use either --custom-image-input or --custom-text-input, not both.")
        const refProblem = tokenRefEnvProblem(options.gateway, env)
        if (refProblem !== undefined) return yield* Either.left(refProblem)
        const tailscale = yield* planTailscale(authored, options.tailscale)
        const auth = yield* planProviderAuth(authored, options.providerAuth, env, now)
        const added = wantsCustomProvider(options.custom)
          ? yield* planCustomProvider(authored, { ...options.custom, secretInputMode: options.providerAuth.secretInputMode }, env)
          : undefined
        const workspace = options.workspace !== undefined
          ? path.resolve(host.cwd, expandTilde(options.workspace.trim(), paths.home))
          : workspaceOf(authored)
        return { tailscale, auth, added, workspace, baseline: planSetup(authored, options.gateway, newToken) }
      })
    const checked = plan(before.authored)
    if (Either.isLeft(checked)) return yield* new ConfigValueInvalid({ message: checked.left })
    // What `--reset-scope full` removes is the workspace the config had before the reset.
    const removed = options.reset ? yield* resetState(options.resetScope ?? "config+creds+sessions", store.path, workspaceOf(before.authored), sessions) : []
    const snapshot = options.reset ? yield* store.read : before
    yield* printConfigWarnings(snapshot)
    if (snapshot.parseError !== undefined) return yield* snapshot.parseError
    const planned = options.reset ? plan(snapshot.authored) : checked
    if (Either.isLeft(planned)) return yield* new ConfigValueInvalid({ message: planned.left })
    const { tailscale, auth, added, workspace, baseline } = planned.right
    // A custom provider sets the default model itself; the provider key's default then stays out.
    const authOps = auth === undefined ? [] : added === undefined ? auth.ops : auth.ops.filter((op) => op.path[0] !== "agents")
    const extraOps: ReadonlyArray<Extract<EditOp, { readonly _tag: "Set" }>> = [
      ...(options.workspace === undefined ? [] : [workspaceOp(snapshot.authored, workspace)].filter((op) => op !== undefined)),
      ...(tailscale === undefined ? [] : [tailscale])
    ]
    const ops = [...baseline.ops, ...(added?.ops ?? []), ...authOps, ...extraOps]
    const changed = [...baseline.paths, ...(added?.paths ?? []), ...authOps.map((op) => op.path.join(".")), ...extraOps.map((op) => op.path.join("."))]
    // The credential first: a config naming a profile the store lacks would be worse than the reverse.
    if (auth !== undefined) yield* Effect.flatMap(AuthProfileStore, (profiles) => profiles.upsert(auth.profiles))
    const outcome = ops.length === 0 ? undefined : yield* Effect.flatMap(ConfigEditor, (editor) => editor.apply(ops))
    yield* files.ensurePrivateDir(workspace)
    yield* files.ensurePrivateDir(sessions)
    const config = shortenHome(store.path, paths.home)
    const storePath = yield* Effect.flatMap(AuthProfileStore, (profiles) => profiles.location)
    const daemon = options.installDaemon ? yield* installDaemon(options.gateway.port) : undefined
    const showToken = !options.suppressTokenOutput
    if (options.json) {
      return yield* Console.log(JSON.stringify({
        ok: true,
        configPath: store.path,
        changed,
        ...(showToken ? { generatedToken: baseline.generatedToken } : {}),
        ...(added === undefined ? {} : { customProvider: { providerId: added.providerId, model: added.modelRef } }),
        ...(auth === undefined ? {} : { auth: { provider: auth.provider, profileId: auth.profileId, store: storePath, ...(auth.ref === undefined ? {} : { ref: auth.ref }), ...(auth.model === undefined || added !== undefined ? {} : { model: auth.model }) } }),
        ...(removed.length === 0 ? {} : { reset: { scope: options.resetScope ?? "config+creds+sessions", removed } }),
        backup: snapshot.exists && outcome !== undefined ? `${store.path}.bak` : undefined,
        workspace,
        sessions,
        ...(daemon === undefined ? {} : { daemonInstall: { requested: true, installed: true, result: daemon.result, message: daemon.message } })
      }, null, 2))
    }
    const lines: Array<string> = removed.map((file) => `Reset: removed ${shortenHome(file, paths.home)}`)
    lines.push(...(outcome === undefined
      ? [`Config OK: ${config} (gateway.mode local, auth configured)`]
      : [`Updated config: ${config} (set ${changed.join(", ")})`, ...(snapshot.exists ? [`  Backup: ${config}.bak`] : [])]))
    if (added?.renamedFrom !== undefined) lines.push(`Custom provider ID "${added.renamedFrom}" already exists for a different base URL. Using "${added.providerId}".`)
    if (added !== undefined) lines.push(`Custom provider: ${added.providerId} (default model ${added.modelRef})`)
    if (auth !== undefined) {
      lines.push(`Auth profile: ${auth.profileId} (${auth.provider}${auth.ref === undefined ? "" : `, reference to ${auth.ref}`}) saved in ${shortenHome(storePath, paths.home)}`)
      if (auth.model !== undefined && added === undefined) lines.push(`Default model: ${auth.model}`)
    }
    if (options.nodeManager !== undefined) lines.push(`Node manager ${options.nodeManager}: skills are not in this version, so nothing is installed with it.`)
    if (daemon !== undefined) lines.push(daemon.message)
    lines.push(`Workspace OK: ${shortenHome(workspace, paths.home)}`, `Sessions OK: ${shortenHome(sessions, paths.home)}`, "")
    lines.push("Setup complete: config, workspace, and session directories are ready.")
    if (baseline.generatedToken && showToken) lines.push("Generated a gateway token (gateway.auth.token); the CLI on this machine reads it from the config.")
    lines.push(auth === undefined ? "Next: openclaw gateway run   (then, in another shell: openclaw status)" : "Next: openclaw models status   (then openclaw gateway run)")
    for (const line of lines) yield* Console.log(line)
  })
