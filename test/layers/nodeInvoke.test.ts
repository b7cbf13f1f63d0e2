import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeNodeFeature } from "../../src/layers/nodes/NodeFeature.js"
import type { Paths } from "../../src/services/Paths.js"
import type { StateFiles } from "../../src/services/StateFiles.js"
import { type RunningGateway, startGateway } from "../support/gatewayHarness.js"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { call, connectRaw, type Frame, type RawClient } from "../support/rawClient.js"

const TOKEN = "node-invoke-token"

describe("node role, node pairing and node.invoke over a real gateway", () => {
  let gateway: RunningGateway
  let node: RawClient
  let admin: RawClient
  let nodeId: string
  const nodeKey = generateDeviceKeyPair()
  const nodeConnect = (commands: ReadonlyArray<string>) =>
    connectRaw(gateway.url, { token: TOKEN, role: "node", scopes: [], clientId: "node-host", clientMode: "node", device: nodeKey, extra: { caps: ["system"], commands } })

  beforeAll(async () => {
    gateway = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }, {}, (base) => [
      Layer.unwrapEffect(Effect.map(Effect.context<StateFiles | Paths>(), (context) => makeNodeFeature(context).feature)).pipe(Layer.provide(base))
    ])
    const operator = await connectRaw(gateway.url, { token: TOKEN })
    expect(operator.response.ok).toBe(true)
    admin = operator.client
    const connected = await nodeConnect(["system.which", "system.run", "camera.snap"])
    expect(connected.response.ok, JSON.stringify(connected.response.error)).toBe(true)
    node = connected.client
    const requested = await admin.next((f) => f.event === "node.pair.requested")
    nodeId = requested.payload.nodeId
  }, 30_000)

  afterAll(async () => {
    node?.close()
    admin?.close()
    await gateway?.stop()
  })

  it("files a pairing request for the usable declared commands; dangerous ones need an explicit allow", async () => {
    const list = await call(admin, "node.pair.list", {})
    expect(list.payload.pending).toHaveLength(1)
    expect([...list.payload.pending[0].commands].sort()).toEqual(["system.run", "system.which"])
    const described = await call(admin, "node.describe", { nodeId })
    expect(described.payload).toMatchObject({ connected: true, paired: false, commands: [], caps: ["system"] })
    const unknown = await call(admin, "node.describe", { nodeId: "x" })
    expect(unknown.error).toEqual({ code: "INVALID_REQUEST", message: "unknown nodeId" })
    // As the original answers (rpc-exec.approvals.node.get-x capture).
    const approvals = await call(admin, "exec.approvals.node.get", { nodeId: "x" })
    expect(approvals.error).toEqual({
      code: "UNAVAILABLE",
      message: "NOT_CONNECTED: node not connected",
      details: { nodeError: { code: "NOT_CONNECTED", message: "node not connected" }, nodeCommandDispatched: false },
      retryable: false
    })
  })

  it("approving shell commands needs operator.admin; an admin approval makes them usable", async () => {
    const { client: writer } = await connectRaw(gateway.url, { token: TOKEN, scopes: ["operator.read", "operator.write", "operator.pairing"] })
    const requestId = (await call(admin, "node.pair.list", {})).payload.pending[0].requestId
    const refused = await call(writer, "node.pair.approve", { requestId })
    expect(refused.error).toMatchObject({ code: "FORBIDDEN", details: { missingScope: "operator.admin" } })
    writer.close()
    const approved = await call(admin, "node.pair.approve", { requestId })
    expect(approved.ok).toBe(true)
    const resolved = await admin.next((f) => f.event === "node.pair.resolved")
    expect(resolved.payload).toMatchObject({ requestId, nodeId, decision: "approved" })
    const described = await call(admin, "node.describe", { nodeId })
    expect([...described.payload.commands].sort()).toEqual(["system.run", "system.which"])
    expect(described.payload.pendingCommands).toEqual([])
  })

  it("a command outside the usable set is refused before it reaches the node", async () => {
    const refused = await call(admin, "node.invoke", { nodeId, command: "camera.snap", idempotencyKey: "k-camera" })
    expect(refused.error?.code).toBe("INVALID_REQUEST")
    expect(refused.error?.message).toBe("node command not allowed: \"camera.snap\" requires explicit gateway.nodes.commands.allow opt-in")
    const offline = await call(admin, "node.invoke", { nodeId: "x", command: "system.which", idempotencyKey: "k-x" })
    expect(offline.error).toMatchObject({ code: "UNAVAILABLE", message: "NOT_CONNECTED: node not connected", retryable: false, details: { nodeCommandDispatched: false } })
  })

  it("scopes and roles: invoke needs operator.write, node.invoke.result needs the node role", async () => {
    const { client: reader } = await connectRaw(gateway.url, { token: TOKEN, scopes: ["operator.read"] })
    const denied = await call(reader, "node.invoke", { nodeId, command: "system.which", idempotencyKey: "k-r" })
    expect(denied.error).toMatchObject({ code: "FORBIDDEN", details: { missingScope: "operator.write" } })
    reader.close()
    const wrongRole = await call(admin, "node.invoke.result", { id: "x", nodeId, ok: true })
    expect(wrongRole.error?.message).toBe("unauthorized role: operator")
  })

  it("a node that does not answer times out, and the node is told to cancel", async () => {
    const started = Date.now()
    const timedOut = await call(admin, "node.invoke", { nodeId, command: "system.which", params: { bins: ["sh"] }, timeoutMs: 400, idempotencyKey: "k-timeout" })
    expect(timedOut.error).toMatchObject({ code: "UNAVAILABLE", message: "TIMEOUT: node invoke timed out after 400ms", details: { nodeCommandDispatched: true } })
    expect(Date.now() - started).toBeLessThan(5000)
    const request = await node.next((f) => f.event === "node.invoke.request")
    const cancel = await node.next((f) => f.event === "node.invoke.cancel")
    expect(cancel.payload).toMatchObject({ id: request.payload.id, reason: "timeout" })
  })

  it("one idempotency key runs once: a repeat gets the first call's result", async () => {
    const params = { nodeId, command: "system.which", params: { bins: ["sh"] }, idempotencyKey: "k-once" }
    const first = call(admin, "node.invoke", params)
    const second = call(admin, "node.invoke", params)
    const request = await node.next((f: Frame) => f.event === "node.invoke.request")
    expect(JSON.parse(request.payload.paramsJSON)).toEqual({ bins: ["sh"] })
    const ack = await call(node, "node.invoke.result", { id: request.payload.id, nodeId, ok: true, payload: { bins: { sh: "/bin/sh" } } })
    expect(ack.payload).toEqual({ ok: true })
    const [a, b] = await Promise.all([first, second])
    expect(a.payload).toMatchObject({ ok: true, nodeId, command: "system.which", payload: { bins: { sh: "/bin/sh" } } })
    expect(b.payload).toEqual(a.payload)
    const third = await call(admin, "node.invoke", params)
    expect(third.payload).toEqual(a.payload)
  })

  it("a node's error code passes through verbatim, nested in UNAVAILABLE", async () => {
    const pending = call(admin, "node.invoke", { nodeId, command: "system.run", params: { command: ["rm", "-rf", "/"] }, idempotencyKey: "k-denied" })
    // The next request the node sees is this one: the idempotent repeats above sent nothing more.
    const request = await node.next((f) => f.event === "node.invoke.request")
    expect(request.payload.command).toBe("system.run")
    await call(node, "node.invoke.result", { id: request.payload.id, nodeId, ok: false, error: { code: "SYSTEM_RUN_DENIED", message: "allowlist miss" } })
    const denied = await pending
    expect(denied.error).toMatchObject({ code: "UNAVAILABLE", message: "SYSTEM_RUN_DENIED: allowlist miss", details: { nodeError: { code: "SYSTEM_RUN_DENIED", message: "allowlist miss" } } })
  })

  it("exec approval prompts: requested to operators, resolved once, a repeat of the same decision is fine", async () => {
    const asked = call(node, "exec.approval.request", { plan: { argv: ["/bin/sh", "-lc", "uname"], rawCommand: "uname" }, host: "node", timeoutMs: 5000 })
    const requested = await admin.next((f) => f.event === "exec.approval.requested")
    expect(requested.payload).toMatchObject({ kind: "exec", summary: "uname", request: { host: "node", nodeId } })
    const listed = await call(admin, "exec.approval.list", {})
    expect(listed.payload.approvals.map((a: { id: string }) => a.id)).toEqual([requested.payload.id])
    const resolved = await call(admin, "exec.approval.resolve", { id: requested.payload.id, decision: "allow-once" })
    expect(resolved.payload).toMatchObject({ ok: true, decision: "allow-once" })
    expect((await asked).payload).toEqual({ id: requested.payload.id, decision: "allow-once" })
    const again = await call(admin, "exec.approval.resolve", { id: requested.payload.id, decision: "allow-once" })
    expect(again.payload).toMatchObject({ alreadyResolved: true })
    const conflict = await call(admin, "exec.approval.resolve", { id: requested.payload.id, decision: "deny" })
    expect(conflict.error?.code).toBe("INVALID_REQUEST")
    const timedOut = await call(node, "exec.approval.request", { plan: { argv: ["uname"] }, host: "node", timeoutMs: 200 })
    expect(timedOut.payload).toMatchObject({ decision: null })
  })

  it("a node that comes back declaring more commands files a new request for just those; approved ones stay usable", async () => {
    const second = await nodeConnect(["system.which", "system.run", "system.notify"])
    expect(second.response.ok).toBe(true)
    const requested = await admin.next((f) => f.event === "node.pair.requested" && f.payload.nodeId === nodeId)
    expect(requested.payload.commands).toEqual(["system.notify"])
    const described = await call(admin, "node.describe", { nodeId })
    expect([...described.payload.commands].sort()).toEqual(["system.run", "system.which"])
    expect(described.payload.pendingCommands).toEqual(["system.notify"])
    const rejected = await call(admin, "node.pair.reject", { requestId: requested.payload.requestId })
    expect(rejected.payload).toEqual({ requestId: requested.payload.requestId, nodeId })
    second.client.close()
  })
})
