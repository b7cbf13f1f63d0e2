import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempHome } from "../support/runCli.js"

const captured = (name: string) => {
  const text = fs.readFileSync(path.join("/work/shared/reference/original-captures", name), "utf8")
  return text.slice(text.indexOf("--- stdout ---\n") + 15, text.indexOf("--- stderr ---"))
}
const CAPTURES_PRESENT = fs.existsSync("/work/shared/reference/original-captures/approvals-get.txt")

describe("openclaw approvals on this host's document (built CLI, real files)", () => {
  it.runIf(CAPTURES_PRESENT)("get prints the original's layout line for line (the document lives in a JSON file, not SQLite)", () => {
    const home = tempHome()
    const ours = home.run(["approvals", "get"]).stdout.split("\n")
    const original = captured("approvals-get.txt").split("\n")
    expect(ours.length).toBe(original.length)
    const differing = ours.flatMap((line, i) => (line === original[i] ? [] : [i]))
    expect(differing.map((i) => ours[i])).toEqual([expect.stringContaining("│ Path            │ ~/.openclaw/exec-approvals.json")])
  })

  it("get shows the defaults without creating a file; set writes the document atomically with 0600", () => {
    const home = tempHome()
    const file = path.join(home.stateDir, "exec-approvals.json")
    const before = home.run(["approvals", "get"])
    expect(before.code).toBe(0)
    expect(before.stdout).toContain("Showing local approvals.")
    expect(before.stdout).toContain("│ State           │ defaults (no stored overrides)")
    expect(before.stdout).toContain("missing:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    expect(fs.existsSync(file)).toBe(false)

    const set = home.run(["approvals", "set", "--stdin"], {}, `{ version: 1, defaults: { security: "allowlist", ask: "on-miss" } }`)
    expect(set.code, set.stderr).toBe(0)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    const stored = JSON.parse(fs.readFileSync(file, "utf8"))
    expect(stored).toMatchObject({ version: 1, defaults: { security: "allowlist", ask: "on-miss" }, socket: { path: path.join(home.stateDir, "exec-approvals.sock") } })
    expect(fs.readdirSync(home.stateDir).filter((f) => f.includes(".tmp"))).toEqual([])

    const json = JSON.parse(home.run(["approvals", "get", "--json"]).stdout)
    expect(json).toMatchObject({ exists: true, file: { defaults: { security: "allowlist" } } })
    expect(json.effectivePolicy.scopes[0]).toMatchObject({ security: { requested: "full", host: "allowlist", effective: "allowlist", note: "host security applies" }, ask: { effective: "on-miss" } })
  })

  it("allowlist add and remove edit one agent's list; a pattern that is not there is an error", () => {
    const home = tempHome()
    expect(home.run(["approvals", "allowlist", "add", "--agent", "main", "/usr/bin/uname"]).code).toBe(0)
    expect(home.run(["approvals", "allowlist", "add", "rg"]).code).toBe(0)
    const doc = JSON.parse(fs.readFileSync(path.join(home.stateDir, "exec-approvals.json"), "utf8"))
    expect(doc.agents).toEqual({ main: { allowlist: [{ pattern: "/usr/bin/uname" }] }, "*": { allowlist: [{ pattern: "rg" }] } })
    expect(home.run(["approvals", "get"]).stdout).toContain("/usr/bin/uname")
    const again = home.run(["approvals", "allowlist", "add", "rg"])
    expect(again.stdout).toContain("No change")
    expect(home.run(["approvals", "allowlist", "remove", "rg"]).code).toBe(0)
    const missing = home.run(["approvals", "allowlist", "remove", "rg"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("No allowlist entry rg for agent *")
  })

  it("bad input names what is wrong and leaves the document alone", () => {
    const home = tempHome()
    expect(home.run(["approvals", "set", "--stdin"], {}, `{ version: 1 }`).code).toBe(0)
    const file = path.join(home.stateDir, "exec-approvals.json")
    const before = fs.readFileSync(file, "utf8")
    const typo = home.run(["approvals", "set", "--stdin"], {}, `{ version: 1, defaults: { security: "allowlists" } }`)
    expect(typo.code).toBe(1)
    expect(typo.stderr).toContain("Invalid exec approvals: defaults.security")
    const unknownKey = home.run(["approvals", "set", "--stdin"], {}, `{ version: 1, defualts: {} }`)
    expect(unknownKey.code).toBe(1)
    expect(unknownKey.stderr).toContain("defualts")
    const notJson = home.run(["approvals", "set", "--stdin"], {}, `{ version: `)
    expect(notJson.code).toBe(1)
    expect(notJson.stderr).toContain("not JSON5")
    const both = home.run(["approvals", "set", "--stdin", "--file", "x.json"], {}, "{}")
    expect(both.code).toBe(1)
    expect(both.stderr).toContain("exactly one of --file <path> or --stdin")
    expect(fs.readFileSync(file, "utf8")).toBe(before)
  })
})
