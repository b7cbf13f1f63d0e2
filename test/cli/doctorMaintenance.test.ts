import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { inProcessHome } from "../support/cliInProcess.js"

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}

/** A home whose main agent has two indexed sessions (one transcript gone) and one stray transcript. */
const homeWithSessions = () => {
  const home = inProcessHome()
  writeJson(home.configPath, { gateway: { mode: "local" }, agents: { entries: { ops: {} } } })
  const dir = path.join(home.stateDir, "agents", "main", "sessions")
  const entry = (sessionId: string) => ({ sessionId, sessionFile: `${sessionId}.jsonl`, createdAt: 1, updatedAt: 2 })
  writeJson(path.join(dir, "sessions.json"), { "agent:main:main": entry("s1"), "agent:main:other": entry("s2") })
  fs.writeFileSync(path.join(dir, "s1.jsonl"), "{\"type\":\"session\"}\n")
  fs.writeFileSync(path.join(dir, "stray.jsonl"), "{\"type\":\"session\"}\n")
  return { ...home, sessions: dir }
}

describe("openclaw doctor SQLite maintenance modes over Clawgate's file stores (in process, real files)", () => {
  it("--session-sqlite inspect lists the store; validate --json fails (exit 1) naming the missing transcript; nothing is written", async () => {
    const { run, sessions } = homeWithSessions()
    const before = fs.readdirSync(sessions).sort()
    const inspect = await run(["doctor", "--session-sqlite", "inspect"])
    expect(inspect.code, inspect.stderr).toBe(0)
    expect(inspect.stdout).toContain("Clawgate keeps sessions in files")
    expect(inspect.stdout).toContain(`  main: ${path.join(sessions, "sessions.json")}: 2 session(s), 2 transcript file(s)\n    missing transcript: s2.jsonl\n    unreferenced transcript: stray.jsonl\n`)

    const validate = await run(["doctor", "--session-sqlite", "validate", "--session-sqlite-agent", "main", "--json"])
    expect(validate.code).toBe(1)
    expect(JSON.parse(validate.stdout)).toMatchObject({
      mode: "validate",
      storage: "files",
      status: "checked",
      ok: false,
      targets: [{ agentId: "main", state: "ok", entries: 2, transcripts: 2, missingTranscripts: ["s2.jsonl"], unreferencedTranscripts: ["stray.jsonl"] }]
    })
    expect(fs.readdirSync(sessions).sort()).toEqual(before)
  })

  it("import, compact, restore and recover say there is nothing to do on files, touch nothing and exit 0; all-agents adds configured agents", async () => {
    const { run, sessions } = homeWithSessions()
    const index = fs.readFileSync(path.join(sessions, "sessions.json"))
    for (const mode of ["import", "compact", "restore"]) {
      const result = await run(["doctor", "--session-sqlite", mode, "--session-sqlite-all-agents", "--json"])
      expect(result.code, mode).toBe(0)
      const report = JSON.parse(result.stdout)
      expect(report).toMatchObject({ mode, status: "skipped", ok: true })
      expect(report.message).toContain("nothing was changed")
      expect(report.targets.map((t: { agentId: string; state: string }) => `${t.agentId}:${t.state}`)).toEqual(["main:ok", "ops:missing"])
    }
    const recover = await run(["doctor", "--session-sqlite", "recover", "--github-issue"])
    expect(recover.code).toBe(0)
    expect(recover.stdout).toContain("there is no failed migration to recover; nothing was changed. --github-issue: there is no failure to report, so no issue was prepared.")
    expect(fs.readFileSync(path.join(sessions, "sessions.json")).equals(index)).toBe(true)
    expect(fs.readdirSync(sessions).sort()).toEqual(["s1.jsonl", "sessions.json", "stray.jsonl"])

    const store = await run(["doctor", "--session-sqlite", "dry-run", "--session-sqlite-store", path.join(sessions, "sessions.json"), "--json"])
    expect(JSON.parse(store.stdout).targets).toMatchObject([{ agentId: "main", entries: 2 }])
  })

  it("--state-sqlite compact lists the state files it would have compacted and changes nothing", async () => {
    const { run, stateDir, configPath } = homeWithSessions()
    writeJson(path.join(stateDir, "devices", "paired.json"), {})
    const result = await run(["doctor", "--state-sqlite", "compact", "--json"])
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ mode: "compact", storage: "files", status: "skipped", ok: true, stateDir })
    expect(report.message).toContain("not in state/openclaw.sqlite")
    const listed = report.files.map((f: { path: string }) => f.path)
    expect(listed).toContain(configPath)
    expect(listed).toContain(path.join(stateDir, "devices", "paired.json"))
    // Transcripts and indexes are the session modes' business.
    expect(listed.some((file: string) => file.includes(`${path.sep}agents${path.sep}`))).toBe(false)
  })

  it("bad combinations exit 2 naming the rule", async () => {
    const { run } = inProcessHome()
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["--state-sqlite", "vacuum"], "Unknown --state-sqlite mode \"vacuum\": the only mode is compact."],
      [["--session-sqlite", "migrate"], "Unknown --session-sqlite mode \"migrate\": use inspect, dry-run, import, validate, compact, recover, restore."],
      [["--session-sqlite-agent", "main"], "select stores for --session-sqlite <mode>; add it."],
      [["--github-issue"], "--github-issue is only accepted with --session-sqlite recover."],
      [["--session-sqlite", "inspect", "--session-sqlite-agent", "a", "--session-sqlite-all-agents"], "Choose one of --session-sqlite-agent"],
      [["--state-sqlite", "compact", "--post-upgrade"], "run one at a time"],
      [["--post-upgrade", "--fix"], "run on their own"]
    ]
    for (const [args, message] of cases) {
      const result = await run(["doctor", ...args])
      expect(result.code, args.join(" ")).toBe(2)
      expect(result.stderr, args.join(" ")).toContain(`error[DOCTOR_USAGE]: `)
      expect(result.stderr, args.join(" ")).toContain(message)
    }
  }, 30_000)
})

