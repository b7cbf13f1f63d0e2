import type { ActiveHours } from "./activeHours.js"
import { withinActiveHours } from "./activeHours.js"
import { dueTasks, type HeartbeatTask, isEffectivelyEmpty, parseHeartbeatFile, taskPrompt } from "./heartbeatFile.js"
import type { HeartbeatRoute } from "./route.js"

/** Why a heartbeat did not run its turn (spec 3.6). */
export type SkipReason =
  | "disabled"
  | "quiet-hours"
  | "requests-in-flight"
  | "cron-in-progress"
  | "lanes-busy"
  | "empty-heartbeat-file"
  | "no-tasks-due"
  | "dm-blocked"
  | "no-route"
  | "alerts-disabled"

/** `heartbeatVisibility`: what a heartbeat may show in the chat. */
export interface HeartbeatVisibility {
  readonly showOk: boolean
  readonly showAlerts: boolean
  readonly useIndicator: boolean
}

/** Everything the decision looks at, gathered by the runner. */
export interface HeartbeatSituation {
  readonly enabled: boolean
  readonly intervalMs: number
  readonly nowMs: number
  readonly activeHours?: ActiveHours | undefined
  readonly userTimezone?: string | undefined
  /** The agent's main lane has queued work. */
  readonly mainLaneQueued: boolean
  /** A cron job (not this heartbeat) is running or queued. */
  readonly cronInProgress: boolean
  readonly skipWhenBusy?: boolean | undefined
  readonly lanesBusy?: boolean | undefined
  /** This wake came from the schedule (not a manual/exec/cron/hook wake). */
  readonly scheduledWake: boolean
  /** A reply run of the agent is active. */
  readonly replyRunActive: boolean
  /** Exec, cron and hook wakes run even when HEARTBEAT.md is empty. */
  readonly bypassPreflight: boolean
  /** HEARTBEAT.md's text, `undefined` when the file does not exist. */
  readonly heartbeatFile: string | undefined
  /** Pending system events (a reason to run even with an empty file). */
  readonly pendingEvents: number
  readonly taskLastRunAtMs: Readonly<Record<string, number>>
  /** The target session's reply is active or its lane busy. */
  readonly targetSessionBusy: boolean
  readonly route: HeartbeatRoute
  readonly directPolicy: "allow" | "block"
  readonly visibility: HeartbeatVisibility
  readonly prompt: string
}

/** The decision: skip with a reason, or run a turn (maybe without delivering it, saying why). */
export type HeartbeatDecision =
  | { readonly kind: "skip"; readonly reason: SkipReason; readonly warning?: HeartbeatWarning | undefined }
  | {
    readonly kind: "run"
    readonly prompt: string
    readonly route: HeartbeatRoute
    /** Set when the turn runs but its reply is not delivered. */
    readonly deliverySkip?: "dm-blocked" | undefined
    readonly dueTasks: ReadonlyArray<HeartbeatTask>
    readonly warning?: HeartbeatWarning | undefined
  }

/** `heartbeat: unknown accountId` with its fields. */
export interface HeartbeatWarning {
  readonly message: "heartbeat: unknown accountId"
  readonly accountId: string
  readonly target: string
}

/** The heartbeat's decision order (spec 3.6), first matching reason wins. */
export const decideHeartbeat = (s: HeartbeatSituation): HeartbeatDecision => {
  if (!s.enabled || s.intervalMs <= 0) return { kind: "skip", reason: "disabled" }
  if (!withinActiveHours(s.activeHours, s.nowMs, s.userTimezone)) return { kind: "skip", reason: "quiet-hours" }
  if (s.mainLaneQueued) return { kind: "skip", reason: "requests-in-flight" }
  if (s.cronInProgress) return { kind: "skip", reason: "cron-in-progress" }
  if (s.skipWhenBusy === true && s.lanesBusy === true) return { kind: "skip", reason: "lanes-busy" }
  if (s.scheduledWake && s.replyRunActive) return { kind: "skip", reason: "requests-in-flight" }

  const parsed = s.heartbeatFile === undefined ? undefined : parseHeartbeatFile(s.heartbeatFile)
  if (!s.bypassPreflight && s.heartbeatFile !== undefined && s.pendingEvents === 0 && isEffectivelyEmpty(s.heartbeatFile)) {
    return { kind: "skip", reason: "empty-heartbeat-file" }
  }
  if (s.targetSessionBusy) return { kind: "skip", reason: "requests-in-flight" }

  const warning: HeartbeatWarning | undefined = s.route.kind === "unknown-account"
    ? { message: "heartbeat: unknown accountId", accountId: s.route.accountId, target: s.route.target }
    : undefined
  if (s.route.kind === "no-route") return { kind: "skip", reason: "no-route" }
  const deliverySkip = s.route.kind === "target" && s.route.direct && s.directPolicy === "block" ? "dm-blocked" as const : undefined

  const due = parsed?.taskMode === true ? dueTasks(parsed.tasks, s.taskLastRunAtMs, s.nowMs) : []
  if (parsed?.taskMode === true && due.length === 0 && s.pendingEvents === 0) return { kind: "skip", reason: "no-tasks-due", warning }
  if (!s.visibility.showOk && !s.visibility.showAlerts && !s.visibility.useIndicator) return { kind: "skip", reason: "alerts-disabled", warning }

  const prompt = parsed?.taskMode === true && due.length > 0 ? taskPrompt(due, parsed.prose) : s.prompt
  return { kind: "run", prompt, route: s.route, deliverySkip, dueTasks: due, warning }
}
