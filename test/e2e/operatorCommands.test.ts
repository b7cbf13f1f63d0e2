import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { hostHasServiceManager } from "../support/container.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { followLogs } from "../support/followLogs.js"

const TOKEN = "operator-test-token-0123456789"

/** A CLI home whose config runs a token gateway on `port`, logging to a file inside the home. */
const install = (port: number, extra: Record<string, unknown> = {}) => {
  const home = tempHome()
  const logFile = path.join(home.home, "logs", "gateway.log")
  writeConfig(home.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } }, logging: { file: logFile }, ...extra })
  return { ...home, logFile }
}

describe("the runbook's command ladder against a healthy gateway", () => {
  let port: number
  let cli: ReturnType<typeof install>
  let gateway: ChildProcess
  beforeAll(async () => {
    port = await freePort()
    // A Control UI root that does not exist: the page is missing whether or not dist/control-ui was built.
    cli = install(port, { gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN }, controlUi: { root: "/nonexistent/control-ui" } } })
    gateway = (await startInBackground(cli.home)).child
  })
  afterAll(async () => {
    expect(await stopChild(gateway)).toBe(0)
  })

  it("openclaw status: the overview shows the gateway reachable and where to go next", () => {
    const result = cli.run(["status"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain("OpenClaw status")
    expect(result.stdout).toMatch(new RegExp(`local · ws://127\\.0\\.0\\.1:${port} \\(local loopback\\) · reachable \\d+ms · auth token`))
    if (!hostHasServiceManager) expect(result.stdout).toContain(`gateway running unsupervised (pid ${gateway.pid})`)
    expect(result.stdout).toContain("Need to debug live? openclaw logs --follow")
  })

  it("openclaw gateway status: Runtime: running, Connectivity probe: ok and a Capability line", () => {
    const result = cli.run(["gateway", "status"])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.split("\n")
    expect(lines).toContain(`Runtime: running (pid ${gateway.pid}, not supervised)`)
    expect(lines).toContain("Connectivity probe: ok")
    expect(lines.some((l) => /^Capability: (connect-only|read-only|write-capable|admin-capable)$/.test(l))).toBe(true)
    expect(lines).toContain(`Listening: 127.0.0.1:${port}`)
    expect(lines).toContain(`File logs: ${cli.logFile}`)
    expect(lines).toContain(`Gateway: bind=loopback (127.0.0.1), port=${port} (env/config)`)
    // The order is the original's.
    const order = ["Service:", "File logs:", "Config (cli):", "Config (service):", "Gateway:", "Probe target:", "Dashboard:", "CLI version:", "Runtime:", "Connectivity probe:", "Capability:", "Listening:"]
      .map((label) => lines.findIndex((l) => l.startsWith(label)))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    // CI hosts have no service manager; a desktop session would show its supervisor instead.
    if (!hostHasServiceManager) expect(result.stdout).toContain("Service: no supported service manager detected (diagnostic only, not the probe target)")
  })

  it("a fresh CLI without a cached device token: the probe is scope-limited, and creates no identity", () => {
    const probe = cli.run(["gateway", "probe", "--json"])
    expect(probe.code, probe.stderr).toBe(0)
    const report = JSON.parse(probe.stdout)
    expect(report).toMatchObject({ ok: true, degraded: true, capability: "connected_no_operator_scope", primaryTargetId: "localLoopback" })
    expect(report.warnings.map((w: { code: string }) => w.code)).toEqual(["probe_scope_limited"])
    expect(report.targets[0].connect).toMatchObject({ ok: true, rpcOk: false, scopeLimited: true })
    expect(fs.existsSync(path.join(cli.stateDir, "identity"))).toBe(false)
    const human = cli.run(["gateway", "probe"])
    expect(human.stdout).toContain("Read probe: limited - missing scope: operator.read")
    expect(human.stdout).toContain("- Read-probe diagnostics are limited by gateway scopes (missing operator.read).")
  })

  it("after the CLI has paired (health), the probe reuses the cached token: Read probe ok", () => {
    expect(cli.run(["health"]).code).toBe(0)
    const status = cli.run(["gateway", "status", "--require-rpc"])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain("Read probe: ok")
    expect(status.stdout).toMatch(/^Capability: read-only$/m)
    const json = JSON.parse(cli.run(["gateway", "status", "--json"]).stdout)
    expect(json).toMatchObject({ runtime: { status: "running", pid: gateway.pid, source: "lock" }, rpc: { ok: true, kind: "connect" }, port: { listening: true, conflict: false } })
    // The original's field names too, for scripts written against it.
    expect(json).toMatchObject({
      cli: { entrypoint: expect.stringMatching(/openclaw\.mjs$/) },
      service: { label: hostHasServiceManager ? expect.any(String) : "no supported service manager detected", loaded: false },
      gateway: { controlUiLinks: { httpUrl: `http://127.0.0.1:${port}/`, wsUrl: `ws://127.0.0.1:${port}` }, probeNote: "Loopback-only gateway; only local clients can connect." },
      port: { port, status: "busy" },
      rpc: { auth: { role: "operator", capability: "read_only" }, server: { version: expect.any(String), connId: expect.any(String) } }
    })
  })

  it("openclaw logs --follow prints new lines as they are written and stops cleanly on Ctrl-C", async () => {
    const followed = await followLogs(cli.home, /⇄ res ✓ status/, () => cli.run(["gateway", "call", "status"]))
    expect(followed.stdout).toContain(`Log file: ${cli.logFile}`)
    expect(followed.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d info gateway\/ws ⇄ res ✓ status \d+ms conn=/m)
    expect(followed.code).toBe(0)
    expect(followed.stderr).not.toContain("error")
  }, 20_000)

  it("openclaw doctor: no blocking issues while the gateway runs (its own port is not a conflict)", () => {
    const result = cli.run(["doctor"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Doctor: no blocking issues \(ran \d+ checks/m)
    expect(result.stdout).not.toMatch(/\[error\]/)
    expect(result.stdout).not.toContain("core/doctor/gateway-port")
    expect(result.stdout).not.toContain("core/doctor/gateway-locks")
    expect(result.stdout + result.stderr).not.toContain(TOKEN)
  })

  it("a client still connected after a rollback is named by pid in gateway status --deep and doctor --deep", async () => {
    // This test process plays the stale client: a raw TCP connection to the gateway port.
    const socket = net.createConnection({ host: "127.0.0.1", port })
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject))
    try {
      const local = `127.0.0.1:${socket.localPort}->127.0.0.1:${port}`
      const status = cli.run(["gateway", "status", "--deep"])
      expect(status.code, status.stderr).toBe(0)
      expect(status.stdout).toMatch(/^Established clients: [1-9]\d*$/m)
      expect(status.stdout).toContain(`pid=${process.pid} client ${local} cmd=`)
      expect(status.stdout).toContain("If logs show protocol mismatch after rollback, stop stale OpenClaw client processes listed here")
      const json = JSON.parse(cli.run(["gateway", "status", "--deep", "--json"]).stdout)
      expect(json.connections.established).toContainEqual(expect.objectContaining({ pid: process.pid, direction: "client", address: local }))
      const doctor = cli.run(["doctor", "--deep"])
      expect(doctor.stdout).toContain("Gateway clients: Established Gateway TCP clients detected")
      expect(doctor.stdout).toContain(`pid=${process.pid} client ${local}`)
    } finally {
      socket.destroy()
    }
    // Without --deep nothing is scanned.
    expect(cli.run(["gateway", "status"]).stdout).not.toContain("Established clients:")
  }, 30_000) // four CLI processes, two of them scanning /proc: over 10 s on a loaded 2-core machine

  it("wrong credentials: Runtime: running but Connectivity probe: failed, and not called a warm-up", () => {
    // Another CLI home (no cached device token) whose config holds an old token.
    const stale = tempHome()
    writeConfig(stale.configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: "wrong-token-0123456789" } } })
    const result = stale.run(["gateway", "status"])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Runtime: running/m)
    expect(result.stdout).toContain("Connectivity probe: failed")
    expect(result.stderr).toContain("unauthorized: gateway token mismatch")
    expect(result.stderr).toContain("Gateway process is running and owns the gateway port, so this is not a warm-up delay.")
    expect(result.stderr).not.toContain("Warm-up")
    expect(result.stdout + result.stderr).not.toContain("wrong-token-0123456789")
  })

  it("a stale OPENCLAW_GATEWAY_TOKEN in the shell does not shadow gateway.auth.token for the local gateway", () => {
    const result = cli.run(["health", "--json"], { OPENCLAW_GATEWAY_TOKEN: "stale-shell-token" })
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true })
  })

  it("openclaw logs --json: a meta object, then one log object per line", () => {
    const result = cli.run(["logs", "--json", "--limit", "3"])
    expect(result.code, result.stderr).toBe(0)
    const objects = result.stdout.trim().split("\n").map((l) => JSON.parse(l))
    expect(objects[0]).toMatchObject({ type: "meta", file: cli.logFile, sourceKind: "gateway" })
    const body = objects.slice(1).filter((o: { type: string }) => o.type !== "notice")
    expect(body).toHaveLength(3)
    expect(body.every((o: { type: string; level?: string }) => o.type === "log" && typeof o.level === "string")).toBe(true)
  })

  it("gateway probe --ssh to an unreachable host warns and falls back to the direct targets", () => {
    const result = cli.run(["gateway", "probe", "--json", "--ssh", "nobody@127.0.0.1:1", "--timeout", "2000"])
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    const warning = report.warnings.find((w: { code: string }) => w.code === "ssh_tunnel_failed")
    expect(warning.message).toMatch(/^SSH tunnel failed to start; falling back to direct probes\. \(.+\)$/)
    expect(report.targets.map((t: { id: string }) => t.id)).toEqual(["localLoopback"])
    expect(report.ok).toBe(true)
  }, 15_000)

  it("openclaw dashboard: the gateway answers but its Control UI assets are missing, said plainly with exit 1", () => {
    const human = cli.run(["dashboard", "--no-open"])
    expect(human.code).toBe(1)
    expect(human.stderr).toContain("Control UI dashboard is unavailable (HTTP 503).")
    const json = cli.run(["dashboard", "--json"])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, reason: "Control UI dashboard is unavailable (HTTP 503)." })
    expect(json.stdout).not.toContain(TOKEN)
  })

  it("logs --url without credentials is refused", () => {
    const result = cli.run(["logs", "--url", `ws://127.0.0.1:${port}`])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("gateway url override requires explicit credentials")
  })
})

