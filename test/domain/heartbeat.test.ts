import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { readHeartbeatReply } from "../../src/domain/heartbeat/ack.js"
import { withinActiveHours } from "../../src/domain/heartbeat/activeHours.js"
import { decideHeartbeat, type HeartbeatSituation } from "../../src/domain/heartbeat/decide.js"
import { dueTasks, isEffectivelyEmpty, parseHeartbeatFile, taskPrompt } from "../../src/domain/heartbeat/heartbeatFile.js"
import { commandOwners, resolveHeartbeatRoute } from "../../src/domain/heartbeat/route.js"
import { resolveHeartbeatVisibility } from "../../src/domain/heartbeat/visibility.js"
import { validateConfig } from "../../src/domain/config/validate.js"

const NOON_UTC = Date.parse("2026-12-06T12:00:00Z")

const TASKS_FILE = [
  "# Checks",
  "tasks:",
  "- name: inbox",
  "  interval: 30m",
  "  prompt: \"Check the inbox for urgent mail\"",
  "- name: backups",
  "  interval: 1d",
  "  prompt: \"Verify last night's backup\"",
  "Keep replies short."
].join("\n")

describe("HEARTBEAT.md", () => {
  it("is effectively empty with only headings, blank lines, empty items, fences and comments", () => {
    expect(isEffectivelyEmpty("# Heartbeat\n\n- \n- [ ]\n* [x]\n```md\n```\n<!-- nothing yet -->\n")).toBe(true)
    expect(isEffectivelyEmpty("<!--\nmulti\nline\n-->\n## Title")).toBe(true)
    expect(isEffectivelyEmpty("# Heartbeat\n- check the oven")).toBe(false)
    expect(isEffectivelyEmpty("#hashtag is text")).toBe(false)
  })
  it("parses tasks: blocks, their intervals and prompts, and keeps the rest as prose", () => {
    const parsed = parseHeartbeatFile(TASKS_FILE)
    expect(parsed.taskMode).toBe(true)
    expect(parsed.tasks).toEqual([
      { name: "inbox", intervalMs: 1_800_000, prompt: "Check the inbox for urgent mail" },
      { name: "backups", intervalMs: 86_400_000, prompt: "Verify last night's backup" }
    ])
    expect(parsed.prose).toBe("# Checks\nKeep replies short.")
  })
  it("a task is due when never run or its interval has passed", () => {
    const { tasks } = parseHeartbeatFile(TASKS_FILE)
    expect(dueTasks(tasks, {}, NOON_UTC).map((t) => t.name)).toEqual(["inbox", "backups"])
    expect(dueTasks(tasks, { inbox: NOON_UTC - 10 * 60_000, backups: NOON_UTC - 3_600_000 }, NOON_UTC)).toEqual([])
    expect(dueTasks(tasks, { inbox: NOON_UTC - 30 * 60_000, backups: NOON_UTC - 3_600_000 }, NOON_UTC).map((t) => t.name)).toEqual(["inbox"])
  })
  it("builds the task prompt with the remaining prose", () => {
    const parsed = parseHeartbeatFile(TASKS_FILE)
    expect(taskPrompt(parsed.tasks.slice(0, 1), parsed.prose)).toBe([
      "Run the following periodic tasks (only those due based on their intervals):",
      "- inbox: Check the inbox for urgent mail",
      "",
      "After completing all due tasks, reply HEARTBEAT_OK.",
      "",
      "Additional context from HEARTBEAT.md:\n# Checks\nKeep replies short."
    ].join("\n"))
  })
})

describe("HEARTBEAT_OK", () => {
  it("strips the token at either end and drops short acks", () => {
    expect(readHeartbeatReply("HEARTBEAT_OK")).toEqual({ kind: "ok-token", rest: "" })
    expect(readHeartbeatReply("All quiet. HEARTBEAT_OK")).toEqual({ kind: "ok-token", rest: "All quiet." })
    expect(readHeartbeatReply("")).toEqual({ kind: "ok-empty" })
    expect(readHeartbeatReply("The oven is on!")).toEqual({ kind: "alert", text: "The oven is on!" })
    const long = "x".repeat(301)
    expect(readHeartbeatReply(`HEARTBEAT_OK ${long}`)).toEqual({ kind: "alert", text: long })
  })
})

