import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { tempHome } from "../support/runCli.js"
import { Command } from "@effect/cli"
import { HashMap } from "effect"
import { loadRootCommand } from "../../src/cli/app.js"

describe("openclaw config (built CLI, real files)", () => {
  it("the bundle is an executable with a node shebang, so a global install's `openclaw` link runs it", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-bin-"))
    fs.symlinkSync(path.resolve("dist/openclaw.mjs"), path.join(bin, "openclaw"))
    expect(fs.readFileSync("dist/openclaw.mjs", "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true)
    const result = spawnSync("openclaw", ["--version"], { env: { PATH: `${bin}:${path.dirname(process.execPath)}` }, encoding: "utf8" })
    expect(result.status).toBe(0)
    expect(result.stdout).toBe(`OpenClaw ${VERSION} (clawgate)\n`)
  })

  it("--version prints the calendar version and matches package.json", () => {
    const { run } = tempHome()
    const result = run(["--version"])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`OpenClaw ${VERSION} (clawgate)\n`)
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }
    expect(pkg.version).toBe(VERSION)
  })


  it("the root help (also `openclaw` alone) lists every top-level command with its summary and the root options", async () => {
    const { run } = tempHome()
    const help = run(["--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^OpenClaw \S+ \(clawgate\): the OpenClaw gateway and its operator CLI\n/)
    for (const name of [...HashMap.keys(Command.getSubcommands(await loadRootCommand()))]) {
      expect(help.stdout, name).toMatch(new RegExp(`^  ${name} +\\S`, "m"))
    }
    expect(help.stdout).toContain("--profile <name>")
    expect(help.stdout).toContain("--dev")
    expect(run([]).stdout).toBe(help.stdout)
    expect(run(["--dev", "-h"]).stdout).toBe(help.stdout)
    expect(help.stdout.split("\n").filter((line) => line.length > 100)).toEqual([])
  })

  it("config patch merges, replaces arrays and deletes with null", () => {
    const { run, configPath, home } = tempHome()
    run(["config", "set", "gateway.mode", "local"])
    run(["config", "set", "plugins.allow", "[\"a\",\"b\"]", "--strict-json"])
    const patchFile = path.join(home, "p.json5")
    fs.writeFileSync(patchFile, "{ plugins: { allow: ['c'] }, gateway: { port: 19100 }, logging: null }")
    expect(run(["config", "patch", "--file", patchFile]).code).toBe(0)
    const config = JSON.parse(fs.readFileSync(configPath, "utf8")) as { plugins: { allow: Array<string> }; gateway: { port: number } }
    expect(config.plugins.allow).toEqual(["c"])
    expect(config.gateway.port).toBe(19100)
    expect(run(["config", "patch", "--stdin"], {}, "{ gateway: { bind: 'lan' } }").code).toBe(0)
    expect(run(["config", "get", "gateway.bind"]).stdout).toBe("lan\n")
  })

  it("--profile and --dev pick their own state dirs; env overrides the config path", () => {
    const { run, home } = tempHome()
    expect(run(["--profile", "work", "config", "file"]).stdout).toBe(`${path.join(home, ".openclaw-work", "openclaw.json")}\n`)
    expect(run(["--dev", "config", "file"]).stdout).toBe(`${path.join(home, ".openclaw-dev", "openclaw.json")}\n`)
    const custom = path.join(home, "elsewhere.json")
    expect(JSON.parse(run(["config", "file", "--json"], { OPENCLAW_CONFIG_PATH: custom }).stdout)).toEqual({ path: custom })
  })
})
