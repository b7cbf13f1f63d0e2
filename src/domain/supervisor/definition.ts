import type { ServicePlatform } from "./records.js"
import { parseTimeSpanMs, type UnitDirective } from "./systemdUnit.js"

/** An installed service definition read back from disk, whatever the platform. */
export interface InstalledDefinition {
  readonly platform: ServicePlatform
  readonly path: string
  /** The gateway program and its arguments (wrappers removed); undefined when unreadable. */
  readonly programArguments: ReadonlyArray<string> | undefined
  /** Environment written into the definition itself (systemd `Environment=`, plist `EnvironmentVariables`). */
  readonly inlineEnv: Readonly<Record<string, string>>
  /** Environment from the files the definition loads (the systemd env file, the launchd secrets file, `gateway.cmd`). */
  readonly fileEnv: Readonly<Record<string, string>>
  /** Systemd unit directives, for the systemd audit. */
  readonly systemdDirectives?: ReadonlyArray<UnitDirective> | undefined
  /** LaunchAgent switches, for the launchd audit. */
  readonly launchd?: { readonly keepAlive: boolean; readonly runAtLoad: boolean } | undefined
}

/** The environment the service process gets: file values overridden by inline ones (systemd order). */
export const effectiveEnv = (definition: InstalledDefinition): Readonly<Record<string, string>> => ({
  ...definition.fileEnv,
  ...definition.inlineEnv
})

/** The last `--port N` / `--port=N` in the arguments, as written. */
export const commandPortText = (args: ReadonlyArray<string> | undefined): string | undefined => {
  if (args === undefined) return undefined
  let latest: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === "--port") {
      latest = args[i + 1]
      i++
    } else if (arg.startsWith("--port=")) latest = arg.slice("--port=".length)
  }
  return latest?.trim()
}

/** The pinned port as a number, when it is a valid TCP port. */
export const commandPort = (args: ReadonlyArray<string> | undefined): number | undefined => {
  const text = commandPortText(args)
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  const port = Number(text)
  return port > 0 && port < 65536 ? port : undefined
}

/** Settings of a unit that matter for the gateway's resilience (base unit only; drop-ins are not read). */
export interface SystemdPolicy {
  readonly after: ReadonlySet<string>
  readonly wants: ReadonlySet<string>
  readonly restartSecMs: number | undefined
  readonly killMode: string
  readonly stopTimeoutMs: number
}

/** systemd's defaults when a directive is absent: `RestartSec=100ms`, `KillMode=control-group`, `TimeoutStopSec=90s`. */
export const systemdPolicy = (directives: ReadonlyArray<UnitDirective>): SystemdPolicy => {
  const after = new Set<string>()
  const wants = new Set<string>()
  let restartSecMs: number | undefined = 100
  let killMode = "control-group"
  let stopTimeoutMs = 90_000
  for (const { section, key, value } of directives) {
    if (section === "Unit" && (key === "After" || key === "Wants")) {
      for (const entry of value.split(/\s+/)) if (entry !== "") (key === "After" ? after : wants).add(entry)
    } else if (section === "Service" && key === "RestartSec") restartSecMs = parseTimeSpanMs(value)
    else if (section === "Service" && key === "KillMode" && value !== "") killMode = value.toLowerCase()
    else if (section === "Service" && (key === "TimeoutStopSec" || key === "TimeoutSec")) {
      const ms = parseTimeSpanMs(value)
      if (ms !== undefined) stopTimeoutMs = ms === 0 ? Infinity : ms
    }
  }
  return { after, wants, restartSecMs, killMode, stopTimeoutMs }
}
