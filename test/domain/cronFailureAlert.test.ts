import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { validateConfig } from "../../src/domain/config/validate.js"
import { planLegacyMigration } from "../../src/domain/doctor/legacyKeys.js"
import { chatAlertText, formatRunStarted, type GlobalFailureAlert, mergeFailureAlert, resolveFailureAlert } from "../../src/domain/cron/failureAlert.js"
import { failureAlertPatch, type FailureAlertFlags } from "../../src/domain/cron/failureAlertFlags.js"
import { finishRun, type RunOutcome } from "../../src/domain/cron/finishRun.js"
import type { CronJob } from "../../src/domain/cron/job.js"
import { resolvedWebhookProblem, webhookUrlProblem } from "../../src/domain/cron/webhookGuard.js"

const T0 = Date.parse("2026-12-07T02:30:00.000Z")
const TELEGRAM = { mode: "announce" as const, channel: "telegram", to: "telegram:19098680" }
const job = (over: Partial<CronJob> = {}): CronJob => ({
  id: "job-1",
  name: "daily report",
  enabled: true,
  createdAtMs: T0,
  updatedAtMs: T0,
  schedule: { kind: "every", everyMs: 60_000, anchorMs: T0 },
  sessionTarget: "isolated",
  wakeMode: "now",
  payload: { kind: "command", argv: ["false"] },
  state: {},
  ...over
})
const failed = (atMs: number, over: Partial<RunOutcome> = {}): RunOutcome => ({
  runId: `r-${atMs}`,
  runAtMs: atMs,
  status: "error",
  error: "command exited with code 3: secret-token=abc in /home/me/bin",
  deliveryStatus: "not-requested",
  failureDetail: { kind: "command-exit", exitCode: 3 },
  ...over
})
/** Runs `n` failures in a row, one second apart; answers the last result. */
const failTimes = (start: CronJob, n: number, global?: GlobalFailureAlert, over: Partial<RunOutcome> = {}) => {
  let current = start
  let result = finishRun(current, failed(T0, over), T0, global)
  for (let i = 0; i < n; i++) {
    result = finishRun(current, failed(T0 + i * 1000, over), T0 + i * 1000, global)
    current = result.job!
  }
  return result
}

describe("failure-alert routes", () => {
  const route = (global: GlobalFailureAlert | undefined, own?: CronJob["failureAlert"]) => {
    const r = resolveFailureAlert(job({ delivery: TELEGRAM, ...(own === undefined ? {} : { failureAlert: own }) }), global)
    return r === undefined ? undefined : { mode: r.mode, ...(r.mode === "announce" ? { channel: r.channel } : {}), to: r.to }
  }
  it.each([
    ["a global webhook destination", { mode: "webhook" as const, to: "https://alerts.example.test/cron" }, undefined, { mode: "webhook", to: "https://alerts.example.test/cron" }],
    ["a global chat channel and peer", { mode: "announce" as const, channel: "slack", to: "slack:cron-alerts" }, undefined, { mode: "announce", channel: "slack", to: "slack:cron-alerts" }],
    ["the job's webhook over the global one", { mode: "webhook" as const, to: "https://a.test/global" }, { mode: "webhook" as const, to: "https://a.test/job" }, { mode: "webhook", to: "https://a.test/job" }],
    ["no global webhook URL as a chat peer", { mode: "webhook" as const, to: "https://a.test/global" }, { mode: "announce" as const }, { mode: "announce", channel: "telegram", to: "telegram:19098680" }],
    ["no Slack peer for a Telegram alert", { mode: "announce" as const, channel: "slack", to: "slack:cron-alerts" }, { mode: "announce" as const, channel: "telegram" }, { mode: "announce", channel: "telegram", to: "telegram:19098680" }],
    ["no webhook channel once the job switches to chat", { mode: "webhook" as const, channel: "slack", to: "https://a.test/global" }, { mode: "announce" as const }, { mode: "announce", channel: "telegram", to: "telegram:19098680" }],
    ["no job peer for a global channel-only alert", { mode: "announce" as const, channel: "slack" }, undefined, { mode: "announce", channel: "slack", to: undefined }],
    ["the global webhook when the job names an unused channel", { mode: "webhook" as const, to: "https://a.test/global" }, { channel: "telegram" }, { mode: "webhook", to: "https://a.test/global" }]
  ])("%s", (_name, global, own, expected) => {
    expect(route(global, own)).toEqual(expected)
  })

  it("a job with no route and no explicit policy stays quiet; an announce target or a policy object covers it", () => {
    expect(resolveFailureAlert(job(), undefined)).toBeUndefined()
    expect(resolveFailureAlert(job({ delivery: TELEGRAM }), undefined)).toMatchObject({ after: 2, cooldownMs: 3_600_000, includeSkipped: false, mode: "announce", channel: "telegram", to: "telegram:19098680", alternate: false })
    expect(resolveFailureAlert(job(), {})).toMatchObject({ mode: "announce", channel: "last" })
    expect(resolveFailureAlert(job({ delivery: { mode: "none", failureDestination: { channel: "slack", to: "#alerts" } } }), undefined)).toMatchObject({ channel: "slack", to: "#alerts", alternate: true })
  })

  it("global enabled:false silences inherited alerts, but a job's own object re-enables it; failureAlert:false always wins", () => {
    expect(resolveFailureAlert(job({ delivery: TELEGRAM }), { enabled: false })).toBeUndefined()
    expect(resolveFailureAlert(job({ failureAlert: { after: 1, channel: "telegram", to: "12345" } }), { enabled: false })).toMatchObject({ after: 1, channel: "telegram", to: "12345" })
    expect(resolveFailureAlert(job({ delivery: TELEGRAM, failureAlert: false }), { enabled: true, after: 1 })).toBeUndefined()
  })
})