describe("failure signatures", () => {
  it("no gateway running: Runtime: stopped, Connectivity probe: failed, probe exit 1, logs read the file", async () => {
    const port = await freePort()
    const cli = install(port)
    fs.mkdirSync(path.dirname(cli.logFile), { recursive: true })
    fs.writeFileSync(cli.logFile, `${JSON.stringify({ time: "2026-11-25T10:00:00.000Z", level: "error", message: "boom before the crash", subsystem: "gateway" })}\n`)
    const status = cli.run(["gateway", "status"])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain("Runtime: stopped")
    expect(status.stdout).toContain("Connectivity probe: failed")
    expect(status.stderr).toContain(`gateway connect failed`)
    expect(status.stderr).toContain("Last gateway error: 2026-11-25T10:00:00.000Z boom before the crash")
    expect(cli.run(["gateway", "status", "--require-rpc"]).code).toBe(1)
    const probe = cli.run(["gateway", "probe"])
    expect(probe.code).toBe(1)
    expect(probe.stdout).toContain("Reachable: no")
    const overview = cli.run(["status"])
    expect(overview.stdout, `exit ${overview.code}: ${overview.stderr}`).toContain("Gateway not running: openclaw gateway run")
    const logs = cli.run(["logs"])
    expect(logs.code).toBe(0)
    expect(logs.stderr).toMatch(/^Gateway not reachable \(gateway connect failed: .*\); reading the log file directly\.$/m)
    expect(logs.stdout).toMatch(/error gateway boom before the crash/)
  }, 30_000) // six CLI processes one after another: over 10 s on a loaded 2-core machine

  it("a second process holding the port: its pid and command are named", async () => {
    const holder = net.createServer(() => undefined)
    const port = await new Promise<number>((resolve) => holder.listen(0, "127.0.0.1", () => resolve((holder.address() as net.AddressInfo).port)))
    try {
      const cli = install(port)
      const result = cli.run(["gateway", "status", "--timeout", "1500"])
      expect(result.stdout).toContain("Connectivity probe: failed")
      expect(result.stderr).toContain(`Port ${port} is in use by pid ${process.pid}: `)
      const json = JSON.parse(cli.run(["gateway", "status", "--json", "--timeout", "1500"]).stdout)
      expect(json.port).toMatchObject({ listening: true, conflict: true, owners: [{ pid: process.pid }] })
    } finally {
      holder.close()
    }
  }, 20_000)

  it("two gateways on two ports: multiple reachable gateway identities", async () => {
    const [portA, portB] = [await freePort(), await freePort()]
    const a = install(portA)
    const b = install(portB)
    const gwA = (await startInBackground(a.home)).child
    const gwB = (await startInBackground(b.home)).child
    try {
      const result = a.run(["gateway", "probe", "--json", "--url", `ws://127.0.0.1:${portB}`, "--token", TOKEN])
      expect(result.code, result.stderr).toBe(0)
      const report = JSON.parse(result.stdout)
      expect(report.primaryTargetId).toBe("explicit")
      expect(report.targets.map((t: { id: string; connect: { ok: boolean } }) => [t.id, t.connect.ok])).toEqual([["explicit", true], ["localLoopback", true]])
      expect(report.warnings).toContainEqual({ code: "multiple_gateways", message: "multiple reachable gateway identities detected", targetIds: ["explicit", "localLoopback"] })
      // The same gateway through its own URL twice is one target, not two gateways.
      const same = JSON.parse(a.run(["gateway", "probe", "--json", "--url", `ws://127.0.0.1:${portA}`, "--token", TOKEN]).stdout)
      expect(same.targets).toHaveLength(1)
      expect(same.warnings.some((w: { code: string }) => w.code === "multiple_gateways")).toBe(false)
    } finally {
      await stopChild(gwA)
      await stopChild(gwB)
    }
  }, 30_000)

  it("a config written by a newer OpenClaw can still be inspected", async () => {
    const port = await freePort()
    const cli = install(port, { meta: { lastTouchedVersion: "2099.1.1" } })
    const result = cli.run(["gateway", "status", "--no-probe"])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain("Config was last written by a newer OpenClaw (2099.1.1)")
    expect(result.stdout).toContain("Runtime: stopped")
  })

  it("a probe that takes over a second says what it waits for on stderr; --json stdout stays one document", async () => {
    // Accepts TCP but never answers the WebSocket upgrade: the probe waits for its timeout.
    const silent = net.createServer(() => undefined)
    const port = await new Promise<number>((resolve) => silent.listen(0, "127.0.0.1", () => resolve((silent.address() as net.AddressInfo).port)))
    try {
      const cli = install(port)
      const shown = await runCliAsync(cli.home, ["gateway", "probe", "--json", "--timeout", "1800"], { OPENCLAW_PROGRESS: "1" })
      expect(shown.code).toBe(1)
      expect(shown.stderr).toContain("Probing gateways (explicit, SSH, configured remote, loopback)…")
      expect(JSON.parse(shown.stdout)).toMatchObject({ ok: false })
      const quiet = await runCliAsync(cli.home, ["gateway", "probe", "--json", "--timeout", "1800"])
      expect(quiet.stderr).not.toContain("Probing")
    } finally {
      silent.close()
    }
  }, 30_000)

  it("--require-rpc cannot be combined with --no-probe", () => {
    const result = tempHome().run(["gateway", "status", "--require-rpc", "--no-probe"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--require-rpc cannot be combined with --no-probe")
  })
})
