import type { FailoverReason } from "../models/failover.js"
import type { CronJob, FailureRoute } from "./job.js"

/** The failure-alert defaults: after 2 consecutive failures, at most one alert per hour. */
export const FAILURE_ALERT_AFTER = 2
export const FAILURE_ALERT_COOLDOWN_MS = 3_600_000

/** `cron.failureAlert` as the config holds it: the global policy and its default destination. */
export interface GlobalFailureAlert extends FailureRoute {
  readonly enabled?: boolean | undefined
  readonly after?: number | undefined
  readonly cooldownMs?: number | undefined
  readonly includeSkipped?: boolean | undefined
}

/**
 * A failure fact a payload producer vouches for, safe to show in chat (the raw error stays in run
 * history): a command's exit code, or that it timed out.
 */
export type FailureDetail =
  | { readonly kind: "command-exit"; readonly exitCode: number }
  | { readonly kind: "command-timeout" }

/** The policy that applies to one job, with the route its alerts take. */
export interface ResolvedFailureAlert {
  readonly after: number
  readonly cooldownMs: number
  readonly includeSkipped: boolean
  readonly mode: "announce" | "webhook"
  /** `last`: the main session's last inbound route. */
  readonly channel: string
  readonly to?: string | undefined
  readonly accountId?: string | undefined
  readonly threadId?: string | undefined
  /** The route is not the job's own announce target (so it can report a failed delivery there). */
  readonly alternate: boolean
}

const defined = <T>(...values: ReadonlyArray<T | undefined>): T | undefined => values.find((v) => v !== undefined)
const nonBlank = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim())
const routeFields = (route: FailureRoute | undefined): FailureRoute | undefined =>
  route === undefined || (route.mode === undefined && route.channel === undefined && route.to === undefined && route.accountId === undefined) ? undefined : route

/**
 * The policy for a job: its own `failureAlert` (false = off), else the global one (`enabled: false` = off
 * unless the job has its own object). Without any explicit object a job is covered only when it has a
 * route already: a `delivery.failureDestination` or its announce target.
 *
 * Routes layer job alert fields over `delivery.failureDestination` over the global destination. The mode
 * is the highest layer's; a lower layer's `to`/`accountId` is used only when it was meant for that same
 * mode and channel, so a global webhook URL never becomes a chat peer, nor a Slack peer a Telegram one.
 * With no peer left, an alert on the job's own announce channel goes to the job's own peer.
 */
export const resolveFailureAlert = (job: Pick<CronJob, "failureAlert" | "delivery">, global: GlobalFailureAlert | undefined): ResolvedFailureAlert | undefined => {
  if (job.failureAlert === false) return undefined
  const own = job.failureAlert
  if (own === undefined && global?.enabled === false) return undefined
  const primary = job.delivery?.mode === "announce" ? job.delivery : undefined
  const destination = routeFields(job.delivery?.failureDestination)
  if (own === undefined && global === undefined && destination === undefined && primary === undefined) return undefined

  // Highest first: the job's own alert route, its failure destination, the global destination.
  const layers = [routeFields(own), destination, routeFields(global)].filter((l): l is FailureRoute => l !== undefined)
  const mode = defined(...layers.map((l) => l.mode)) ?? "announce"
  const primaryChannel = primary === undefined ? undefined : nonBlank(primary.channel)?.toLowerCase() ?? "last"
  const sameMode = layers.filter((l) => l.mode === undefined || l.mode === mode)
  const channel = mode === "webhook" ? "last" : defined(...sameMode.map((l) => nonBlank(l.channel)?.toLowerCase())) ?? primaryChannel ?? "last"
  const usable = sameMode.filter((l) => mode === "webhook" || l.channel === undefined || l.channel.trim().toLowerCase() === channel)
  const onPrimaryChannel = mode === "announce" && primary !== undefined && channel === primaryChannel
  const to = defined(...usable.map((l) => nonBlank(l.to))) ?? (onPrimaryChannel ? primary?.to : undefined)
  const samePeer = onPrimaryChannel && to === primary?.to
  const accountId = defined(...usable.map((l) => nonBlank(l.accountId))) ?? (samePeer ? primary?.accountId : undefined)
  const samePrimary = samePeer && accountId === primary?.accountId
  return {
    after: Math.max(1, Math.floor(defined(own?.after, global?.after) ?? FAILURE_ALERT_AFTER)),
    cooldownMs: Math.max(0, Math.floor(defined(own?.cooldownMs, global?.cooldownMs) ?? FAILURE_ALERT_COOLDOWN_MS)),
    includeSkipped: defined(own?.includeSkipped, global?.includeSkipped) ?? false,
    mode,
    channel,
    ...(to === undefined ? {} : { to }),
    ...(accountId === undefined ? {} : { accountId }),
    ...(samePrimary && primary?.threadId !== undefined ? { threadId: primary.threadId } : {}),
    alternate: !samePrimary
  }
}

/** One alert to send: what happened, where it goes, and its chat and webhook texts. */
export interface FailureAlertPlan {
  readonly kind: "failed" | "skipped" | "delivery"
  readonly count: number
  readonly route: ResolvedFailureAlert
  readonly runAtMs: number
  /** For chat: classified causes and vouched-for facts only. */
  readonly text: string
  /** For webhooks: the same headline with the raw error (diagnostic integrations read it). */
  readonly webhookText: string
  readonly error?: string | undefined
}

