import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { hostIsContainer } from "../support/container.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"

const inContainer = hostIsContainer

describe("first run on a fresh home", () => {
  it("onboard --mode local --non-interactive, then gateway run starts and health answers with nothing else", async () => {
    const { run, home } = tempHome()
    const port = await freePort()
    const onboard = run(["onboard", "--mode", "local", "--non-interactive", "--gateway-port", String(port)])
    expect(onboard.code, onboard.stderr).toBe(0)
    const { child } = await startInBackground(home)
    try {
      const health = run(["health", "--json"])
      expect(health.code, health.stderr).toBe(0)
      expect(JSON.parse(health.stdout)).toMatchObject({ ok: true })
    } finally {
      await stopChild(child)
    }
  })
})

describe("openclaw gateway run: start guards (configuration refusals exit 78, so RestartPreventExitStatus=78 stops a supervisor)", () => {
  it("missing config", () => {
    const { run } = tempHome()
    const result = run(["gateway", "run"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured).")
  })

  it("gateway.mode remote", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "remote", remote: { url: "wss://example.invalid" } } })
    const result = run(["gateway"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Gateway start blocked: set gateway.mode=local (current: remote) or pass --allow-unconfigured.")
  })

  it("existing config without gateway.mode", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { port: 18888 } })
    const result = run(["gateway", "run"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Gateway start blocked: existing config is missing gateway.mode.")
    expect(result.stderr).toContain("openclaw doctor --fix")
  })

  it("a non-loopback bind without auth", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "local", bind: "lan" } })
    const result = run(["gateway", "run"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Refusing to bind gateway to lan without auth.")
    expect(result.stderr).toContain(inContainer
      ? "Set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_PASSWORD, or pass --token/--password to start with auth."
      : "Set gateway.auth.token/password (or OPENCLAW_GATEWAY_TOKEN/OPENCLAW_GATEWAY_PASSWORD) or pass --token/--password.")
  })

  it.skipIf(!inContainer)("in a container, no gateway.bind means bind=auto on all interfaces, which needs auth", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "local", auth: { mode: "none" } } })
    const result = run(["gateway", "run"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Refusing to bind gateway to auto without auth.")
    expect(result.stderr).toContain("Container environment detected — the gateway defaults to bind=auto (0.0.0.0) for port-forwarding compatibility.")
  })

  it("token mode without a token", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "local", auth: { mode: "token" } } })
    const result = run(["gateway", "run"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Gateway auth is set to token, but no token is configured.")
    expect(result.stderr).toContain("Set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), or pass --token.")
  })

  it("bad flag values", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "local" } })
    const port = run(["gateway", "run", "--port", "99999"])
    expect(port.code).toBe(1)
    expect(port.stderr).toContain("Invalid port")
    const bind = run(["gateway", "run", "--bind", "everywhere"])
    expect(bind.code).toBe(1)
    expect(bind.stderr).toContain("Invalid --bind (use \"loopback\", \"lan\", \"tailnet\", \"auto\", or \"custom\")")
  })

  it("invalid config exits 78 with Invalid config at <path>", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "local", bogus: true } })
    const result = run(["gateway", "run"])
    expect(result.code).toBe(78)
    expect(result.stderr).toContain(`Invalid config at ${configPath}`)
    expect(result.stderr).toContain("gateway: Unrecognized key: \"bogus\"")
  })

  it("service-mode startup from an older binary is refused with exit 78, even with the override", () => {
    const { run, configPath } = tempHome()
    writeConfig(configPath, { gateway: { mode: "local", auth: { token: "t" } }, meta: { lastTouchedVersion: "2099.1.1" } })
    const result = run(["gateway", "run"], { OPENCLAW_SERVICE_MARKER: "openclaw", OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS: "1" })
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("Refusing to run gateway state preparation because this OpenClaw binary")
    expect(result.stderr).toContain("is older than the config last written by OpenClaw 2099.1.1.")
    expect(result.stderr).toContain("Set OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1 only for an intentional downgrade or recovery action.")
  })

  it("runs, answers health over the CLI, refuses a second gateway on the same state dir, and stops cleanly", async () => {
    const { run, configPath, home } = tempHome()
    const port = await freePort()
    writeConfig(configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: "run-test-token" } } })
    const { child } = await startInBackground(home)
    try {
      const health = run(["health", "--json"])
      expect(health.code, health.stderr).toBe(0)
      expect(JSON.parse(health.stdout)).toMatchObject({ ok: true })
      const call = run(["gateway", "call", "status"])
      expect(call.code, call.stderr).toBe(0)
      expect(JSON.parse(call.stdout)).toMatchObject({ port, authMode: "token" })
      const second = run(["gateway", "run", "--port", String(await freePort())])
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(/gateway already running \(pid \d+\); lock timeout after \d+ms/)
      // A supervised start (systemd sets the service marker) that finds a healthy gateway leaves it alone with 78.
      const started = Date.now()
      const supervised = run(["gateway", "run"], { OPENCLAW_SERVICE_MARKER: "openclaw" })
      expect(supervised.code).toBe(78)
      expect(supervised.stderr).toContain(`Gateway already running and healthy on ws://127.0.0.1:${port}; leaving it alone`)
      expect(Date.now() - started).toBeLessThan(4000)
    } finally {
      expect(await stopChild(child)).toBe(0)
    }
    const lockDir = fs.readdirSync(path.join(home, ".openclaw", "tmp")).map((d) => fs.readdirSync(path.join(home, ".openclaw", "tmp", d)))
    expect(lockDir.flat()).toEqual([])
  }, 30_000)

  it("a port held by another process: another gateway instance is already listening", async () => {
    const { run, configPath } = tempHome()
    const holder = net.createServer()
    const port = await new Promise<number>((resolve) => holder.listen(0, "127.0.0.1", () => resolve((holder.address() as net.AddressInfo).port)))
    try {
      writeConfig(configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: "t" } } })
      const result = run(["gateway", "run"])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:${port}`)
      expect(result.stderr).toContain("If the gateway is supervised, stop it with: openclaw gateway stop")
    } finally {
      holder.close()
    }
  }, 30_000)

  it("a wrong token gets AUTH_TOKEN_MISMATCH with the next step; an unreachable port gets gateway connect failed", async () => {
    const { run, configPath, home } = tempHome()
    const port = await freePort()
    writeConfig(configPath, { gateway: { mode: "local", port, auth: { mode: "token", token: "right-token" } } })
    const { child } = await startInBackground(home)
    try {
      const wrong = run(["health", "--token", "wrong-token"])
      expect(wrong.code).toBe(1)
      expect(wrong.stderr).toContain("error[AUTH_TOKEN_MISMATCH]: unauthorized: gateway token mismatch")
      expect(wrong.stderr).toContain("Next:")
    } finally {
      await stopChild(child)
    }
    const down = run(["health", "--url", `ws://127.0.0.1:${port}`])
    expect(down.code).toBe(1)
    expect(down.stderr).toContain("gateway connect failed:")
  }, 30_000)
})