describe("active hours", () => {
  it("start inclusive, end exclusive, in a time zone; wraps midnight; equal = never", () => {
    expect(withinActiveHours({ start: "09:00", end: "17:00", timezone: "UTC" }, NOON_UTC)).toBe(true)
    expect(withinActiveHours({ start: "12:00", end: "17:00", timezone: "UTC" }, NOON_UTC)).toBe(true)
    expect(withinActiveHours({ start: "09:00", end: "12:00", timezone: "UTC" }, NOON_UTC)).toBe(false)
    // Noon UTC is 21:00 in Tokyo.
    expect(withinActiveHours({ start: "09:00", end: "17:00", timezone: "Asia/Tokyo" }, NOON_UTC)).toBe(false)
    expect(withinActiveHours({ start: "20:00", end: "24:00", timezone: "Asia/Tokyo" }, NOON_UTC)).toBe(true)
    expect(withinActiveHours({ start: "22:00", end: "06:00", timezone: "UTC" }, Date.parse("2026-12-06T23:30:00Z"))).toBe(true)
    expect(withinActiveHours({ start: "08:00", end: "08:00", timezone: "UTC" }, NOON_UTC)).toBe(false)
    // Noon UTC is 07:00 in New York.
    expect(withinActiveHours({ start: "06:00", end: "08:00", timezone: "user" }, NOON_UTC, "America/New_York")).toBe(true)
    expect(withinActiveHours({ start: "09:00", end: "17:00", timezone: "user" }, NOON_UTC, "America/New_York")).toBe(false)
    expect(withinActiveHours(undefined, NOON_UTC)).toBe(true)
  })
})

const telegram = { channel: "telegram", accountIds: ["default"], allowFrom: ["12345"] }
const route = resolveHeartbeatRoute({ target: undefined, to: undefined, accountId: undefined, ownerAllowFrom: [], channels: [telegram], lastRoute: undefined })

const base: HeartbeatSituation = {
  enabled: true,
  intervalMs: 1_800_000,
  nowMs: NOON_UTC,
  mainLaneQueued: false,
  cronInProgress: false,
  scheduledWake: true,
  replyRunActive: false,
  bypassPreflight: false,
  heartbeatFile: "- check the oven",
  pendingEvents: 0,
  taskLastRunAtMs: {},
  targetSessionBusy: false,
  route,
  directPolicy: "allow",
  visibility: { showOk: false, showAlerts: true, useIndicator: true },
  prompt: "PROMPT"
}
const reason = (over: Partial<HeartbeatSituation>) => {
  const d = decideHeartbeat({ ...base, ...over })
  return d.kind === "skip" ? d.reason : d.deliverySkip ?? "run"
}