/** What `planFailureAlert` needs to know about the run just finished. */
export interface FinishedRunFacts {
  readonly status: "ok" | "error" | "skipped"
  readonly completionStatus: "succeeded" | "failed"
  readonly deliveryStatus: string
  readonly error?: string | undefined
  readonly deliveryError?: string | undefined
  readonly errorReason?: FailoverReason | undefined
  readonly failureDetail?: FailureDetail | undefined
  readonly runAtMs: number
  readonly consecutiveErrors: number
  readonly consecutiveSkipped: number
}

/** Cuts text to `max` UTF-16 units without splitting a surrogate pair. */
const truncate = (text: string, max: number) => {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut
}

const GENERIC_DETAIL = "Check automation history for details."

const chatDetail = (reason: FailoverReason | undefined, detail: FailureDetail | undefined): ReadonlyArray<string> => {
  if (reason !== undefined) return [`Cause: ${reason}`]
  if (detail?.kind === "command-exit") return [`Cause: command exited with code ${detail.exitCode}`]
  if (detail?.kind === "command-timeout") return ["Cause: command timed out"]
  return [GENERIC_DETAIL]
}

const webhookDetail = (label: string, reason: FailoverReason | undefined, error: string | undefined): ReadonlyArray<string> => [
  ...(reason === undefined ? [] : [`Cause: ${reason}`]),
  `${label}: ${truncate(error?.trim() || "unknown reason", 200)}`
]

/**
 * Whether a finished run sends an alert, and which. Failures count from `after` consecutive errors;
 * skipped runs only with `includeSkipped` (on their own counter); a run whose required delivery failed
 * reports at once, but only through an alternate route (never the route that just failed). Inherited
 * alerts stay quiet for `delivery.bestEffort` jobs; one alert per `cooldownMs` (a stored time in the
 * future proves nothing and does not hold alerts back).
 */
export const planFailureAlert = (
  job: Pick<CronJob, "id" | "name" | "failureAlert" | "delivery" | "state">,
  run: FinishedRunFacts,
  global: GlobalFailureAlert | undefined,
  nowMs: number
): FailureAlertPlan | undefined => {
  const route = resolveFailureAlert(job, global)
  if (route === undefined) return undefined
  const name = job.name || job.id
  const last = job.state.lastFailureAlertAtMs
  const cooling = last !== undefined && last <= nowMs && nowMs - last < route.cooldownMs
  if (run.status === "ok") {
    if (run.completionStatus !== "failed" || run.deliveryStatus !== "not-delivered" || !route.alternate || cooling) return undefined
    return {
      kind: "delivery",
      count: 1,
      route,
      runAtMs: run.runAtMs,
      text: [`Automation "${name}" delivery failed`, ...chatDetail(undefined, undefined)].join("\n"),
      webhookText: [`Automation "${name}" delivery failed`, ...webhookDetail("Last error", undefined, run.deliveryError)].join("\n"),
      error: run.deliveryError
    }
  }
  if (run.status === "skipped" && !route.includeSkipped) return undefined
  const count = run.status === "error" ? run.consecutiveErrors : run.consecutiveSkipped
  if (count < route.after || cooling) return undefined
  if (job.delivery?.bestEffort === true && typeof job.failureAlert !== "object") return undefined
  const verb = run.status === "error" ? "failed" : "skipped"
  const headline = `Automation "${name}" ${verb} ${count} times`
  const reason = run.status === "error" ? run.errorReason : undefined
  return {
    kind: verb,
    count,
    route,
    runAtMs: run.runAtMs,
    text: [headline, ...(run.status === "error" ? chatDetail(reason, run.failureDetail) : [GENERIC_DETAIL])].join("\n"),
    webhookText: [headline, ...webhookDetail(run.status === "error" ? "Last error" : "Skip reason", reason, run.error)].join("\n"),
    error: run.error
  }
}

/** A valid IANA zone, or undefined. */
const validZone = (zone: string | undefined): string | undefined => {
  if (zone === undefined || zone.trim() === "") return undefined
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone.trim() })
    return zone.trim()
  } catch {
    return undefined
  }
}

/** `2026-12-07 02:30 UTC`: a run's start in the user's zone (`agents.defaults.userTimezone`, else the host's). */
export const formatRunStarted = (atMs: number, userTimezone: string | undefined): string => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: validZone(userTimezone),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short"
  }).formatToParts(new Date(atMs))
  const pick = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ""
  const zone = pick("timeZoneName")
  return `${pick("year")}-${pick("month")}-${pick("day")} ${pick("hour")}:${pick("minute")}${zone === "" ? "" : ` ${zone}`}`
}

/** The chat text of an alert: its lines, then when the run started (the webhook carries `runAtMs` instead). */
export const chatAlertText = (plan: FailureAlertPlan, userTimezone: string | undefined): string =>
  `${plan.text}\nRun started: ${formatRunStarted(plan.runAtMs, userTimezone)}`

/** The body POSTed to a failure-alert webhook. */
export const webhookAlertBody = (job: Pick<CronJob, "id" | "name">, plan: FailureAlertPlan) => ({
  jobId: job.id,
  jobName: job.name,
  message: plan.webhookText,
  runAtMs: plan.runAtMs,
  kind: plan.kind,
  count: plan.count,
  ...(plan.error === undefined ? {} : { error: plan.error })
})

/**
 * `cron.update`'s `failureAlert`: `false` turns alerts off, an object is merged over the job's current
 * policy (so `--failure-alert-include-skipped` keeps `after` and the route).
 */
export const mergeFailureAlert = (current: CronJob["failureAlert"], patch: CronJob["failureAlert"]): CronJob["failureAlert"] =>
  patch === undefined ? current : patch === false || current === undefined || current === false ? patch : { ...current, ...patch }
