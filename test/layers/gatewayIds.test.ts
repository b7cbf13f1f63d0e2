import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { AGENT_TOKEN, type AgentGateway, startAgentGateway } from "../support/agentGateway.js"
import { call, connectRaw, type RawClient } from "../support/rawClient.js"

const HOSTILE_IDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]

describe("ids that name Object.prototype members are unknown ids, not internal errors (issue 18 item 13)", () => {
  let gw: AgentGateway
  let admin: RawClient
  let deviceId: string
  beforeAll(async () => {
    gw = await startAgentGateway({})
    const connected = await connectRaw(gw.url, { token: AGENT_TOKEN, scopes: ["operator.admin", "operator.read", "operator.write", "operator.pairing"] })
    admin = connected.client
    deviceId = connected.response.payload.auth.deviceToken === undefined ? "" : (await call(admin, "device.pair.list", {})).payload.paired[0].deviceId
  })
  afterAll(async () => {
    admin.close()
    await gw.stop()
  })

  it("device.pair.approve / reject: unknown requestId", async () => {
    for (const id of HOSTILE_IDS) {
      for (const method of ["device.pair.approve", "device.pair.reject"]) {
        const reply = await call(admin, method, { requestId: id })
        expect({ method, id, error: reply.error }).toMatchObject({ error: { code: "INVALID_REQUEST", message: "unknown requestId" } })
      }
    }
  })

  it("device.pair.remove / rename and device.token.rotate / revoke: unknown deviceId", async () => {
    for (const id of HOSTILE_IDS) {
      const replies = [
        ["device.pair.remove", await call(admin, "device.pair.remove", { deviceId: id })],
        ["device.pair.rename", await call(admin, "device.pair.rename", { deviceId: id, label: "x" })],
        ["device.token.rotate", await call(admin, "device.token.rotate", { deviceId: id, role: "operator" })],
        ["device.token.revoke", await call(admin, "device.token.revoke", { deviceId: id, role: "operator" })]
      ] as const
      for (const [method, reply] of replies) {
        expect({ method, id, error: reply.error }).toMatchObject({ error: { code: "INVALID_REQUEST", message: "unknown deviceId" } })
      }
    }
  })

  it("a role named like a prototype member is no token: nothing is written, the device list stays readable", async () => {
    expect(deviceId).toMatch(/^[0-9a-f]{64}$/)
    for (const role of HOSTILE_IDS) {
      const revoked = await call(admin, "device.token.revoke", { deviceId, role })
      expect({ role, error: revoked.error }).toMatchObject({ error: { code: "INVALID_REQUEST", message: "unknown device token" } })
      const rotated = await call(admin, "device.token.rotate", { deviceId, role })
      expect({ role, error: rotated.error }).toMatchObject({ error: { code: "INVALID_REQUEST", message: "role not approved for device" } })
    }
    const list = await call(admin, "device.pair.list", {})
    expect(list.ok).toBe(true)
    expect(list.payload.paired.map((d: { deviceId: string }) => d.deviceId)).toContain(deviceId)
    const paired = JSON.parse(fs.readFileSync(path.join(gw.dir, "devices", "paired.json"), "utf8"))
    expect(Object.keys(paired[deviceId].tokens)).toEqual(["operator"])
  })

  it("a method named like a prototype member is an unknown method", async () => {
    for (const id of HOSTILE_IDS) {
      const reply = await call(admin, id, {})
      expect(reply.error).toMatchObject({ code: "INVALID_REQUEST", message: `unknown method: ${id}` })
    }
  })

  it("agent.wait, chat.abort and chat.history with such ids answer as for any unknown id", async () => {
    for (const id of HOSTILE_IDS) {
      const wait = await call(admin, "agent.wait", { runId: id, timeoutMs: 10 })
      expect(wait.error).toMatchObject({ code: "INVALID_REQUEST", message: `unknown runId: ${id}` })
      const abort = await call(admin, "chat.abort", { sessionKey: id, runId: id })
      expect(abort).toMatchObject({ ok: true, payload: { aborted: false } })
      const history = await call(admin, "chat.history", { sessionKey: id })
      expect(history).toMatchObject({ ok: true, payload: { sessionId: null, messages: [] } })
    }
  })
})