describe("heartbeat route", () => {
  it("owner: the first concrete allowFrom entry of a configured channel, never a group", () => {
    expect(route).toEqual({ kind: "target", direct: true, target: { channel: "telegram", to: "12345" } })
    expect(resolveHeartbeatRoute({ target: "owner", to: undefined, accountId: undefined, ownerAllowFrom: [], channels: [{ ...telegram, allowFrom: ["*", "-100200"] }], lastRoute: undefined })).toEqual({ kind: "no-route" })
    expect(resolveHeartbeatRoute({ target: "owner", to: undefined, accountId: undefined, ownerAllowFrom: [], channels: [], lastRoute: undefined })).toEqual({ kind: "no-route" })
  })
  it("owner: commands.ownerAllowFrom first (`<channel>:<id>`, as pairing approve writes it), even when the channel's allowFrom is only \"*\"", () => {
    const openTelegram = { ...telegram, allowFrom: ["*"] }
    const discord = { channel: "discord", accountIds: ["default"], allowFrom: ["999"] }
    expect(resolveHeartbeatRoute({ target: undefined, to: undefined, accountId: undefined, ownerAllowFrom: ["telegram:4242"], channels: [discord, openTelegram], lastRoute: undefined }))
      .toEqual({ kind: "target", direct: true, target: { channel: "telegram", to: "4242" } })
    // An owner on a channel that is not configured is skipped; a channel's own allow list comes next.
    expect(resolveHeartbeatRoute({ target: undefined, to: undefined, accountId: undefined, ownerAllowFrom: ["slack:U1"], channels: [discord], lastRoute: undefined }))
      .toEqual({ kind: "target", direct: true, target: { channel: "discord", to: "999" } })
    // An explicit channel target takes that channel's owner.
    expect(resolveHeartbeatRoute({ target: "telegram", to: undefined, accountId: undefined, ownerAllowFrom: ["discord:7", "telegram:4242"], channels: [discord, openTelegram], lastRoute: undefined }))
      .toEqual({ kind: "target", direct: true, target: { channel: "telegram", to: "4242" } })
    expect(commandOwners({ commands: { ownerAllowFrom: ["telegram:1", 2, "x"] } })).toEqual(["telegram:1", "x"])
    expect(commandOwners({})).toEqual([])
  })

  it("last needs a session route; an unknown account is reported", () => {
    expect(resolveHeartbeatRoute({ target: "last", to: undefined, accountId: undefined, ownerAllowFrom: [], channels: [telegram], lastRoute: undefined })).toEqual({ kind: "no-route" })
    expect(resolveHeartbeatRoute({ target: "last", to: undefined, accountId: undefined, ownerAllowFrom: [], channels: [telegram], lastRoute: { channel: "telegram", to: "-100200", accountId: "default" } }))
      .toEqual({ kind: "target", direct: false, target: { channel: "telegram", to: "-100200", accountId: "default" } })
    expect(resolveHeartbeatRoute({ target: "telegram", to: "777", accountId: "work", ownerAllowFrom: [], channels: [telegram], lastRoute: undefined }))
      .toEqual({ kind: "unknown-account", accountId: "work", target: "telegram" })
  })
})

describe("heartbeat decision order", () => {
  it("gives each skip reason in the spec's order", () => {
    expect(reason({})).toBe("run")
    expect(reason({ enabled: false, mainLaneQueued: true })).toBe("disabled")
    expect(reason({ intervalMs: 0 })).toBe("disabled")
    expect(reason({ activeHours: { start: "09:00", end: "10:00", timezone: "UTC" }, mainLaneQueued: true })).toBe("quiet-hours")
    expect(reason({ mainLaneQueued: true, cronInProgress: true })).toBe("requests-in-flight")
    expect(reason({ cronInProgress: true })).toBe("cron-in-progress")
    expect(reason({ skipWhenBusy: true, lanesBusy: true })).toBe("lanes-busy")
    expect(reason({ replyRunActive: true })).toBe("requests-in-flight")
    expect(reason({ replyRunActive: true, scheduledWake: false })).toBe("run")
    expect(reason({ heartbeatFile: "# Heartbeat\n- [ ]\n", route: { kind: "no-route" } })).toBe("empty-heartbeat-file")
    expect(reason({ heartbeatFile: "# Heartbeat\n", bypassPreflight: true })).toBe("run")
    expect(reason({ heartbeatFile: "# Heartbeat\n", pendingEvents: 1 })).toBe("run")
    expect(reason({ heartbeatFile: undefined })).toBe("run")
    expect(reason({ targetSessionBusy: true })).toBe("requests-in-flight")
    expect(reason({ route: { kind: "no-route" } })).toBe("no-route")
    expect(reason({ directPolicy: "block" })).toBe("dm-blocked")
    expect(reason({ heartbeatFile: TASKS_FILE, taskLastRunAtMs: { inbox: NOON_UTC, backups: NOON_UTC } })).toBe("no-tasks-due")
    expect(reason({ visibility: { showOk: false, showAlerts: false, useIndicator: false } })).toBe("alerts-disabled")
  })
  it("runs the task prompt when tasks are due and warns about an unknown account", () => {
    const d = decideHeartbeat({ ...base, heartbeatFile: TASKS_FILE, taskLastRunAtMs: { inbox: NOON_UTC }, route: { kind: "unknown-account", accountId: "work", target: "telegram" } })
    expect(d.kind).toBe("run")
    if (d.kind !== "run") return
    expect(d.dueTasks.map((t) => t.name)).toEqual(["backups"])
    expect(d.prompt).toContain("- backups: Verify last night's backup")
    expect(d.warning).toEqual({ message: "heartbeat: unknown accountId", accountId: "work", target: "telegram" })
  })
})

