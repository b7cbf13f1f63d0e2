import { compareVersions, parseVersion } from "../Version.js"
import type { ServiceRuntime } from "./records.js"

/** Facts about the installed service that decide what `start`/`restart` may do. */
export interface LifecycleFacts {
  readonly installed: boolean
  readonly runtime: ServiceRuntime
  /** `--port` pinned in the definition. */
  readonly servicePort: number | undefined
  /** The port the current config resolves to. */
  readonly expectedPort: number
  /** Managed keys (profile, state dir, config path) that differ between the service and this CLI. */
  readonly driftedKeys: ReadonlyArray<string>
  /** `OPENCLAW_SERVICE_VERSION` of the installed service. */
  readonly serviceVersion: string | undefined
  readonly currentVersion: string
  /** Program paths of the service command that no longer exist or sit in a temp dir. */
  readonly staleProgramPaths: ReadonlyArray<string>
}

/** What a lifecycle action should do. */
export type LifecyclePlan =
  | { readonly _tag: "NotInstalled" }
  | { readonly _tag: "AlreadyRunning"; readonly pid: number | undefined }
  /** The shell resolves different state or a different port: only `install --force` may retarget. */
  | { readonly _tag: "RepairRefused"; readonly reasons: ReadonlyArray<string>; readonly hint: string }
  /** The definition is stale but targets the same state: rewrite it from this CLI, then act. */
  | { readonly _tag: "Repair"; readonly reasons: ReadonlyArray<string> }
  | { readonly _tag: "Proceed" }

export const INSTALL_FORCE_HINT = "openclaw gateway install --force"

const versionOrder = (service: string, current: string): number | undefined => {
  const a = parseVersion(service)
  const b = parseVersion(current)
  return a === undefined || b === undefined ? undefined : compareVersions(a, b)
}

/**
 * Decides `start` (`restart: false`) or `restart`: absent -> not installed; `start` of a running
 * service -> already; a port or state mismatch -> refuse (retarget with `install --force`); an older
 * service version or a stale program path -> rewrite the definition first; else go ahead.
 */
export const planLifecycle = (facts: LifecycleFacts, restart: boolean): LifecyclePlan => {
  if (!facts.installed) return { _tag: "NotInstalled" }
  if (!restart && facts.runtime.status === "running") return { _tag: "AlreadyRunning", pid: facts.runtime.pid }
  const refused: Array<string> = []
  if (facts.servicePort !== undefined && facts.servicePort !== facts.expectedPort) {
    refused.push(`service port ${facts.servicePort} does not match current gateway config port ${facts.expectedPort}`)
  }
  if (facts.driftedKeys.length > 0) {
    refused.push(`service uses different ${facts.driftedKeys.join(", ")} than this shell`)
  }
  const order = facts.serviceVersion === undefined ? undefined : versionOrder(facts.serviceVersion, facts.currentVersion)
  if (order !== undefined && order > 0) {
    refused.push(`service was installed by OpenClaw ${facts.serviceVersion}, current CLI is ${facts.currentVersion}`)
  }
  if (refused.length > 0) return { _tag: "RepairRefused", reasons: refused, hint: INSTALL_FORCE_HINT }
  const repairs: Array<string> = []
  if (facts.serviceVersion !== undefined && facts.serviceVersion !== facts.currentVersion && (order === undefined || order < 0)) {
    repairs.push(`service was installed by OpenClaw ${facts.serviceVersion}, current CLI is ${facts.currentVersion}`)
  }
  for (const stale of facts.staleProgramPaths) repairs.push(`service command uses a missing or temporary path: ${stale}`)
  return repairs.length > 0 ? { _tag: "Repair", reasons: repairs } : { _tag: "Proceed" }
}
