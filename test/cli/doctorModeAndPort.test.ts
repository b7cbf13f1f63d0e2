import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import { inProcessHome } from "../support/cliInProcess.js"

const write = (file: string, config: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 })
}

/** An HTTP server that is not a gateway (no `/healthz` answer), on a port of its own. */
const notAGateway = () =>
  new Promise<{ port: number; close: () => Promise<void> }>((resolve) => {
    const server = http.createServer((_req, res) => res.writeHead(404).end())
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) })
    })
  })

const LOCAL = { mode: "local", bind: "loopback", auth: { mode: "token", token: "doctor-test-token-0123456789" } }

describe("doctor: a taken gateway port", () => {
  it("plain doctor --lint (no --only) reports the port held by something that is not a gateway, and exits 1", async () => {
    const holder = await notAGateway()
    try {
      const { run, configPath } = inProcessHome()
      write(configPath, { gateway: { ...LOCAL, port: holder.port } })
      const lint = await run(["doctor", "--lint"])
      expect(lint.code).toBe(1)
      expect(lint.stdout).toContain(`  [error] core/doctor/gateway-port gateway.port - Gateway port ${holder.port} is already in use by another process (pid ${process.pid}: `)
      expect(lint.stdout).toContain("    fix: Stop the process holding the port, or choose another port with `openclaw config set gateway.port <port>`.")
      const json = JSON.parse((await run(["doctor", "--json"])).stdout) as { ok: boolean; findings: Array<{ checkId: string }> }
      expect(json.ok).toBe(false)
      expect(json.findings.map((f) => f.checkId)).toContain("core/doctor/gateway-port")
    } finally {
      await holder.close()
    }
  })
})

describe("doctor: gateway.mode missing", () => {
  it("doctor --fix restores gateway.mode from the last-known-good backup and keeps the other edits", async () => {
    const { run, configPath } = inProcessHome()
    write(configPath, { gateway: { ...LOCAL, port: 19999 } })
    // An OpenClaw-owned write leaves the previous file as .bak; then a hand edit drops gateway.mode.
    expect((await run(["config", "set", "gateway.port", "19998"])).code).toBe(0)
    const { mode: _dropped, ...withoutMode } = LOCAL
    write(configPath, { gateway: { ...withoutMode, port: 19997 } })
    const before = await run(["doctor"])
    expect(before.stdout).toContain(`fix: Run \`openclaw doctor --fix\` to restore gateway.mode=local from the last-known-good copy (${configPath}.bak), or set it yourself with \`openclaw config set gateway.mode local\`.`)
    expect(before.stdout).toContain("Next: openclaw doctor --fix\n")
    const fixed = await run(["doctor", "--fix"])
    expect(fixed.stdout).toContain(`Doctor changes:\n- Restored gateway.mode=local from last-known-good (${configPath}.bak).\n`)
    expect(fixed.stdout).not.toContain("gateway.mode is unset")
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { gateway: Record<string, unknown> }
    expect(config.gateway).toMatchObject({ mode: "local", port: 19997 })
  })

  it("without a backup that has it, doctor and doctor --fix name exactly the command that sets it (never themselves)", async () => {
    const { run, configPath } = inProcessHome()
    const { mode: _dropped, ...withoutMode } = LOCAL
    write(configPath, { gateway: { ...withoutMode, port: 19996 } })
    for (const args of [["doctor"], ["doctor", "--fix"]]) {
      const result = await run(args)
      expect(result.stdout, args.join(" ")).toContain("fix: Run `openclaw config set gateway.mode local` (or `openclaw onboard --mode local`); no last-known-good copy holds a gateway.mode to restore.")
      expect(result.stdout, args.join(" ")).toContain("Next: openclaw config set gateway.mode local\n")
    }
    expect(JSON.parse(fs.readFileSync(configPath, "utf8")).gateway.mode).toBeUndefined()
  })
})
