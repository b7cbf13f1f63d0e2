import type { ExtraService, ServicePlatform } from "./records.js"

// Names earlier releases and forks used for the gateway service.
const LEGACY = /(clawdbot|moltbot|clawd)/i
const GATEWAY_LIKE = /(openclaw|clawdbot|moltbot|clawd)/i

/** Our own naming scheme for any profile: those are first-class services, never "extra". */
const OWN: Readonly<Record<ServicePlatform, RegExp>> = {
  systemd: /^openclaw-gateway(-[A-Za-z0-9._-]+)?\.service$/,
  launchd: /^ai\.openclaw\.[a-z0-9._-]+$/,
  schtasks: /^\\?OpenClaw Gateway( \(.+\))?$/
}

// Companion services that are not gateways (the node host).
const NOT_GATEWAY: Readonly<Record<ServicePlatform, RegExp>> = {
  systemd: /^openclaw-node(-.*)?\.service$/,
  launchd: /^ai\.openclaw\.node$/,
  schtasks: /^\\?OpenClaw Node/
}

/**
 * Whether a user-scope service name looks like another gateway install: legacy names
 * (clawdbot/moltbot), or OpenClaw-ish names outside our scheme. At system scope even our own
 * names count, because Clawgate only manages the per-user service.
 */
export const classifyServiceName = (
  platform: ServicePlatform,
  name: string,
  scope: "user" | "system",
  detail: string
): ExtraService | undefined => {
  if (!GATEWAY_LIKE.test(name) || NOT_GATEWAY[platform].test(name)) return undefined
  if (scope === "user" && OWN[platform].test(name)) return undefined
  if (platform === "systemd" && !name.endsWith(".service")) return undefined
  return { label: name, scope, detail, legacy: LEGACY.test(name) }
}

/** Reads `systemctl list-unit-files --no-legend` lines: `name state [preset]`. */
export const parseUnitFileList = (stdout: string): ReadonlyArray<{ readonly name: string; readonly state: string }> =>
  stdout
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols): cols is [string, string, ...Array<string>] => cols.length >= 2 && cols[0] !== "")
    .map(([name, state]) => ({ name, state }))

/** Reads `schtasks /Query /FO CSV /NH` lines: the first quoted column is the task name. */
export const parseTaskList = (stdout: string): ReadonlyArray<string> => [
  ...new Set(
    stdout
      .split(/\r?\n/)
      .map((line) => /^"([^"]*)"/.exec(line.trim())?.[1])
      .filter((name): name is string => name !== undefined && name !== "" && name !== "TaskName")
  )
]
