import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { renderOutcome } from "../../src/cli/handlers/service.js"
import { renderError } from "../../src/cli/render.js"
import { ServiceActionFailed, ServiceManager, ServiceManagerUnavailable } from "../../src/services/ServiceManager.js"
import { fakeSystemd } from "../support/RecordingCommandRunner.js"
import { cleanupServiceHomes, serviceTestEnv } from "../support/serviceTestLayer.js"

afterAll(cleanupServiceHomes)

describe("service action output", () => {
  it.effect("one line for people; --json is a stable ServiceActionReport with the service status", () => {
    const t = serviceTestEnv({ scripts: [fakeSystemd().script], options: { platform: "systemd" } })
    return Effect.gen(function*() {
      const manager = yield* ServiceManager
      const installed = yield* Effect.either(manager.install({ force: false, token: "secret-token" }))
      expect(renderOutcome("install", false, installed)).toEqual({
        stdout: "Installed systemd user service openclaw-gateway.service (port 18789).",
        error: undefined,
        exitCode: 0
      })
      const json = renderOutcome("install", true, installed)
      expect(json.exitCode).toBe(0)
      expect(json.stdout).not.toContain("secret-token")
      const parsed = JSON.parse(json.stdout ?? "")
      expect(Object.keys(parsed)).toEqual(["ok", "action", "result", "message", "service"])
      expect(parsed).toMatchObject({
        ok: true,
        action: "install",
        result: "done",
        service: { platform: "systemd", identity: "openclaw-gateway.service", installed: true, loadedText: "enabled", port: 18789, runtime: { status: "running", pid: 4242 }, audit: [] }
      })
      expect(parsed.service.env.OPENCLAW_GATEWAY_TOKEN).toBe("***")

      yield* manager.uninstall
      const absent = yield* Effect.either(manager.stop)
      expect(JSON.parse(renderOutcome("stop", true, absent).stdout ?? "")).toEqual({
        ok: true,
        action: "stop",
        result: "absent",
        message: "Gateway service not installed (openclaw-gateway.service); nothing to stop."
      })
    }).pipe(Effect.provide(t.layer))
  })

  it("failures: the CLI edge renders code, message and next step; --json prints an error report and exits 1", () => {
    const notInstalled = new ServiceActionFailed({ code: "SERVICE_NOT_INSTALLED", action: "start", message: "Gateway service not installed (openclaw-gateway.service).", hint: "openclaw gateway install" })
    expect(renderOutcome("start", false, Either.left(notInstalled))).toEqual({ stdout: undefined, error: notInstalled, exitCode: 1 })
    expect(renderError(notInstalled)).toEqual({
      lines: ["error[SERVICE_NOT_INSTALLED]: Gateway service not installed (openclaw-gateway.service).", "Next: openclaw gateway install"],
      exitCode: 1
    })
    const repair = new ServiceActionFailed({
      code: "SERVICE_REPAIR_REQUIRED",
      action: "start",
      message: "Gateway service needs repair before it can start: service port 18789 does not match current gateway config port 18888.",
      hint: "openclaw gateway install --force"
    })
    expect(JSON.parse(renderOutcome("start", true, Either.left(repair)).stdout ?? "")).toEqual({
      ok: false,
      action: "start",
      error: { code: "SERVICE_REPAIR_REQUIRED", message: repair.message, hint: "openclaw gateway install --force" }
    })
    expect(renderOutcome("start", true, Either.left(repair)).exitCode).toBe(1)
    const unavailable = new ServiceManagerUnavailable({ message: "no supported service manager detected" })
    expect(renderError(unavailable).lines[0]).toBe("error[SERVICE_MANAGER_UNAVAILABLE]: no supported service manager detected")
    expect(renderError(unavailable).lines[1]).toMatch(/^Next: run `openclaw gateway run` under your own supervisor/)
  })
})
