import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { useModelGatewayProcess } from "../support/modelGatewayProcess.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"

const TOKEN = "ui-methods-token"
const recorded: { methods: Record<string, { params: unknown; shape: Record<string, string> | string }> } = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "../fixtures/original-frames/control-ui-view-shapes.json"), "utf8")
)
/**
 * Top-level fields of the original's answers this gateway leaves out, each for a reason: no plugin
 * surface URLs to expire (`expiresAtMs`), no event-loop monitor and no utility model (`system.info`).
 */
const LEFT_OUT: Record<string, ReadonlyArray<string>> = {
  "plugin.surface.refresh": ["expiresAtMs"],
  "system.info": ["eventLoop", "defaultAgentUtilityModel"]
}
const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)
// The original Control UI's scopes (spec control-ui.md 3.1).
const UI_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.questions", "operator.pairing"]

describe("the original Control UI's methods against our gateway", () => {
  const gw = useModelGatewayProcess(TOKEN)
  const url = () => `ws://127.0.0.1:${gw.port}`
  const operator = async (scopes: ReadonlyArray<string> = UI_SCOPES): Promise<RawClient> => {
    const { client, response } = await connectRaw(url(), { token: TOKEN, scopes })
    expect(response.ok).toBe(true)
    return client
  }

  it("each method needs the original's scope: a read-only operator reads, but is refused admin, questions, approvals and pairing reads", async () => {
    const reader = await operator(["operator.read"])
    try {
      for (const [method, params] of [["agents.list", {}], ["system.info", {}], ["config.schema", {}], ["tasks.list", {}]] as const) {
        expect((await call(reader, method, params)).ok, method).toBe(true)
      }
      for (const [method, scope] of [["update.status", "operator.admin"], ["question.list", "operator.questions"], ["plugin.approval.list", "operator.approvals"], ["channels.pairing.list", "operator.pairing"], ["users.prefs.set", "operator.write"]] as const) {
        const answer = await call(reader, method, method === "users.prefs.set" ? { entries: { a: 1 } } : {})
        expect(answer.ok, method).toBe(false)
        expect(answer.error?.details?.["missingScope"], method).toBe(scope)
      }
      // Param-aware, as the original's: listing environments is a read, naming a runtime to prepare is a write.
      expect((await call(reader, "environments.list", { includeDesktopSetup: true })).ok).toBe(true)
      expect((await call(reader, "environments.list", { runtimeId: "codex" })).error?.details?.["missingScope"]).toBe("operator.write")
    } finally {
      reader.close()
    }
  })

  it("every recorded method answers the UI's params with the original's top-level fields and types", async () => {
    const ui = await operator()
    try {
      const mismatches: Array<string> = []
      for (const [name, { params, shape }] of Object.entries(recorded.methods)) {
        const method = name.split("#")[0]!
        const answer = await call(ui, method, params)
        if (answer.ok !== true) {
          mismatches.push(`${name}: ${answer.error?.message}`)
          continue
        }
        if (typeof shape === "string") {
          if (jsonType(answer.payload) !== shape) mismatches.push(`${name}: original ${shape}, ours ${jsonType(answer.payload)}`)
          continue
        }
        for (const [key, type] of Object.entries(shape)) {
          if (LEFT_OUT[method]?.includes(key)) continue
          const ours = jsonType(answer.payload[key])
          // A field the original sends as null where it has nothing (sessions.describe) may be an object here.
          if (ours !== type && !(type === "null" && ours === "object")) mismatches.push(`${name}.${key}: original ${type}, ours ${ours}`)
        }
      }
      expect(mismatches).toEqual([])
    } finally {
      ui.close()
    }
  })

  it("params are the original's: what the UI sends is accepted, an unknown key or a bad value is refused naming it", async () => {
    const ui = await operator()
    try {
      expect((await call(ui, "sessions.catalog.list", { agentId: "main", limitPerHost: 40, progressId: "p1", allowPartialResults: true })).ok).toBe(true)
      expect((await call(ui, "tasks.list", { sessionKey: "agent:main:main", agentId: "main", status: ["queued", "running"], limit: 50 })).ok).toBe(true)
      const unknown = await call(ui, "sessions.describe", { key: "main", bogus: 1 })
      // Undeclared keys are shown as <key> (the dispatcher never echoes client text), with the keys accepted.
      expect(unknown.error?.message).toBe('invalid sessions.describe params: <key>: is unexpected, expected: "key" | "agentId" | "includeDerivedTitles" | "includeLastMessage"')
      const badStatus = await call(ui, "tasks.list", { status: "sleeping" })
      expect(badStatus.ok).toBe(false)
      expect(badStatus.error?.message).toContain("status")
      const noKey = await call(ui, "chat.startup", { limit: 80 })
      expect(noKey.error?.message).toContain("sessionKey")
    } finally {
      ui.close()
    }
  })

  it("concepts this gateway does not have answer their empty state, never invented items", async () => {
    const ui = await operator()
    try {
      expect((await call(ui, "plugins.controlUi.list", {})).payload).toMatchObject({ plugins: [], diagnostics: [] })
      expect((await call(ui, "question.list", {})).payload).toEqual({ questions: [] })
      expect((await call(ui, "plugin.approval.list", {})).payload).toEqual([])
      expect((await call(ui, "sessions.groups.list", {})).payload).toEqual({ groups: [], sectionOrder: [] })
      expect((await call(ui, "tasks.list", { agentId: "main" })).payload).toEqual({ tasks: [] })
      expect((await call(ui, "plugin.surface.refresh", { surface: "canvas", observedUrl: "http://127.0.0.1/" })).payload).toEqual({ surface: "canvas", pluginSurfaceUrls: {} })
      // No channel account uses DM pairing here (no channels configured).
      expect((await call(ui, "channels.pairing.list", {})).payload).toEqual({ accounts: [], requests: [], commandOwnerConfigured: false, limits: { pendingPerAccount: 3, ttlMs: 3_600_000 } })
      expect((await call(ui, "channels.pairing.list", { channel: "irc" })).error?.message).toBe("unknown pairing channel: irc")
      expect((await call(ui, "update.status", {})).payload).toEqual({ sentinel: null, updateAvailable: null, effectiveChannel: "stable", schedule: { channel: "stable", autoEnabled: false } })
    } finally {
      ui.close()
    }
  })

  it("agents, identity, models auth, system info and the config schema come from this gateway", async () => {
    const ui = await operator()
    try {
      const agents = (await call(ui, "agents.list", {})).payload
      expect(agents).toMatchObject({ defaultId: "main", mainKey: "main", agents: [{ id: "main", model: { primary: expect.any(String) } }] })
      expect((await call(ui, "agent.identity.get", { agentId: "main" })).payload).toEqual({ agentId: "main", name: "Assistant", nameSource: "default", avatar: "A" })
      expect((await call(ui, "agent.identity.get", { agentId: "ghost" })).error?.message).toBe('unknown agent id "ghost"')
      const auth = (await call(ui, "models.authStatus", { agentId: "main" })).payload
      expect(auth.providers.map((p: any) => p.provider)).toEqual(Object.keys(JSON.parse(fs.readFileSync(gw.home.configPath, "utf8")).models.providers))
      const info = (await call(ui, "system.info", {})).payload
      expect(info).toMatchObject({ pid: gw.gateway.pid, port: gw.port, platform: process.platform, diskPath: gw.home.stateDir })
      const schema = (await call(ui, "config.schema", {})).payload
      expect(schema.schema.properties.gateway.properties.port).toBeDefined()
      expect(schema.schema.properties.logging.properties.level.enum).toContain("debug")
    } finally {
      ui.close()
    }
  })

  it("cron.list as the automations view asks: an inventory page with a stable snapshotRevision", async () => {
    const ui = await operator()
    try {
      const params = { agentId: "main", includeDisabled: true, includeDeliveryPreviews: false, limit: 50, offset: 0, enabled: "all", scheduleKind: "all", lastRunStatus: "all", trigger: "all", sortBy: "nextRunAtMs", sortDir: "asc" }
      const first = (await call(ui, "cron.list", params)).payload
      expect(first).toMatchObject({ offset: 0, limit: 50, hasMore: false, nextOffset: null })
      expect(first.snapshotRevision).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/)
      expect((await call(ui, "cron.list", params)).payload.snapshotRevision).toBe(first.snapshotRevision)
    } finally {
      ui.close()
    }
  })

  it("users.prefs: set, read back, compare-and-set conflicts, null removes; kept in a 0600 state file", async () => {
    const ui = await operator()
    try {
      expect((await call(ui, "users.prefs.get", { keys: ["ui.theme"] })).payload).toEqual({ status: "ok", entries: {} })
      expect((await call(ui, "users.prefs.set", { entries: { "ui.theme": "claw", "ui.fontUi": { size: 14 } } })).payload).toEqual({ status: "ok" })
      expect((await call(ui, "users.prefs.get", { keys: ["ui.theme", "ui.fontUi", "ui.accent"] })).payload).toEqual({ status: "ok", entries: { "ui.theme": "claw", "ui.fontUi": { size: 14 } } })
      expect((await call(ui, "users.prefs.set", { entries: { "ui.theme": "tide" }, expectedEntries: { "ui.theme": "dash" } })).payload).toEqual({ status: "conflict" })
      expect((await call(ui, "users.prefs.set", { entries: { "ui.theme": "tide" }, expectedEntries: { "ui.theme": "claw" } })).payload).toEqual({ status: "ok" })
      expect((await call(ui, "users.prefs.set", { entries: { "ui.fontUi": null } })).payload).toEqual({ status: "ok" })
      expect((await call(ui, "users.prefs.get", {})).payload).toEqual({ status: "ok", entries: { "ui.theme": "tide" } })
      const tooMany = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))
      expect((await call(ui, "users.prefs.set", { entries: tooMany })).error?.message).toContain("entries")
      expect((await call(ui, "users.prefs.set", { prefs: {} })).ok).toBe(false)
      const file = path.join(gw.home.stateDir, "control-ui", "prefs.json")
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, entries: { "ui.theme": "tide" } })
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    } finally {
      ui.close()
    }
  })

  it("a chat turn: subscribers get sessions.changed and session.message; chat.startup and sessions.describe read the stored session", async () => {
    const ui = await operator()
    try {
      expect((await call(ui, "sessions.subscribe", {})).payload).toEqual({ subscribed: true })
      expect((await call(ui, "sessions.messages.subscribe", { key: "main", includeApprovals: true })).payload).toMatchObject({ subscribed: true, key: "agent:main:main", approvalReplay: { approvals: [] } })
      const empty = (await call(ui, "chat.startup", { sessionKey: "agent:main:main", limit: 80, maxBytes: 262144 })).payload
      expect(empty).toMatchObject({ sessionKey: "agent:main:main", messages: [], totalMessages: 0, hasMore: false, pendingInputs: { items: [], total: 0 } })
      expect((await call(ui, "sessions.describe", { key: "agent:main:main" })).payload).toEqual({ session: null })

      const changed = ui.next((f) => f.type === "event" && f.event === "sessions.changed")
      const message = ui.next((f) => f.type === "event" && f.event === "session.message")
      expect((await call(ui, "chat.send", { sessionKey: "main", message: "hello there", idempotencyKey: "ui-run-1" })).ok).toBe(true)
      expect((await changed).payload).toMatchObject({ sessionKey: "agent:main:main", agentId: "main", phase: "end", runId: "ui-run-1" })
      expect((await message).payload).toMatchObject({ sessionKey: "agent:main:main", runId: "ui-run-1", message: { role: "assistant" } })

      const startup = (await call(ui, "chat.startup", { sessionKey: "agent:main:main", limit: 80, maxBytes: 262144 })).payload
      expect(startup.messages.map((m: any) => m.role)).toEqual(["user", "assistant"])
      expect(startup).toMatchObject({ totalMessages: 2, hasMore: false, sessionInfo: { key: "agent:main:main", agentId: "main" } })
      // A byte budget too small for both keeps the newest only.
      const assistantBytes = Buffer.byteLength(JSON.stringify(startup.messages[1]))
      const cut = (await call(ui, "chat.startup", { sessionKey: "agent:main:main", limit: 80, maxBytes: assistantBytes + 10 })).payload
      expect(cut.messages.map((m: any) => m.role)).toEqual(["assistant"])
      expect(cut.hasMore).toBe(true)
      const described = (await call(ui, "sessions.describe", { key: "main", includeDerivedTitles: true })).payload
      expect(described.session).toMatchObject({ key: "agent:main:main", derivedTitle: "hello there" })
    } finally {
      ui.close()
    }
  })
})
