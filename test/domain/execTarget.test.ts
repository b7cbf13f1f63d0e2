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