describe("when a run alerts", () => {
  it("after `after` consecutive failures, once per cooldown; a success ends the incident", () => {
    const global = { after: 2, cooldownMs: 60_000 }
    const routed = job({ delivery: TELEGRAM })
    expect(failTimes(routed, 1, global).alert).toBeUndefined()
    const second = failTimes(routed, 2, global)
    expect(second.alert).toMatchObject({ kind: "failed", count: 2, route: { channel: "telegram", to: "telegram:19098680" } })
    expect(second.job!.state.lastFailureAlertAtMs).toBe(T0 + 1000)
    expect(finishRun(second.job!, failed(T0 + 2000), T0 + 2000, global).alert).toBeUndefined()
    expect(finishRun(second.job!, failed(T0 + 61_000), T0 + 61_000, global).alert).toMatchObject({ count: 3 })
    // A success clears the cooldown: the next streak alerts when it reaches the threshold again.
    const ok = finishRun(second.job!, { ...failed(T0 + 3000), status: "ok" }, T0 + 3000, global).job!
    expect(ok.state.lastFailureAlertAtMs).toBeUndefined()
    expect(failTimes(ok, 2, global).alert).toMatchObject({ count: 2 })
  })

  it("the heartbeat's own job reports through the heartbeat, never as a failure alert", () => {
    expect(failTimes(job({ payload: { kind: "heartbeat" }, failureAlert: { after: 1 } }), 3, { after: 1 }).alert).toBeUndefined()
  })

  it("a stored alert time in the future does not hold alerts back", () => {
    const future = job({ delivery: TELEGRAM, failureAlert: { after: 1 }, state: { lastFailureAlertAtMs: T0 + 86_400_000 } })
    expect(finishRun(future, failed(T0), T0).alert).toMatchObject({ count: 1 })
  })

  it("delivery.bestEffort silences inherited alerts but not the job's own policy", () => {
    const bestEffort = job({ delivery: { ...TELEGRAM, bestEffort: true } })
    expect(failTimes(bestEffort, 3, { after: 1 }).alert).toBeUndefined()
    expect(failTimes({ ...bestEffort, failureAlert: { after: 1 } }, 1).alert).toMatchObject({ count: 1 })
  })

  it("skipped runs count apart and alert only with includeSkipped; they never touch the error streak", () => {
    const skipped = { status: "skipped" as const, error: "requests-in-flight", failureDetail: undefined }
    const plain = failTimes(job({ delivery: TELEGRAM }), 3, { after: 2 }, skipped)
    expect(plain.alert).toBeUndefined()
    expect(plain.job!.state).toMatchObject({ consecutiveSkipped: 3, consecutiveErrors: 0 })
    const opted = failTimes(job({ delivery: TELEGRAM, failureAlert: { includeSkipped: true } }), 2, undefined, skipped)
    expect(opted.alert?.text).toBe("Automation \"daily report\" skipped 2 times\nCheck automation history for details.")
    expect(opted.alert?.webhookText).toBe("Automation \"daily report\" skipped 2 times\nSkip reason: requests-in-flight")
  })

  it("a failed required delivery alerts at once, but only through an alternate route", () => {
    const undelivered = { status: "ok" as const, deliveryStatus: "not-delivered" as const, deliveryError: "chat not found", error: undefined, failureDetail: undefined }
    expect(finishRun(job({ delivery: TELEGRAM }), failed(T0, undelivered), T0).alert).toBeUndefined()
    const alternate = finishRun(job({ delivery: TELEGRAM, failureAlert: { mode: "webhook", to: "https://a.test/hook" } }), failed(T0, undelivered), T0)
    expect(alternate.alert).toMatchObject({ kind: "delivery", route: { mode: "webhook" }, webhookText: "Automation \"daily report\" delivery failed\nLast error: chat not found" })
    expect(alternate.job!.state.consecutiveErrors).toBe(0)
  })
})

