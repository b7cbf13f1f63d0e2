import * as fs from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { generateDeviceKeyPair } from "../../src/layers/crypto/ed25519.js"
import { inProcessHome } from "../support/cliInProcess.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw } from "../support/rawClient.js"

const TOKEN = "spellings-token"

// The original's `openclaw devices rotate|revoke|rename` take `--device <id>` (and `--name`, `--no-scopes`):
// scripts written for it must work here too.
describe("devices and gateway call with the original's flags", () => {
  let gw: RunningGateway
  let deviceId: string
  beforeAll(async () => {
    gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } })
    const device = generateDeviceKeyPair()
    const { client, response } = await connectRaw(gw.url, { token: TOKEN, device, scopes: ["operator.read", "operator.write"] })
    expect(response.ok).toBe(true)
    client.close()
    deviceId = device.deviceId
  })
  afterAll(() => gw.stop())

  const cli = (args: ReadonlyArray<string>) => inProcessHome().run([...args, "--url", gw.url, "--token", TOKEN, "--json"])

  it("rotate --device <id> --scope ... rotates that device's token; --no-scopes rotates to none", async () => {
    const rotated = await cli(["devices", "rotate", "--device", deviceId, "--role", "operator", "--scope", "operator.read"])
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(JSON.parse(rotated.stdout)).toMatchObject({ deviceId, role: "operator", scopes: ["operator.read"] })
    const none = await cli(["devices", "rotate", "--device", deviceId, "--no-scopes"])
    expect(none.code, none.stderr).toBe(0)
    expect(JSON.parse(none.stdout)).toMatchObject({ deviceId, scopes: [] })
  })

  it("rename --device <id> --name <label> and revoke --device <id> work as the positional forms do", async () => {
    const renamed = await cli(["devices", "rename", "--device", deviceId, "--name", "kitchen tablet"])
    expect(renamed.code, renamed.stderr).toBe(0)
    expect(JSON.parse(renamed.stdout)).toEqual({ deviceId, label: "kitchen tablet" })
    const revoked = await cli(["devices", "revoke", "--device", deviceId, "--role", "operator"])
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(JSON.parse(revoked.stdout)).toMatchObject({ deviceId, role: "operator" })
    const admin = await connectRaw(gw.url, { token: TOKEN, device: null })
    const listed = await call(admin.client, "device.pair.list", {})
    admin.client.close()
    expect(listed.payload.paired.find((d: { deviceId: string }) => d.deviceId === deviceId)).toMatchObject({ operatorLabel: "kitchen tablet" })
  })

  it("gateway call --port <port> reaches the local gateway on that port with the configured token", async () => {
    const home = inProcessHome()
    fs.mkdirSync(home.stateDir, { recursive: true })
    fs.writeFileSync(home.configPath, JSON.stringify({ gateway: { mode: "local", port: 1, auth: { mode: "token", token: TOKEN } } }))
    const called = await home.run(["gateway", "call", "health", "--port", String(gw.port), "--json"])
    expect(called.code, called.stderr).toBe(0)
    expect(JSON.parse(called.stdout)).toMatchObject({ ok: true })
    // --expect-final waits past an `accepted` answer; a one-phase method answers at once.
    const final = await home.run(["gateway", "call", "status", "--port", String(gw.port), "--expect-final", "--json"])
    expect(final.code, final.stderr).toBe(0)
    expect(JSON.parse(final.stdout)).toMatchObject({ runtimeVersion: expect.any(String) })
  })

  it("without a device the command says how to name one and exits 1", async () => {
    const missing = await cli(["devices", "rotate", "--role", "operator"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("--device <id>")
  })
})
