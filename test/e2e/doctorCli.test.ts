import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { stripAnsi, tempHome } from "../support/runCli.js"
import { hostIsContainer } from "../support/container.js"

const homes: Array<string> = []
const home = () => {
  const created = tempHome()
  homes.push(created.home)
  fs.mkdirSync(created.stateDir, { mode: 0o700 })
  return created
}
afterAll(() => {
  for (const dir of homes) fs.rmSync(dir, { recursive: true, force: true })
})

/** A port nothing listens on (bound then released), so the port check never meets a real gateway. */
let freePort = 0
beforeAll(async () => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  freePort = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const TOKEN = "e2e-secret-token-value-0123456789"
const healthyConfig = () => ({ gateway: { mode: "local", port: freePort, auth: { mode: "token", token: TOKEN } } })
const write = (file: string, text: string) => fs.writeFileSync(file, text, { mode: 0o600 })
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

describe("openclaw doctor (built CLI, real files)", () => {
  it("doctor --fix repairs a config with a non-JSON prefix and keeps the original as .clobbered.*", () => {
    const { run, configPath, stateDir } = home()
    const good = json(healthyConfig())
    write(configPath, `garbage{\n${good}`)
    const result = run(["doctor", "--fix"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("Removed non-JSON prefix from openclaw.json; original saved as .clobbered.*.")
    expect(fs.readFileSync(configPath, "utf8")).toBe(good)
    const kept = fs.readdirSync(stateDir).filter((name) => name.startsWith("openclaw.json.clobbered."))
    expect(kept).toHaveLength(1)
    expect(fs.readFileSync(path.join(stateDir, kept[0] ?? ""), "utf8")).toBe(`garbage{\n${good}`)
    expect(result.stdout).toContain("Doctor: no blocking issues")
    expect(result.stdout + result.stderr).not.toContain(TOKEN)
    const check = run(["config", "validate"])
    expect(check.code).toBe(0)
  })

  it("a healthy config reports no blocking issue (plain, --lint and --json)", () => {
    const { run, configPath } = home()
    write(configPath, json(healthyConfig()))
    const plain = run(["doctor"])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toContain("Doctor: no blocking issues")
    expect(plain.stdout).toContain("Next: openclaw gateway status")
    expect(plain.stdout).not.toMatch(/\[(warning|error)\]/)
    expect(plain.stdout + plain.stderr).not.toContain(TOKEN)
    const lint = run(["doctor", "--lint"])
    expect(lint.code).toBe(0)
    expect(lint.stdout).toMatch(/^doctor --lint: ran \d+ check\(s\), 0 finding\(s\)\n$/)
    const report = JSON.parse(run(["doctor", "--json"]).stdout) as { ok: boolean; findings: Array<unknown> }
    expect(report).toMatchObject({ ok: true, findings: [] })
  })

  it("--json is read-only, has the lint shape and exits 0 even when not ok", () => {
    const { run, configPath } = home()
    const text = json({ gateway: { token: TOKEN } })
    write(configPath, text)
    const result = run(["doctor", "--json"])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as Record<string, unknown>
    expect(Object.keys(report).sort()).toEqual(["checksRun", "checksSkipped", "findings", "ok"])
    expect(report["ok"]).toBe(false)
    expect(report["checksRun"]).toBe(8)
    expect(report["checksSkipped"]).toBe(2)
    expect(report["findings"]).toEqual(expect.arrayContaining([
      { checkId: "core/doctor/legacy-config", severity: "error", message: expect.stringContaining("gateway.token is a legacy key"), path: "gateway.token", fixHint: "Run `openclaw doctor --fix` to migrate legacy config keys." },
      {
        checkId: "core/doctor/gateway-config",
        severity: "warning",
        message: "gateway.mode is unset; gateway start will be blocked.",
        path: "gateway.mode",
        fixHint: "Run `openclaw config set gateway.mode local` (or `openclaw onboard --mode local`); no last-known-good copy holds a gateway.mode to restore."
      }
    ]))
    expect(result.stdout).not.toContain(TOKEN)
    expect(fs.readFileSync(configPath, "utf8")).toBe(text)
    expect(run(["doctor", "--json", "--fix"]).code).toBe(2)
  })

  it("--lint exits 1 at the threshold, 0 below it, and 2 when it fails before findings", () => {
    const { run, configPath, home: dir } = home()
    // An explicit loopback bind: in a container the default bind would make the missing token an error.
    write(configPath, json({ gateway: { mode: "local", port: freePort, bind: "loopback" } }))
    const warned = run(["doctor", "--lint"])
    expect(warned.code).toBe(1)
    expect(warned.stdout).toContain("doctor --lint: ran 8 check(s), 1 finding(s)")
    expect(warned.stdout).toContain("  [warning] core/doctor/gateway-auth gateway.auth - Gateway auth is off or missing a token.")
    expect(warned.stdout).toContain("    fix: Run `openclaw doctor --fix --generate-gateway-token` to generate a token.")
    const errorsOnly = run(["doctor", "--lint", "--severity-min", "error"])
    expect(errorsOnly.code).toBe(0)
    expect(errorsOnly.stdout).toBe("doctor --lint: ran 8 check(s), 0 finding(s)\n")
    const skipped = run(["doctor", "--lint", "--skip", "core/doctor/gateway-auth", "--json"])
    expect(skipped.code).toBe(0)
    expect(JSON.parse(skipped.stdout)).toEqual({ ok: true, checksRun: 7, checksSkipped: 3, findings: [] })
    const only = JSON.parse(run(["doctor", "--lint", "--only", "core/doctor/gateway-auth", "--json"]).stdout) as { checksRun: number; findings: Array<{ checkId: string }> }
    expect(only.checksRun).toBe(1)
    expect(only.findings.map((f) => f.checkId)).toEqual(["core/doctor/gateway-auth"])
    const unknown = run(["doctor", "--lint", "--only", "core/doctor/nope"])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain("Unknown doctor check id: core/doctor/nope")
    // The config path is a directory: the read fails before any finding exists.
    const broken = run(["doctor", "--lint"], { OPENCLAW_CONFIG_PATH: dir })
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain("error[CONFIG_IO_ERROR]")
    expect(run(["doctor", "--only", "core/doctor/gateway-auth"]).code).toBe(2)
  }, 30_000) // eight CLI processes one after another: over 10 s on a loaded 2-core machine

  it.skipIf(!hostIsContainer)("in a container, no token means the gateway will refuse to start: an error, and the fix", () => {
    const { run, configPath } = home()
    write(configPath, json({ gateway: { mode: "local", port: freePort } }))
    const result = run(["doctor", "--lint", "--severity-min", "error"])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("  [error] core/doctor/gateway-auth gateway.auth - Refusing to bind gateway to auto without auth: `openclaw gateway run` will not start (in a container the default bind is auto, all interfaces).")
    expect(run(["doctor", "--fix", "--generate-gateway-token"]).stdout).toContain("Gateway token configured.")
    expect(run(["doctor", "--lint", "--severity-min", "error"]).code).toBe(0)
  })

  it("an unparseable config with nothing to restore is left untouched and points to config validate", () => {
    const { run, configPath, stateDir } = home()
    write(configPath, "{{{ not json")
    const result = run(["doctor", "--fix"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Config at ${configPath} is not parseable and cannot be repaired automatically. The file remains unchanged.`)
    expect(result.stderr).toContain("openclaw config validate")
    expect(fs.readFileSync(configPath, "utf8")).toBe("{{{ not json")
    expect(fs.readdirSync(stateDir).filter((name) => name.includes(".clobbered."))).toEqual([])
  })

  it("plain doctor lists findings with fix hints, a summary line and the next command; --help works", () => {
    const { run, configPath } = home()
    write(configPath, json({ gateway: { mode: "local", port: freePort, bind: "loopback", token: TOKEN, reload: { mode: "hot" } } }))
    const result = run(["doctor"])
    // Blocking issues (errors) make plain doctor exit 1, so a script sees them.
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("  [error] core/doctor/legacy-config gateway.token - ")
    expect(result.stdout).toContain("    fix: Run `openclaw doctor --fix` to migrate legacy config keys.")
    expect(result.stdout).toMatch(/Doctor: 2 blocking issues \(ran \d+ checks/)
    expect(result.stdout).toContain("Next: openclaw doctor --fix")
    expect(result.stdout + result.stderr).not.toContain(TOKEN)
    const fixed = run(["doctor", "--fix"])
    expect(fixed.stdout).toContain("- Moved gateway.token → gateway.auth.token.")
    expect(fixed.stdout).toContain("- Set gateway.reload.mode \"hot\" → \"hybrid\".")
    expect(fixed.stdout + fixed.stderr).not.toContain(TOKEN)
    expect(JSON.parse(fs.readFileSync(configPath, "utf8"))).toMatchObject({ gateway: { bind: "loopback", auth: { token: TOKEN }, reload: { mode: "hybrid" } } })
    const help = run(["doctor", "--help"])
    expect(help.code).toBe(0)
    expect(stripAnsi(help.stdout)).toContain("--generate-gateway-token")
  })
})
