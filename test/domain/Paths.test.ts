import { describe, expect, it } from "@effect/vitest"
import * as path from "node:path"
import {
  DEFAULT_GATEWAY_PORT,
  DEV_GATEWAY_PORT,
  type HostFacts,
  legacyEnvWarning,
  profileNameError,
  resolveGatewayPort,
  resolveHome,
  resolvePaths
} from "../../src/domain/Paths.js"

// Fake host facts: nothing here touches the real home directory or environment.
const OS_HOME = "/fake/os-home"
const CWD = "/fake/cwd"

const host = (env: Record<string, string | undefined> = {}): HostFacts => ({ env, osHome: OS_HOME, cwd: CWD })

describe("resolveHome", () => {
  it("prefers OPENCLAW_HOME, then HOME, then USERPROFILE, then the OS home", () => {
    const all = { OPENCLAW_HOME: "/oc", HOME: "/home/u", USERPROFILE: "C:/Users/u" }
    expect(resolveHome(host(all))).toBe("/oc")
    expect(resolveHome(host({ HOME: "/home/u", USERPROFILE: "C:/Users/u" }))).toBe("/home/u")
    expect(resolveHome(host({ USERPROFILE: "C:/Users/u" }))).toBe("C:/Users/u")
    expect(resolveHome(host({}))).toBe(OS_HOME)
  })

  it("treats empty or blank values as unset", () => {
    expect(resolveHome(host({ OPENCLAW_HOME: "  ", HOME: "", USERPROFILE: "/up" }))).toBe("/up")
  })

  it("resolves a relative or tilde OPENCLAW_HOME", () => {
    expect(resolveHome(host({ OPENCLAW_HOME: "rel/home" }))).toBe(path.resolve(CWD, "rel/home"))
    expect(resolveHome(host({ OPENCLAW_HOME: "~/alt", HOME: "/home/u" }))).toBe(path.join(OS_HOME, "alt"))
    expect(resolveHome(host({ OPENCLAW_HOME: "~" }))).toBe(OS_HOME)
  })
})

describe("resolvePaths", () => {
  it("defaults to <OS home>/.openclaw/openclaw.json, canonical", () => {
    expect(resolvePaths(host())).toEqual({
      home: OS_HOME,
      stateDir: path.join(OS_HOME, ".openclaw"),
      configPath: path.join(OS_HOME, ".openclaw", "openclaw.json"),
      profile: undefined,
      dev: false,
      canonical: true
    })
  })

  it("follows the home precedence", () => {
    expect(resolvePaths(host({ OPENCLAW_HOME: "/oc", HOME: "/home/u" })).stateDir).toBe("/oc/.openclaw")
    expect(resolvePaths(host({ HOME: "/home/u", USERPROFILE: "/up" })).stateDir).toBe("/home/u/.openclaw")
    expect(resolvePaths(host({ USERPROFILE: "/up" })).configPath).toBe("/up/.openclaw/openclaw.json")
  })

  it("is not canonical when home moved away from the OS home", () => {
    expect(resolvePaths(host({ HOME: "/home/u" })).canonical).toBe(false)
    expect(resolvePaths(host({ HOME: OS_HOME })).canonical).toBe(true)
  })

  it("uses OPENCLAW_STATE_DIR for the state dir and the config inside it", () => {
    const resolved = resolvePaths(host({ HOME: "/home/u", OPENCLAW_STATE_DIR: "/srv/openclaw" }))
    expect(resolved.stateDir).toBe("/srv/openclaw")
    expect(resolved.configPath).toBe("/srv/openclaw/openclaw.json")
    expect(resolved.canonical).toBe(false)
  })

  it("resolves a relative or tilde OPENCLAW_STATE_DIR", () => {
    expect(resolvePaths(host({ OPENCLAW_STATE_DIR: "state" })).stateDir).toBe("/fake/cwd/state")
    expect(resolvePaths(host({ HOME: "/home/u", OPENCLAW_STATE_DIR: "~/st" })).stateDir).toBe("/home/u/st")
  })

  it("uses OPENCLAW_CONFIG_PATH for the config only", () => {
    const resolved = resolvePaths(host({ OPENCLAW_CONFIG_PATH: "/etc/openclaw.json" }))
    expect(resolved.configPath).toBe("/etc/openclaw.json")
    expect(resolved.stateDir).toBe(path.join(OS_HOME, ".openclaw"))
    expect(resolved.canonical).toBe(false)
    expect(resolvePaths(host({ OPENCLAW_CONFIG_PATH: "conf/oc.json" })).configPath).toBe("/fake/cwd/conf/oc.json")
  })

  it("combines OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH", () => {
    const resolved = resolvePaths(host({ OPENCLAW_STATE_DIR: "/s", OPENCLAW_CONFIG_PATH: "/c/x.json" }))
    expect(resolved.stateDir).toBe("/s")
    expect(resolved.configPath).toBe("/c/x.json")
  })

  it("isolates --profile work in <home>/.openclaw-work", () => {
    const resolved = resolvePaths(host({ HOME: "/home/u" }), { profile: "work" })
    expect(resolved.stateDir).toBe("/home/u/.openclaw-work")
    expect(resolved.configPath).toBe("/home/u/.openclaw-work/openclaw.json")
    expect(resolved.profile).toBe("work")
    expect(resolved.dev).toBe(false)
    expect(resolvePaths(host(), { profile: "work" }).canonical).toBe(true)
  })

  it("reads OPENCLAW_PROFILE when no --profile is given", () => {
    expect(resolvePaths(host({ OPENCLAW_PROFILE: "ci" })).stateDir).toBe(path.join(OS_HOME, ".openclaw-ci"))
    expect(resolvePaths(host({ OPENCLAW_PROFILE: "ci" }), { profile: "work" }).profile).toBe("work")
  })

  it("isolates --dev in .openclaw-dev", () => {
    const resolved = resolvePaths(host(), { dev: true })
    expect(resolved.stateDir).toBe(path.join(OS_HOME, ".openclaw-dev"))
    expect(resolved.configPath).toBe(path.join(OS_HOME, ".openclaw-dev", "openclaw.json"))
    expect(resolved.profile).toBe("dev")
    expect(resolved.dev).toBe(true)
  })

  it("lets an explicit --profile win over --dev's default profile", () => {
    const resolved = resolvePaths(host(), { dev: true, profile: "x" })
    expect(resolved.stateDir).toBe(path.join(OS_HOME, ".openclaw-x"))
    expect(resolved.dev).toBe(true)
  })

  it("ignores a blank --profile", () => {
    expect(resolvePaths(host(), { profile: "  " }).stateDir).toBe(path.join(OS_HOME, ".openclaw"))
  })
})

