import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { httpRequest } from "../support/httpRequest.js"
import { connectRaw } from "../support/rawClient.js"
import { tempHome } from "../support/runCli.js"

const TOKEN = "lan-bind-token-0123456789"
const FIXTURE = path.resolve(__dirname, "../fixtures/control-ui")

describe("a LAN-bound gateway without gateway.controlUi.allowedOrigins", () => {
  let port: number
  let gateway: ChildProcess
  const home = tempHome()
  const logFile = path.join(home.home, "gateway.log")
  beforeAll(async () => {
    port = await freePort()
    writeConfig(home.configPath, { gateway: { mode: "local", port, bind: "lan", auth: { mode: "token", token: TOKEN }, controlUi: { root: FIXTURE } }, logging: { file: logFile } })
    gateway = (await startInBackground(home.home)).child
  })
  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
  })

  it("seeds its loopback origins for this run only, says so in the log, and leaves the config file alone", async () => {
    const before = fs.readFileSync(home.configPath, "utf8")
    // A request through an unknown proxy is no local client: only the allowlist can admit its origin.
    const seeded = await connectRaw(`ws://127.0.0.1:${port}`, { token: TOKEN }, { origin: `http://127.0.0.1:${port}`, headers: { "x-forwarded-for": "192.168.1.50" } })
    seeded.client.close()
    expect(seeded.response.error?.details?.["code"]).not.toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED")
    const foreign = await connectRaw(`ws://127.0.0.1:${port}`, { token: TOKEN }, { origin: "http://evil.example", headers: { "x-forwarded-for": "192.168.1.50" } })
    foreign.client.close()
    expect(foreign.response.error?.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" })
    await expect.poll(() => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""), { timeout: 5000 }).toContain(
      `gateway: seeded gateway.controlUi.allowedOrigins [\\"http://localhost:${port}\\",\\"http://127.0.0.1:${port}\\"] for bind=lan`
    )
    expect(fs.readFileSync(home.configPath, "utf8")).toBe(before)
    expect((await httpRequest(port, "/")).status).toBe(200)
  })
})
