import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { classifyCommandWord, nearestWord } from "../../src/domain/cli/commandWord.js"
import { inProcessHome } from "../support/cliInProcess.js"

describe("the command word (pure)", () => {
  it("is ours, the original's (not here yet), or a typo with the nearest of ours", () => {
    const ours = ["status", "gateway", "config", "doctor", "devices"]
    expect(classifyCommandWord("status", ours)._tag).toBe("Known")
    expect(classifyCommandWord("configure", ours)).toMatchObject({ _tag: "NotYet", word: "configure" })
    expect(classifyCommandWord("stauts", ours)).toEqual({ _tag: "Unknown", word: "stauts", suggestion: "status" })
    expect(classifyCommandWord("xyzzy", ours)).toEqual({ _tag: "Unknown", word: "xyzzy", suggestion: undefined })
    expect(classifyCommandWord("constructor", ours)._tag).toBe("Unknown")
    expect(nearestWord("devcies", ours)).toBe("devices")
    expect(nearestWord("gte", ["get", "set", "unset"])).toBe("get")
  })
})

describe("openclaw help and mistakes (in process)", () => {
  it("`openclaw help <command>` and `<command> --help` print the same plain help with the full usage line", async () => {
    const { run } = inProcessHome()
    const viaWord = await run(["help", "config", "get"])
    const viaFlag = await run(["config", "get", "--help"])
    expect(viaWord).toEqual(viaFlag)
    expect(viaFlag.code).toBe(0)
    expect(viaFlag.stdout).toMatch(/^USAGE\n {2}openclaw config get \[--json\] <path>\n/)
    expect(viaFlag.stdout).toContain("Config path: dots and brackets")
    expect(viaFlag.stdout).not.toMatch(/\u001b\[/)
    expect(viaFlag.stdout).not.toContain("A user-defined piece of text")
    expect(viaFlag.stdout).not.toContain("A true or false value")
  })

  it("repeatable options read as optional; a group lists its commands one per line", async () => {
    const { run } = inProcessHome()
    const doctor = await run(["doctor", "--help"])
    expect(doctor.stdout).toContain("[--only <value>]... [--skip <value>]...")
    const config = await run(["help", "config"])
    // Alone, `config` shows the guided sections (the original's wizard filter), so the command word is optional.
    expect(config.stdout).toMatch(/^USAGE\n {2}openclaw config \[--section <value>\]\.\.\. \[<command>\]\n/)
    expect(config.stdout).toMatch(/^ {2}get +Print the value at a path/m)
    expect((await run(["help"])).stdout).toMatch(/^OpenClaw \S+ \(clawgate\)/)
  })

  it("`setup --wizard` without a terminal refuses with what to run instead, rather than waiting forever; `--wizard` elsewhere is unknown", async () => {
    const { run, stateDir } = inProcessHome()
    const result = await run(["setup", "--wizard"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Onboarding needs an interactive TTY.")
    expect(result.stderr).toContain("openclaw onboard --non-interactive --accept-risk ...")
    expect(result.stderr).toContain("openclaw setup --baseline")
    expect(fs.existsSync(stateDir)).toBe(false)
    // @effect/cli's own option-by-option wizard never starts: the original has no `--wizard` there.
    const elsewhere = await run(["config", "get", "gateway.port", "--wizard"])
    expect(elsewhere).toEqual({ code: 2, stdout: "", stderr: "error: unknown option '--wizard'. The interactive onboarding is `openclaw setup --wizard`.\n" })
  })

  it("a mistyped command suggests the nearest one and exits 2; a subcommand typo too", async () => {
    const { run } = inProcessHome()
    const typo = await run(["stauts"])
    expect(typo).toEqual({ code: 2, stdout: "", stderr: "error: unknown command `openclaw stauts`.\nDid you mean `openclaw status`?\n" })
    const sub = await run(["config", "gte", "gateway.mode"])
    expect(sub.code).toBe(2)
    expect(sub.stderr).toContain("Did you mean `openclaw config get`?")
    const none = await run(["frobnicate"])
    expect(none.stderr).toContain("Run `openclaw --help` for the commands.")
  })

  it("a command the original has and this version does not says so, with what to do instead, and never advises a missing command", async () => {
    const { run } = inProcessHome()
    const configure = await run(["configure"])
    expect(configure.code).toBe(1)
    expect(configure.stderr).toContain("`openclaw configure` is not available in this version of Clawgate.")
    expect(configure.stderr).toContain("Instead: edit the config with `openclaw config set <path> <value>`")
    for (const word of ["plugins", "update", "reset", "secrets"]) {
      const result = await run([word])
      expect(result.code, word).toBe(1)
      const advised = [...result.stderr.matchAll(/`openclaw ([a-z-]+)/g)].map((m) => m[1]).filter((w) => w !== word)
      for (const command of advised) expect(["config", "doctor", "devices", "status", "gateway", "agent", "setup", "onboard"], `${word} advises ${command}`).toContain(command)
    }
  })
})
