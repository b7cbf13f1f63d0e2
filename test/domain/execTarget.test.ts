import { describe, expect, it } from "@effect/vitest"
import { resolveExecTarget, SANDBOX_REQUIRED_UNAVAILABLE, SANDBOX_UNAVAILABLE, sandboxRequired } from "../../src/domain/nodes/execTarget.js"

describe("exec target (tools.exec.host vs the call's host), with no sandbox runtime", () => {
  it("auto is the gateway; an explicit host is used when the configured one is auto or the same", () => {
    expect(resolveExecTarget({ configured: "auto", requested: undefined, sandboxRequired: false })).toEqual({ ok: true, host: "gateway" })
    expect(resolveExecTarget({ configured: "auto", requested: "auto", sandboxRequired: false })).toEqual({ ok: true, host: "gateway" })
    expect(resolveExecTarget({ configured: "auto", requested: "node", sandboxRequired: false })).toEqual({ ok: true, host: "node" })
    expect(resolveExecTarget({ configured: "node", requested: undefined, sandboxRequired: false })).toEqual({ ok: true, host: "node" })
    expect(resolveExecTarget({ configured: "gateway", requested: "gateway", sandboxRequired: false })).toEqual({ ok: true, host: "gateway" })
  })

  it("a call may not override a pinned host: the original's message names the setting", () => {
    expect(resolveExecTarget({ configured: "node", requested: "gateway", sandboxRequired: false })).toEqual({
      ok: false,
      message: "exec host not allowed (requested gateway; configured host is node; set tools.exec.host=gateway or auto to allow this override)."
    })
    expect(resolveExecTarget({ configured: "gateway", requested: "node", sandboxRequired: false })).toMatchObject({ ok: false, message: expect.stringContaining("set tools.exec.host=node or auto") })
  })

  it("sandbox is refused truthfully: asked for, configured, or required by the session's sandbox mode", () => {
    expect(resolveExecTarget({ configured: "auto", requested: "sandbox", sandboxRequired: false })).toEqual({ ok: false, message: SANDBOX_UNAVAILABLE })
    expect(resolveExecTarget({ configured: "sandbox", requested: undefined, sandboxRequired: false })).toEqual({ ok: false, message: SANDBOX_UNAVAILABLE })
    expect(resolveExecTarget({ configured: "auto", requested: "gateway", sandboxRequired: true })).toEqual({ ok: false, message: SANDBOX_REQUIRED_UNAVAILABLE })
    const config = (mode: string) => ({ agents: { defaults: { sandbox: { mode } } } })
    expect(sandboxRequired(config("all"), "agent:main:main")).toBe(true)
    expect(sandboxRequired(config("non-main"), "agent:main:main")).toBe(false)
    expect(sandboxRequired(config("non-main"), "agent:main:telegram:dm:1")).toBe(true)
    expect(sandboxRequired(config("off"), "agent:main:x")).toBe(false)
    expect(sandboxRequired({}, "agent:main:x")).toBe(false)
  })
})

describe("node command refusals, in the original's words", () => {
  const config = { allow: [], deny: ["system.notify"] }
  it("names what the node lacks, what the policy blocks, or the pending approval", async () => {
    const { commandRejectionMessage } = await import("../../src/domain/nodes/commandPolicy.js")
    expect(commandRejectionMessage("command not declared by node", "camera.snap", "linux", config, [])).toBe("node command not allowed: the node (platform: linux) does not support \"camera.snap\"")
    expect(commandRejectionMessage("command not allowlisted", "system.notify", "darwin", config, ["system.notify"])).toBe("node command not allowed: \"system.notify\" is blocked by gateway.nodes.commands.deny")
    expect(commandRejectionMessage("command not allowlisted", "camera.snap", "ios", config, ["camera.snap"])).toBe("node command not allowed: \"camera.snap\" requires explicit gateway.nodes.commands.allow opt-in")
    expect(commandRejectionMessage("command not allowlisted", "custom.thing", undefined, config, ["custom.thing"])).toBe("node command not allowed: \"custom.thing\" is not in the allowlist for platform \"unknown\"")
    expect(commandRejectionMessage("node did not declare commands", "system.run", "linux", config, ["system.run"])).toBe(
      "node command not allowed: the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`"
    )
  })
})
