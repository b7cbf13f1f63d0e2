import { afterEach, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { sessionIndexPath } from "../../src/domain/agent/sessionPaths.js"
import { startGateway, type RunningGateway } from "../support/gatewayHarness.js"
import { call, connectRaw } from "../support/rawClient.js"

const TOKEN = "test-shared-token-0123456789"
const config = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }

let gateway: RunningGateway | undefined
afterEach(async () => {
  await gateway?.stop()
  gateway = undefined
})

/** Two stored sessions of the default agent, as the session store writes them. */
const storeTwoSessions = (stateDir: string) => {
  const file = sessionIndexPath(stateDir, "main")
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ "agent:main:a": { sessionId: "a" }, "agent:main:b": { sessionId: "b" } }))
}

describe("health snapshot cache", () => {
  it("health serves the cached snapshot (no disk read per request); health {probe: true} measures anew and refreshes it", async () => {
    gateway = await startGateway(config, {}, [], "clawgate-gw-", { healthCacheTtl: "1 hour" })
    const { client } = await connectRaw(gateway.url, { token: TOKEN })
    expect((await call(client, "health")).payload.sessions.count).toBe(0)
    storeTwoSessions(gateway.dir)
    // Within the cache's lifetime, health and status still show what was measured.
    expect((await call(client, "health")).payload.sessions.count).toBe(0)
    const probed = await call(client, "health", { probe: true })
    expect(probed.payload.sessions.count).toBe(2)
    // The probe refreshed what everyone else is served.
    expect((await call(client, "health")).payload.sessions.count).toBe(2)
    client.close()
  })

  it("status follows the measurement it is built from, and each caller gets its own variant of it", async () => {
    gateway = await startGateway(config, {}, [], "clawgate-gw-", { healthCacheTtl: "1 hour" })
    const { client } = await connectRaw(gateway.url, { token: TOKEN })
    const first = await call(client, "status")
    expect(first.payload.sessions.count).toBe(0)
    expect(first.payload.cliProjection).toBeUndefined()
    expect((await call(client, "status", { includeCliProjection: true })).payload.cliProjection.agents.defaultId).toBe("main")
    expect((await call(client, "status")).payload.cliProjection).toBeUndefined()
    storeTwoSessions(gateway.dir)
    expect((await call(client, "status")).payload.sessions.count).toBe(0)
    await call(client, "health", { probe: true })
    const after = (await call(client, "status")).payload.sessions
    expect(after.count).toBe(2)
    expect(after.paths).toEqual([sessionIndexPath(gateway.dir, "main")])
    // A caller without admin gets the paths redacted, whatever was asked before it.
    const { client: reader } = await connectRaw(gateway.url, { token: TOKEN, scopes: ["operator.read"] })
    expect((await call(reader, "status")).payload.sessions.paths).toEqual([])
    reader.close()
    client.close()
  })

  it("a snapshot older than the cache's lifetime is measured again", async () => {
    gateway = await startGateway(config, {}, [], "clawgate-gw-", { healthCacheTtl: "50 millis" })
    const { client } = await connectRaw(gateway.url, { token: TOKEN })
    expect((await call(client, "health")).payload.sessions.count).toBe(0)
    storeTwoSessions(gateway.dir)
    let count = 0
    while (count !== 2) {
      await new Promise((resolve) => setTimeout(resolve, 60))
      count = (await call(client, "health")).payload.sessions.count
    }
    expect(count).toBe(2)
    client.close()
  })
})