describe("status Heartbeat row", () => {
  it("says the interval, the last heartbeat and the next cron wake, or that the gateway is down", async () => {
    const { heartbeatSummaryRow } = await import("../../src/domain/status/schedulerSummary.js")
    expect(heartbeatSummaryRow(undefined, undefined)).toBe("every 30m (main) · gateway not reachable")
    expect(heartbeatSummaryRow("1h", { cron: { enabled: true, jobs: 2, nextWakeAtMs: NOON_UTC + 5 * 60_000 }, lastHeartbeat: { ts: NOON_UTC - 3 * 3_600_000, status: "skipped", reason: "quiet-hours" }, nowMs: NOON_UTC }))
      .toBe("every 1h (main) · last: skipped (quiet-hours) 3h ago · next cron wake in 5m")
    expect(heartbeatSummaryRow("30m", { cron: { enabled: false, jobs: 0, nextWakeAtMs: null }, lastHeartbeat: null, nowMs: NOON_UTC })).toBe("every 30m (main) · last: none yet · cron disabled")
  })
})

describe("heartbeatVisibility", () => {
  const config = {
    channels: {
      defaults: { heartbeatVisibility: { showOk: true } },
      telegram: { heartbeatVisibility: { showAlerts: false }, accounts: { Work: { heartbeatVisibility: { useIndicator: false, showAlerts: true } } } },
      discord: { heartbeatVisibility: { showOk: false } }
    }
  }

  it("each flag from the account, else the channel, else channels.defaults, else the built-in default", () => {
    expect(resolveHeartbeatVisibility(config, "telegram", "Work")).toEqual({ showOk: true, showAlerts: true, useIndicator: false })
    expect(resolveHeartbeatVisibility(config, "telegram", "work")).toEqual({ showOk: true, showAlerts: true, useIndicator: false })
    expect(resolveHeartbeatVisibility(config, "telegram", "other")).toEqual({ showOk: true, showAlerts: false, useIndicator: true })
    expect(resolveHeartbeatVisibility(config, "telegram", undefined)).toEqual({ showOk: true, showAlerts: false, useIndicator: true })
    expect(resolveHeartbeatVisibility(config, "discord", undefined)).toEqual({ showOk: false, showAlerts: true, useIndicator: true })
    expect(resolveHeartbeatVisibility({}, "slack", "a")).toEqual({ showOk: false, showAlerts: true, useIndicator: true })
  })

  it("webchat reads only channels.defaults; no delivery channel is the built-in default", () => {
    const withWebchat = { channels: { ...config.channels, webchat: { heartbeatVisibility: { showOk: false } } } }
    expect(resolveHeartbeatVisibility(withWebchat, "webchat", undefined)).toEqual({ showOk: true, showAlerts: true, useIndicator: true })
    expect(resolveHeartbeatVisibility(config, "none", undefined)).toEqual({ showOk: false, showAlerts: true, useIndicator: true })
  })

  it("is validated where channels and accounts allow it: a typo names its path", () => {
    const ok = validateConfig({ channels: { telegram: { botToken: "1:a", heartbeatVisibility: { showOk: true }, accounts: { work: { heartbeatVisibility: { showAlerts: false } } } }, slack: { heartbeatVisibility: { useIndicator: false } } } })
    expect(ok._tag).toBe("Right")
    const bad = validateConfig({ channels: { telegram: { accounts: { work: { heartbeatVisibility: { showOK: true } } } } } })
    expect(bad._tag).toBe("Left")
    expect(Either.isLeft(bad) ? bad.left : []).toEqual([{ path: "channels.telegram.accounts.work.heartbeatVisibility", message: "Unrecognized key: \"showOK\"" }])
  })
})
