import { Console, Effect, Either } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { sessionsDir } from "../../domain/agent/sessionPaths.js"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { type CustomProviderFlags, planCustomProvider, wantsCustomProvider } from "../../domain/setup/customProvider.js"
import { planSetup, type SetupFlags, tokenRefEnvProblem } from "../../domain/setup/setupPlan.js"
import { Host } from "../../services/Host.js"
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
}

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
    if (options.json) {
      return yield* Console.log(JSON.stringify({
        ok: true,
        configPath: store.path,
        changed: plan.paths,
        generatedToken: plan.generatedToken,
        ...(added === undefined ? {} : { customProvider: { providerId: added.providerId, model: added.modelRef } }),
        backup: snapshot.exists && outcome !== undefined ? `${store.path}.bak` : undefined,
        workspace,
        sessions
      }, null, 2))
    }
    const lines = outcome === undefined
      ? [`Config OK: ${config} (gateway.mode local, auth configured)`]
      : [`Updated config: ${config} (set ${plan.paths.join(", ")})`, ...(snapshot.exists ? [`  Backup: ${config}.bak`] : [])]
    if (added?.renamedFrom !== undefined) lines.push(`Custom provider ID "${added.renamedFrom}" already exists for a different base URL. Using "${added.providerId}".`)
    if (added !== undefined) lines.push(`Custom provider: ${added.providerId} (default model ${added.modelRef})`)
    lines.push(`Workspace OK: ${shortenHome(workspace, paths.home)}`, `Sessions OK: ${shortenHome(sessions, paths.home)}`, "")
    lines.push("Setup complete: config, workspace, and session directories are ready.")
    if (plan.generatedToken) lines.push("Generated a gateway token (gateway.auth.token); the CLI on this machine reads it from the config.")
    lines.push("Next: openclaw gateway run   (then, in another shell: openclaw status)")
    for (const line of lines) yield* Console.log(line)
  })
