import * as path from "node:path"
import { type EnvEntries, managedServiceEnv, renderShellEnvFile, renderSystemdEnvFile } from "./environment.js"
import { defaultStateDirName, serviceDescription, type ServiceIdentity } from "./identity.js"
import { LAUNCHD_WRAPPER_SCRIPT, renderLaunchdPlist } from "./launchdPlist.js"
import { renderGatewayCmd, renderTaskXml } from "./scheduledTask.js"
import { renderSystemdUnit } from "./systemdUnit.js"

/** Where one platform keeps the service's files. */
export interface ServicePaths {
  /** The file the supervisor reads: unit, plist or task XML. */
  readonly definition: string
  /** The 0600 environment file (systemd env file, launchd secrets file, Windows launcher). */
  readonly envFile: string
  /** launchd only: the wrapper that loads the secrets file. */
  readonly wrapper?: string | undefined
  /** launchd only: supervisor stdout/stderr logs. */
  readonly stdoutLog?: string | undefined
  readonly stderrLog?: string | undefined
  /** Directories Clawgate owns and creates 0700 (the state dir, the log dir). */
  readonly ownedDirs: ReadonlyArray<string>
}

/** Inputs that place the files: the OS home, the state dir, and `XDG_CONFIG_HOME` for systemd. */
export interface PathInputs {
  readonly home: string
  readonly stateDir: string
  readonly xdgConfigHome?: string | undefined
}

/**
 * The files of the service for this identity (spec 7's Definition row); the node host's are named
 * `node.*` beside the gateway's `gateway.*` (the original's `node.systemd.env` and `node.cmd`).
 */
export const servicePaths = (identity: ServiceIdentity, inputs: PathInputs): ServicePaths => {
  switch (identity.platform) {
    case "systemd": {
      const configHome = inputs.xdgConfigHome !== undefined && path.isAbsolute(inputs.xdgConfigHome)
        ? inputs.xdgConfigHome
        : path.join(inputs.home, ".config")
      return {
        definition: path.join(configHome, "systemd", "user", identity.name),
        envFile: path.join(inputs.stateDir, `${identity.kind}.systemd.env`),
        ownedDirs: [inputs.stateDir]
      }
    }
    case "launchd": {
      const logDir = path.join(inputs.home, "Library", "Logs", "openclaw")
      const prefix = identity.profile === undefined ? identity.kind : `${identity.kind}-${identity.profile}`
      return {
        definition: path.join(inputs.home, "Library", "LaunchAgents", `${identity.name}.plist`),
        envFile: path.join(inputs.stateDir, `${identity.kind}.launchd.env`),
        wrapper: path.join(inputs.stateDir, `${identity.kind}.launchd.sh`),
        stdoutLog: path.join(logDir, `${prefix}.log`),
        stderrLog: path.join(logDir, `${prefix}.err.log`),
        ownedDirs: [inputs.stateDir, logDir]
      }
    }
    case "schtasks":
      return {
        definition: path.join(inputs.stateDir, `${identity.kind}.task.xml`),
        envFile: path.join(inputs.stateDir, `${identity.kind}.cmd`),
        ownedDirs: [inputs.stateDir]
      }
  }
}

/** Everything an install writes, computed from the CLI's facts. */
export interface InstallSpec {
  readonly identity: ServiceIdentity
  readonly paths: ServicePaths
  readonly description: string
  /** `<node> <openclaw entry> gateway --port <N>`. */
  readonly programArguments: ReadonlyArray<string>
  readonly env: EnvEntries
  /** `OPENCLAW_GATEWAY_TOKEN` and friends: only ever written to the 0600 env file. */
  readonly secrets: EnvEntries
  readonly stateDir: string
  /** Windows: the `DOMAIN\user` the task runs as. */
  readonly userId: string | undefined
}

/** The facts of the CLI doing the install. */
export interface InstallInputs {
  readonly identity: ServiceIdentity
  readonly pathInputs: PathInputs
  readonly version: string
  readonly port: number
  readonly profile: string | undefined
  readonly configPath: string
  readonly defaultStateDir: string
  readonly nodePath: string
  readonly entryPath: string
  readonly servicePath: string | undefined
  readonly heapMiB: number | undefined
  readonly secrets: EnvEntries
  readonly userId: string | undefined
  /** `--wrapper`: this executable starts the CLI instead of `<node> <entry>` (recorded as OPENCLAW_WRAPPER). */
  readonly wrapperPath?: string | undefined
  /** `--allow-unconfigured`: the gateway starts without gateway.mode=local. */
  readonly allowUnconfigured?: boolean | undefined
  /** Node service only: the arguments after `node run` (`--host H --port P ...`). */
  readonly nodeHostArgs?: ReadonlyArray<string> | undefined
}

/** The env key that records an install's wrapper, as the original's installs do. */
export const WRAPPER_ENV_KEY = "OPENCLAW_WRAPPER"

/** How an installed service starts the CLI: what a repair rewrite must keep. */
export interface ServiceLaunch {
  readonly nodePath: string | undefined
  readonly wrapperPath: string | undefined
  readonly allowUnconfigured: boolean
}

/**
 * The launch of an installed command: its wrapper (OPENCLAW_WRAPPER), `--allow-unconfigured`, and the
 * node it pins (the first argument, unless it is gone, which the caller says through `stale`).
 */
