import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { followLogs } from "../support/followLogs.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { tempHome } from "../support/runCli.js"

/** A home whose gateway logs to a file inside it. */
const install = (port: number) => {
  const home = tempHome()
  const logFile = path.join(home.home, "logs", "gateway.log")
  const config = { gateway: { mode: "local", port, auth: { mode: "token", token: "logs-test-token-0123456789" } }, logging: { file: logFile }, talk: {} }
  writeConfig(home.configPath, config)
  return { ...home, logFile, config }
}

describe("the runbook's `openclaw logs --follow` when the config or the gateway fails", () => {
  it("the sections not run and an invalid edit to a running gateway's config are logged to its file, so `openclaw logs` shows them", async () => {
    const cli = install(await freePort())
    const started = await startInBackground(cli.home)
    const gateway = started.child
    try {
      // What the gateway keeps but does not run is said at start, on stderr and in its log.
      expect(started.output()).toContain("config: talk: not supported by this version, ignored\n")
      const followed = await followLogs(cli.home, /config reload skipped \(invalid config\)/, () =>
        fs.writeFileSync(cli.configPath, JSON.stringify({ ...cli.config, bogus: true }, null, 2)))
      expect(followed.code).toBe(0)
      expect(followed.stdout).toMatch(/ warn config config: talk: not supported by this version, ignored\n/)
      expect(followed.stdout).toMatch(/ warn gateway\/reload config reload skipped \(invalid config\): <root>: Unrecognized key: "bogus"\n/)
      // The runbook's next step on the same broken file: plain `logs` still finds the line, said why.
      const plain = cli.run(["logs", "--limit", "20"])
      expect(plain.code).toBe(0)
      expect(plain.stderr).toContain("not asking a gateway; reading the log file directly.")
      expect(plain.stdout).toContain("config reload skipped (invalid config): <root>: Unrecognized key: \"bogus\"")
    } finally {
      expect(await stopChild(gateway)).toBe(0)
    }
  }, 30_000)

  it("logs --follow with the gateway down follows the file itself and says so on stderr", async () => {
    const cli = install(await freePort())
    fs.mkdirSync(path.dirname(cli.logFile), { recursive: true })
    fs.writeFileSync(cli.logFile, `${JSON.stringify({ time: "2026-12-06T18:00:00.000Z", level: "info", subsystem: "gateway", message: "gateway listening on ws://127.0.0.1:1" })}\n`)
    const followed = await followLogs(cli.home, /written while following/, () =>
      fs.appendFileSync(cli.logFile, `${JSON.stringify({ time: "2026-12-06T18:00:01.000Z", level: "warn", subsystem: "gateway", message: "written while following" })}\n`))
    expect(followed.code).toBe(0)
    expect(followed.stderr).toMatch(/^Gateway not reachable \(gateway connect failed: .*\); reading the log file directly; following it \(Ctrl-C stops\)\.\n/)
    expect(followed.stdout).toContain(`Log file: ${cli.logFile}\n`)
    expect(followed.stdout).toContain("gateway listening on ws://127.0.0.1:1")
    expect(followed.stdout).toMatch(/ warn gateway written while following\n/)
  }, 30_000)
})