describe("alert texts", () => {
  it("chat shows the vouched-for cause, never the raw error; the webhook keeps the raw error", () => {
    const plan = failTimes(job({ delivery: TELEGRAM, failureAlert: { after: 1 } }), 1).alert!
    expect(plan.text).toBe("Automation \"daily report\" failed 1 times\nCause: command exited with code 3")
    expect(plan.text).not.toContain("secret-token")
    expect(plan.webhookText).toBe("Automation \"daily report\" failed 1 times\nLast error: command exited with code 3: secret-token=abc in /home/me/bin")
    expect(chatAlertText(plan, "UTC")).toBe("Automation \"daily report\" failed 1 times\nCause: command exited with code 3\nRun started: 2026-12-07 02:30 UTC")
  })

  it("a classified model failure shows its class; an unclassified one points at the history", () => {
    const own = job({ failureAlert: { after: 1 }, payload: { kind: "agentTurn", message: "report" } })
    expect(failTimes(own, 1, undefined, { error: "403 Key limit exceeded", errorReason: "billing", failureDetail: undefined }).alert?.text).toBe("Automation \"daily report\" failed 1 times\nCause: billing")
    expect(failTimes(own, 1, undefined, { error: "something odd", failureDetail: undefined }).alert?.text).toBe("Automation \"daily report\" failed 1 times\nCheck automation history for details.")
  })

  it("the webhook's raw error is cut at 200 units without splitting a surrogate pair", () => {
    const long = `${"x".repeat(199)}🎉trailing`
    const text = failTimes(job({ failureAlert: { after: 1 } }), 1, undefined, { error: long }).alert!.webhookText
    expect(text.endsWith(`Last error: ${"x".repeat(199)}`)).toBe(true)
  })

  it("the run start is shown in the user's zone", () => {
    const at = Date.parse("2026-05-04T07:20:00.000Z")
    expect(formatRunStarted(at, "UTC")).toBe("2026-05-04 07:20 UTC")
    expect(formatRunStarted(at, "Asia/Dubai")).toBe("2026-05-04 11:20 GMT+4")
  })
})

describe("cron edit --failure-alert* flags", () => {
  const none: FailureAlertFlags = { failureAlert: false, noFailureAlert: false, includeSkipped: false, excludeSkipped: false }
  it("builds the patch the gateway merges over the job's policy", () => {
    expect(failureAlertPatch(none)).toEqual({})
    expect(failureAlertPatch({ ...none, failureAlert: true })).toEqual({ patch: {} })
    expect(failureAlertPatch({ ...none, noFailureAlert: true })).toEqual({ patch: false })
    expect(failureAlertPatch({ ...none, after: "3", cooldown: "30m", excludeSkipped: true, mode: "Webhook", to: " https://a.test/h ", channel: "Telegram", accountId: "main" })).toEqual({
      patch: { after: 3, cooldownMs: 1_800_000, includeSkipped: false, mode: "webhook", to: "https://a.test/h", channel: "telegram", accountId: "main" }
    })
  })
  it("refuses contradictions and bad values, naming the flag", () => {
    expect(failureAlertPatch({ ...none, includeSkipped: true, excludeSkipped: true })).toEqual({ error: "Use either --failure-alert-include-skipped or --failure-alert-exclude-skipped." })
    expect(failureAlertPatch({ ...none, noFailureAlert: true, after: "2" })).toEqual({ error: "Use --no-failure-alert alone (without failure-alert-* options)." })
    expect(failureAlertPatch({ ...none, after: "0" })).toEqual({ error: "Invalid --failure-alert-after (must be a positive integer)." })
    expect(failureAlertPatch({ ...none, after: "two" })).toEqual({ error: "Invalid --failure-alert-after (must be a positive integer)." })
    expect(failureAlertPatch({ ...none, cooldown: "soon" })).toEqual({ error: "Invalid --failure-alert-cooldown (use a duration such as 30m, 1h or 0s)." })
    expect(failureAlertPatch({ ...none, mode: "email" })).toEqual({ error: "Invalid --failure-alert-mode (must be 'announce' or 'webhook')." })
  })
  it("an edit keeps the rest of the job's policy", () => {
    expect(mergeFailureAlert({ after: 1, channel: "telegram", to: "12345" }, { includeSkipped: true })).toEqual({ after: 1, channel: "telegram", to: "12345", includeSkipped: true })
    expect(mergeFailureAlert({ after: 1 }, false)).toBe(false)
    expect(mergeFailureAlert(false, { after: 2 })).toEqual({ after: 2 })
    expect(mergeFailureAlert({ after: 1 }, undefined)).toEqual({ after: 1 })
  })
})