export const installedLaunch = (
  programArguments: ReadonlyArray<string> | undefined,
  env: Readonly<Record<string, string | undefined>>,
  stale: ReadonlyArray<string>
): ServiceLaunch => {
  const args = programArguments ?? []
  const wrapperPath = env[WRAPPER_ENV_KEY]?.trim() || undefined
  const first = args[0]
  const nodePath = wrapperPath !== undefined || first === undefined || stale.includes(first) || !path.isAbsolute(first) ? undefined : first
  return { nodePath, wrapperPath: wrapperPath !== undefined && !stale.includes(wrapperPath) ? wrapperPath : undefined, allowUnconfigured: args.includes("--allow-unconfigured") }
}

/** The fixed description of the node host service, as the original writes it. */
export const NODE_SERVICE_DESCRIPTION = "OpenClaw Node Host"

/** Builds the install spec: the program (gateway with its pinned `--port`, or the node host), the managed env and the platform paths. */
export const buildInstallSpec = (inputs: InstallInputs): InstallSpec => {
  const paths = servicePaths(inputs.identity, inputs.pathInputs)
  const stateDir = inputs.pathInputs.stateDir
  return {
    identity: inputs.identity,
    paths,
    description: inputs.identity.kind === "node" ? NODE_SERVICE_DESCRIPTION : serviceDescription(inputs.identity.profile, inputs.version),
    programArguments: [
      ...(inputs.wrapperPath === undefined ? [inputs.nodePath, inputs.entryPath] : [inputs.wrapperPath]),
      ...(inputs.identity.kind === "node"
        ? ["node", "run", ...(inputs.nodeHostArgs ?? [])]
        : ["gateway", "--port", String(inputs.port), ...(inputs.allowUnconfigured === true ? ["--allow-unconfigured"] : [])])
    ],
    env: [...managedServiceEnv({
      identity: inputs.identity,
      port: inputs.port,
      version: inputs.version,
      profile: inputs.profile,
      stateDir,
      configPath: inputs.configPath,
      defaultStateDir: inputs.defaultStateDir,
      defaultConfigPath: path.join(stateDir, "openclaw.json"),
      path: inputs.servicePath,
      heapMiB: inputs.heapMiB
    }), ...(inputs.wrapperPath === undefined ? [] : [[WRAPPER_ENV_KEY, inputs.wrapperPath] as const])],
    secrets: inputs.secrets,
    stateDir,
    userId: inputs.userId
  }
}

/** One file an install writes. */
export interface ServiceFile {
  readonly path: string
  readonly content: string
  /** Task XML is UTF-16LE with a byte-order mark; everything else UTF-8. */
  readonly encoding: "utf8" | "utf16le"
  readonly mode: number
}

/** The files of an install, in write order (env and helpers before the definition that names them). */
export const renderServiceFiles = (spec: InstallSpec): ReadonlyArray<ServiceFile> => {
  const file = (filePath: string, content: string, mode = 0o600, encoding: ServiceFile["encoding"] = "utf8"): ServiceFile =>
    ({ path: filePath, content, encoding, mode })
  switch (spec.identity.platform) {
    case "systemd":
      return [
        file(spec.paths.envFile, renderSystemdEnvFile([...spec.env, ...spec.secrets])),
        file(spec.paths.definition, renderSystemdUnit({
          description: spec.description,
          programArguments: spec.programArguments,
          environmentFile: spec.paths.envFile
        }))
      ]
    case "launchd": {
      const wrapper = spec.paths.wrapper ?? path.join(spec.stateDir, "gateway.launchd.sh")
      return [
        file(spec.paths.envFile, renderShellEnvFile(spec.secrets)),
        file(wrapper, LAUNCHD_WRAPPER_SCRIPT, 0o700),
        file(spec.paths.definition, renderLaunchdPlist({
          label: spec.identity.name,
          description: spec.description,
          programArguments: ["/bin/sh", wrapper, spec.paths.envFile, ...spec.programArguments],
          stdoutPath: spec.paths.stdoutLog ?? path.join(spec.stateDir, "logs", "gateway.log"),
          stderrPath: spec.paths.stderrLog ?? path.join(spec.stateDir, "logs", "gateway.err.log"),
          environment: spec.env
        }))
      ]
    }
    case "schtasks":
      return [
        file(spec.paths.envFile, renderGatewayCmd({ description: spec.description, environment: [...spec.env, ...spec.secrets], programArguments: spec.programArguments })),
        file(spec.paths.definition, renderTaskXml({
          description: spec.description,
          userId: spec.userId,
          scriptPath: spec.paths.envFile,
          workingDirectory: spec.stateDir
        }), 0o600, "utf16le")
      ]
  }
}

/** The config file a service will use, derived from its environment the way the gateway resolves it. */
export const serviceConfigPath = (env: Readonly<Record<string, string>>, home: string): string => {
  const explicit = env["OPENCLAW_CONFIG_PATH"]?.trim()
  if (explicit !== undefined && explicit !== "") return explicit
  const stateDir = env["OPENCLAW_STATE_DIR"]?.trim()
  return path.join(stateDir !== undefined && stateDir !== "" ? stateDir : path.join(home, defaultStateDirName(env["OPENCLAW_PROFILE"])), "openclaw.json")
}