describe("resolveGatewayPort", () => {
  const env = { OPENCLAW_GATEWAY_PORT: "20000" }

  it("uses the flag first", () => {
    expect(resolveGatewayPort({ flag: 30000, env, configPort: 40000, dev: true })).toEqual({ port: 30000, source: "flag" })
  })

  it("then OPENCLAW_GATEWAY_PORT", () => {
    expect(resolveGatewayPort({ env, configPort: 40000, dev: true })).toEqual({ port: 20000, source: "env" })
    expect(resolveGatewayPort({ env: { OPENCLAW_GATEWAY_PORT: " 20001 " } })).toEqual({ port: 20001, source: "env" })
  })

  it("skips an invalid OPENCLAW_GATEWAY_PORT", () => {
    for (const value of ["abc", "0", "65536", "-1", "", "80.5"]) {
      expect(resolveGatewayPort({ env: { OPENCLAW_GATEWAY_PORT: value }, configPort: 40000 })).toEqual({
        port: 40000,
        source: "config"
      })
    }
  })

  it("then the config port", () => {
    expect(resolveGatewayPort({ env: {}, configPort: 40000, dev: true })).toEqual({ port: 40000, source: "config" })
  })

  it("then 19001 with --dev", () => {
    expect(DEV_GATEWAY_PORT).toBe(19001)
    expect(resolveGatewayPort({ env: {}, dev: true })).toEqual({ port: 19001, source: "dev" })
  })

  it("then 18789", () => {
    expect(DEFAULT_GATEWAY_PORT).toBe(18789)
    expect(resolveGatewayPort({ env: {} })).toEqual({ port: 18789, source: "default" })
    expect(resolveGatewayPort({ env: {}, dev: false })).toEqual({ port: 18789, source: "default" })
  })
})

describe("legacyEnvWarning", () => {
  it("is silent without legacy variables", () => {
    expect(legacyEnvWarning({ OPENCLAW_HOME: "/x", HOME: "/h" })).toBeUndefined()
    expect(legacyEnvWarning({ MY_CLAWDBOT_X: "1" })).toBeUndefined()
  })

  it("names the legacy variables, sorted", () => {
    expect(legacyEnvWarning({ MOLTBOT_TOKEN: "a", HOME: "/h", CLAWDBOT_HOME: "b" })).toBe(
      "OPENCLAW_LEGACY_ENV_VARS: ignoring legacy environment variables (CLAWDBOT_HOME, MOLTBOT_TOKEN); rename them to OPENCLAW_*."
    )
  })
})

describe("profileNameError", () => {
  it("accepts one segment of letters, digits, '-', '_', '.'; refuses separators, traversal and other characters, naming the source", () => {
    for (const name of ["work", "a.b", "Team_2-x", "..x", "x.."]) expect(profileNameError({ env: {} }, { profile: name })).toBeUndefined()
    for (const name of ["../../tmp/x", "a/b", "a\\b", ".", "..", "a b", "ä"]) {
      expect(profileNameError({ env: {} }, { profile: name })).toMatchObject({ _tag: "InvalidProfileName", code: "INVALID_PROFILE", source: "--profile" })
    }
    expect(profileNameError({ env: { OPENCLAW_PROFILE: "../x" } })).toMatchObject({ source: "OPENCLAW_PROFILE" })
    // The flag wins over the env, and --dev ignores the env (as resolvePaths does).
    expect(profileNameError({ env: { OPENCLAW_PROFILE: "../x" } }, { profile: "ok" })).toBeUndefined()
    expect(profileNameError({ env: { OPENCLAW_PROFILE: "../x" } }, { dev: true })).toBeUndefined()
  })
})
