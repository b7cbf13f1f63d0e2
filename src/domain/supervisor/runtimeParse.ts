import type { ServiceRuntime } from "./records.js"

/** `key<sep>value` lines into a map with lowercased keys; the first occurrence wins. */
export const parseKeyValues = (text: string, separator: string): Record<string, string> => {
  const entries: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const at = raw.indexOf(separator)
    if (at <= 0) continue
    const key = raw.slice(0, at).trim().toLowerCase()
    if (key !== "" && !(key in entries)) entries[key] = raw.slice(at + separator.length).trim()
  }
  return entries
}

const positiveInt = (value: string | undefined) => {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined
  const n = Number(value.trim())
  return n > 0 ? n : undefined
}

const int = (value: string | undefined) => (value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined)

/** The systemd properties `gateway status` asks for, in this order. */
export const SYSTEMD_SHOW_PROPERTIES = "ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState"

/** Unit-file states that start the unit at login. */
const ENABLED_STATES = new Set(["enabled", "enabled-runtime", "linked", "linked-runtime", "alias"])

/** Reads `systemctl --user show -p ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState`. */
export const parseSystemctlShow = (stdout: string): { readonly runtime: ServiceRuntime; readonly enabled: boolean } => {
  const props = parseKeyValues(stdout, "=")
  const state = props["activestate"]
  const subState = props["substate"]
  const pid = positiveInt(props["mainpid"])
  const lastExitStatus = int(props["execmainstatus"])
  const status: ServiceRuntime["status"] =
    state === "active" || state === "reloading" ? "running"
    : state === "activating" ? (subState === "auto-restart" ? "stopped" : "running")
    : state === "inactive" || state === "failed" || state === "deactivating" ? "stopped"
    : "unknown"
  return {
    runtime: {
      status,
      ...(pid === undefined || status !== "running" ? {} : { pid }),
      ...(state === undefined || state === "" ? {} : { state }),
      ...(subState === undefined || subState === "" ? {} : { subState }),
      ...(lastExitStatus === undefined ? {} : { lastExitStatus }),
      ...(subState === "auto-restart" ? { detail: "exited; systemd will restart it" } : {})
    },
    enabled: ENABLED_STATES.has(props["unitfilestate"] ?? "")
  }
}

/** Reads `launchctl print gui/<uid>/<label>`: `state = running`, `pid = 4242`, `last exit code = 0`. */
export const parseLaunchctlPrint = (stdout: string): ServiceRuntime => {
  const props = parseKeyValues(stdout, " = ")
  const state = props["state"]
  const pid = positiveInt(props["pid"])
  const lastExitStatus = int(props["last exit code"])
  const status: ServiceRuntime["status"] = state === "running" ? "running" : state === undefined ? "unknown" : "stopped"
  return {
    status,
    ...(pid === undefined ? {} : { pid }),
    ...(state === undefined ? {} : { state }),
    ...(lastExitStatus === undefined ? {} : { lastExitStatus })
  }
}

// 0x41301 (267009): "the task is currently running".
const TASK_RUNNING = 0x41301

const taskResultCode = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim().toLowerCase()
  if (/^0x[0-9a-f]+$/.test(text)) return parseInt(text.slice(2), 16)
  return /^-?\d+$/.test(text) ? Number(text) : undefined
}

/** Reads `schtasks /Query /TN <name> /V /FO LIST`: `Status: Running`, `Last Run Result: 267009`. */
export const parseSchtasksQuery = (stdout: string): ServiceRuntime => {
  const props = parseKeyValues(stdout, ":")
  const state = props["status"]
  const result = taskResultCode(props["last run result"] ?? props["last result"])
  const status: ServiceRuntime["status"] =
    state?.toLowerCase() === "running" || result === TASK_RUNNING ? "running"
    : state?.toLowerCase() === "ready" || state?.toLowerCase() === "disabled" ? "stopped"
    : result !== undefined ? "stopped"
    : "unknown"
  return {
    status,
    ...(state === undefined ? {} : { state }),
    ...(result === undefined || result === TASK_RUNNING ? {} : { lastExitStatus: result }),
    ...(status === "unknown" ? { detail: "task status is locale-dependent and no numeric Last Run Result was available" } : {})
  }
}
