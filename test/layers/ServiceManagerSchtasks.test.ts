import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { ServiceManager } from "../../src/services/ServiceManager.js"
import { fakeSchtasks } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

const TASK = "OpenClaw Gateway"
const QUERY = `schtasks /Query /TN ${TASK} /V /FO LIST`
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

const setup = (initial: Parameters<typeof fakeSchtasks>[0] = {}) => {
  const tasks = fakeSchtasks(initial)
  const t = serviceTestEnv({ scripts: [tasks.script], options: { platform: "schtasks" } })
  return { ...t, tasks, xmlPath: path.join(t.stateDir, "gateway.task.xml"), cmdPath: path.join(t.stateDir, "gateway.cmd") }
}

describe("ServiceManager on Task Scheduler (recording runner)", () => {
  it.effect("install writes gateway.cmd and the UTF-16 task XML (0600), creates the task and runs it", () => {
    const t = setup()
    return Effect.gen(function*() {
      const result = yield* (yield* ServiceManager).install({ force: false, token: "tok%1" })
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /Create /TN ${TASK} /XML ${t.xmlPath} /F`, `schtasks /Run /TN ${TASK}`, QUERY])
      expect(t.runner.calls[1]?.args).toEqual(["/Create", "/TN", TASK, "/XML", t.xmlPath, "/F"])
      expect(result).toMatchObject({
        result: "done",
        message: `Installed Scheduled Task service ${TASK} (port 18789).`,
        status: {
          platform: "schtasks",
          label: "Scheduled Task",
          identity: TASK,
          installed: true,
          loadedText: "registered",
          definitionPath: t.xmlPath,
          command: [t.nodePath, t.entryPath, "gateway", "--port", "18789"],
          port: 18789,
          runtime: { status: "running", state: "Running" },
          audit: []
        }
      })
      const xmlBytes = fs.readFileSync(t.xmlPath)
      expect([...xmlBytes.subarray(0, 2)]).toEqual([0xff, 0xfe])
      const xml = xmlBytes.subarray(2).toString("utf16le")
      expect(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Task version=\"1.2\"")).toBe(true)
      expect(xml).toContain(`      <Command>${t.cmdPath}</Command>\r\n`)
      expect(xml).toContain("      <UserId>HOST\\ada</UserId>\r\n")
      expect(xml).not.toContain("tok")
      const cmd = fs.readFileSync(t.cmdPath, "utf8")
      expect(cmd.split("\r\n")).toContain("set \"OPENCLAW_GATEWAY_TOKEN=tok%%1\"")
      expect(cmd.endsWith(`${t.nodePath} ${t.entryPath} gateway --port 18789\r\n`)).toBe(true)
      expect([modeOf(t.xmlPath), modeOf(t.cmdPath)]).toEqual(["600", "600"])
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("stop ends the task, start runs it, restart ends and runs, uninstall deletes it and its files", () => {
    const t = setup()
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      t.runner.clear()

      expect((yield* manager.stop)).toMatchObject({ result: "done", status: { runtime: { status: "stopped", state: "Ready" } } })
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /End /TN ${TASK}`, QUERY])

      t.runner.clear()
      expect((yield* manager.start).result).toBe("done")
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /Run /TN ${TASK}`, QUERY])

      t.runner.clear()
      expect((yield* manager.start).result).toBe("already")

      t.runner.clear()
      expect((yield* manager.restart).result).toBe("done")
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /End /TN ${TASK}`, `schtasks /Run /TN ${TASK}`, QUERY])

      t.runner.clear()
      expect((yield* manager.uninstall).result).toBe("done")
      expect(t.runner.lines()).toEqual([QUERY, `schtasks /End /TN ${TASK}`, `schtasks /Delete /TN ${TASK} /F`])
      expect([fs.existsSync(t.xmlPath), fs.existsSync(t.cmdPath)]).toEqual([false, false])

      expect((yield* manager.stop).result).toBe("absent")
      expect((yield* manager.status)).toMatchObject({ installed: false, loadedText: "missing" })
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("port drift is audited from gateway.cmd and blocks start", () => {
    const t = setup()
    t.writeConfig({ gateway: { mode: "local", port: 18789 } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      yield* manager.install({ force: false })
      yield* manager.stop
      t.writeConfig({ gateway: { mode: "local", port: 18888 } })
      expect((yield* manager.status).audit).toEqual([
        { code: "gateway-port-mismatch", message: "Gateway service port does not match current gateway config.", detail: "18789 -> 18888", level: "recommended" }
      ])
      const error = yield* Effect.flip(manager.start)
      expect(error).toMatchObject({ code: "SERVICE_REPAIR_REQUIRED", hint: "openclaw gateway install --force" })
      expect(error.message).toContain("service port 18789 does not match current gateway config port 18888")
    }).pipe(Effect.provide(t.layer))
  })

  it.effect("lists other gateway-like scheduled tasks", () => {
    const t = setup({ extraTasks: ["\\Moltbot Gateway", "\\OpenClaw Gateway (work)", "\\Backup"] })
    return Effect.gen(function*() {
      expect(yield* (yield* ServiceManager).extraServices(false)).toEqual([
        { label: "\\Moltbot Gateway", scope: "user", detail: "scheduled task", legacy: true }
      ])
      expect(t.runner.lines()).toEqual(["schtasks /Query /FO CSV /NH"])
    }).pipe(Effect.provide(t.layer))
  })
})
