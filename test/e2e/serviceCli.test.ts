import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { hostHasServiceManager } from "../support/container.js"
import { stripAnsi, tempHome } from "../support/runCli.js"

// These assertions describe a host without a systemd user session (like CI containers); on a desktop
// Linux session `gateway install` would talk to the real user manager, so the test stands down.
const hasSystemdUserSession = hostHasServiceManager

describe("openclaw gateway|daemon service commands (built CLI)", () => {
  it.skipIf(hasSystemdUserSession)("gateway install says no supported service manager detected, names a next step and exits 1", () => {
    const { run, home, stateDir } = tempHome()
    const result = run(["gateway", "install"])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    expect(result.stderr).toBe(
      "error[SERVICE_MANAGER_UNAVAILABLE]: no supported service manager detected\n" +
        "Next: run `openclaw gateway run` under your own supervisor (container runtime, process manager), or start a systemd user session and retry\n"
    )
    expect(fs.existsSync(path.join(home, ".config", "systemd"))).toBe(false)
    expect(fs.existsSync(path.join(stateDir, "gateway.systemd.env"))).toBe(false)
  })

  it.skipIf(hasSystemdUserSession)("lifecycle commands under gateway and daemon fail the same way; --json prints a stable object on stdout", () => {
    const { run } = tempHome()
    const plain = run(["daemon", "stop", "--force"])
    expect(plain.code).toBe(1)
    expect(plain.stderr).toContain("error[SERVICE_MANAGER_UNAVAILABLE]: no supported service manager detected")
    for (const [group, action] of [["daemon", "install"], ["gateway", "start"], ["daemon", "stop"], ["gateway", "restart"], ["daemon", "uninstall"]] as const) {
      const json = run([group, action, ...(action === "stop" ? ["--force"] : []), "--json"])
      expect(json.code, `${group} ${action} --json`).toBe(1)
      expect(json.stderr).toBe("")
      expect(JSON.parse(json.stdout)).toEqual({
        ok: false,
        action,
        error: {
          code: "SERVICE_MANAGER_UNAVAILABLE",
          message: "no supported service manager detected",
          hint: "run `openclaw gateway run` under your own supervisor (container runtime, process manager), or start a systemd user session and retry"
        }
      })
    }
  }, 60_000) // six CLI starts

  it("daemon --help lists the service subcommands; each subcommand has help", () => {
    const { run } = tempHome()
    const help = run(["daemon", "--help"])
    expect(help.code).toBe(0)
    const text = stripAnsi(help.stdout)
    expect(text).toContain("The gateway OS service: status, install, start, stop, restart, uninstall")
    // A group lists its commands one per line; each command's own help has its full usage line.
    for (const name of ["status", "install", "start", "stop", "restart", "uninstall"]) expect(text).toMatch(new RegExp(`^  ${name} +\\S`, "m"))
    const usages: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["daemon", "install"], "openclaw daemon install [--force] [--port <n>] [--token <value>] [--runtime <value>] [--runtime-path <value>] [--wrapper <value>] [--allow-unconfigured] [--json]"],
      [["daemon", "stop"], "openclaw daemon stop [--disable] [--force] [--json]"],
      [["gateway", "install"], "openclaw gateway install [--force] [--port <n>] [--token <value>] [--runtime <value>] [--runtime-path <value>] [--wrapper <value>] [--allow-unconfigured] [--json]"],
      [["gateway", "uninstall"], "openclaw gateway uninstall [--json]"]
    ]
    for (const [args, usage] of usages) {
      const sub = run([...args, "--help"])
      expect(sub.code, args.join(" ")).toBe(0)
      expect(stripAnsi(sub.stdout)).toContain("USAGE")
      expect(sub.stdout).toContain(usage)
    }
    expect(stripAnsi(run(["gateway", "--help"]).stdout)).toMatch(/^ {2}install +Install the gateway as an OS service/m)
  }, 60_000) // seven CLI starts

  it.skipIf(hasSystemdUserSession)("daemon status is gateway status (no gateway here: Runtime: stopped, probe failed)", () => {
    const { run } = tempHome()
    // Port 9 (discard) on loopback: nothing listens there.
    const env = { OPENCLAW_GATEWAY_PORT: "9" }
    const daemon = run(["daemon", "status", "--json"], env)
    expect(daemon.code, daemon.stderr).toBe(0)
    const report = JSON.parse(daemon.stdout)
    expect(report).toMatchObject({ rpc: { ok: false }, service: { available: false }, gateway: { port: 9 } })
    const gateway = JSON.parse(run(["gateway", "status", "--json"], env).stdout)
    expect(Object.keys(report).sort()).toEqual(Object.keys(gateway).sort())
  })

  it("a bad --port is a usage error (exit 2)", () => {
    const { run } = tempHome()
    expect(run(["gateway", "install", "--port", "abc"]).code).toBe(2)
  })
})