describe("openclaw doctor --post-upgrade and --allow-exec (in process, real files)", () => {
  it("a config written by a newer version is an error finding (exit 1); the service probe reports an unknown service version", async () => {
    const { run, configPath } = inProcessHome()
    writeJson(configPath, { gateway: { mode: "local" }, meta: { lastTouchedVersion: "2099.1.1" } })
    const newer = await run(["doctor", "--post-upgrade", "--json"])
    expect(newer.code).toBe(1)
    const report = JSON.parse(newer.stdout)
    expect(report.probesRun).toEqual(["config.load", "config.version", "service.version", "plugins.compat"])
    expect(report.findings).toContainEqual({
      probe: "config.version",
      level: "error",
      message: `openclaw.json was last written by OpenClaw 2099.1.1, newer than this CLI (${VERSION}).`,
      fixHint: "run the newer openclaw, or upgrade this one"
    })
    // The fake service manager reports an installed service whose definition names no version.
    expect(report.findings).toContainEqual(expect.objectContaining({ probe: "service.version", level: "warning" }))

    writeJson(configPath, { gateway: { mode: "local" } })
    const fine = await run(["doctor", "--post-upgrade"])
    expect(fine.code, fine.stdout).toBe(0)
    expect(fine.stdout).toContain("[info] plugins.compat: This version runs no plugin host")
    expect(fine.stdout).not.toContain("[error]")
  })

  it("--allow-exec names the exec SecretRefs this version will not run", async () => {
    const { run, configPath } = inProcessHome()
    writeJson(configPath, { gateway: { mode: "local", auth: { mode: "token", token: { source: "exec", provider: "vault", id: "gateway-token" } } } })
    const result = await run(["doctor", "--allow-exec"])
    expect(result.stdout).toContain("--allow-exec: this version never runs exec SecretRefs (its gateway does not either), so these stay unresolved: gateway.auth.token.")
    writeJson(configPath, { gateway: { mode: "local" } })
    expect((await run(["doctor", "--allow-exec"])).stdout).toContain("--allow-exec: no exec SecretRefs are configured; there is nothing to run.")
  }, 30_000)
})