describe("webhook SSRF policy", () => {
  it("refuses private targets by default and says how to allow one", () => {
    expect(webhookUrlProblem("http://127.0.0.1:9/hook", undefined)).toBe(
      "webhook blocked by SSRF policy: 127.0.0.1 is a private-network address. Allow it with cron.webhookSsrfPolicy.allowedHostnames (e.g. [\"127.0.0.1\"]) or cron.webhookSsrfPolicy.dangerouslyAllowPrivateNetwork: true."
    )
    for (const url of ["http://10.0.0.5/", "http://[::1]/", "http://localhost/", "http://169.254.169.254/latest", "http://198.18.0.1/", "http://[fd00::1]/"]) {
      expect(webhookUrlProblem(url, undefined), url).toBeDefined()
    }
    expect(webhookUrlProblem("ftp://alerts.example.com/", undefined)).toBe("webhook URL must be http(s), got: ftp")
    expect(webhookUrlProblem("https://alerts.example.com/hook", undefined)).toBeUndefined()
  })
  it("allows exactly the listed hosts, the narrow ranges by flag, or everything when dangerously allowed", () => {
    expect(webhookUrlProblem("http://127.0.0.1:9/hook", { allowedHostnames: ["127.0.0.1"] })).toBeUndefined()
    expect(webhookUrlProblem("http://127.0.0.2:9/hook", { allowedHostnames: ["127.0.0.1"] })).toBeDefined()
    expect(webhookUrlProblem("http://198.18.0.1/", { allowRfc2544BenchmarkRange: true })).toBeUndefined()
    expect(webhookUrlProblem("http://[fd00::1]/", { allowIpv6UniqueLocalRange: true })).toBeUndefined()
    expect(webhookUrlProblem("http://192.168.1.10/", { dangerouslyAllowPrivateNetwork: true })).toBeUndefined()
  })
  it("a public name that resolves to a private address is refused", () => {
    expect(resolvedWebhookProblem("hooks.example.com", ["93.184.216.34", "10.1.2.3"], undefined)).toContain("10.1.2.3")
    expect(resolvedWebhookProblem("hooks.example.com", ["93.184.216.34"], undefined)).toBeUndefined()
    expect(resolvedWebhookProblem("hooks.example.com", ["10.1.2.3"], { allowedHostnames: ["hooks.example.com"] })).toBeUndefined()
  })
})

describe("cron.failureAlert and cron.webhookSsrfPolicy in the config", () => {
  const issues = (cron: unknown) => Either.match(validateConfig({ cron }), { onLeft: (list) => list, onRight: () => [] })
  it("accepts the documented keys", () => {
    expect(issues({
      failureAlert: { enabled: false, after: 2, cooldownMs: 3_600_000, includeSkipped: false, mode: "announce", channel: "last", to: "channel:C1234567890", accountId: "main" },
      webhookSsrfPolicy: { allowedHostnames: ["127.0.0.1"], dangerouslyAllowPrivateNetwork: false, allowRfc2544BenchmarkRange: false, allowIpv6UniqueLocalRange: false }
    })).toEqual([])
  })
  it("an unknown key or a bad value is an error naming its path", () => {
    expect(issues({ failureAlert: { after: 2, afterr: 3 } })).toEqual([{ path: "cron.failureAlert", message: "Unrecognized key: \"afterr\"" }])
    expect(issues({ webhookSsrfPolicy: { allowPrivate: true } })).toEqual([{ path: "cron.webhookSsrfPolicy", message: "Unrecognized key: \"allowPrivate\"" }])
    expect(issues({ failureAlert: { after: 0 } }).map((i) => i.path)).toEqual(["cron.failureAlert.after"])
    expect(issues({ failureAlert: { mode: "email" } }).map((i) => i.path)).toEqual(["cron.failureAlert.mode"])
  })
  it("doctor --fix merges the retired cron.failureDestination into cron.failureAlert (its own fields win)", () => {
    const plan = planLegacyMigration({ cron: { failureDestination: { mode: "webhook", to: "https://a.test/old", channel: "slack" }, failureAlert: { after: 3, to: "https://a.test/new" } } })
    expect(plan.next).toEqual({ cron: { failureAlert: { mode: "webhook", channel: "slack", to: "https://a.test/new", after: 3 } } })
    expect(plan.migrations.map((m) => m.change)).toEqual(["Merged cron.failureDestination into cron.failureAlert."])
    expect(issues((plan.next as { cron: unknown }).cron)).toEqual([])
  })
})
