import { spawnSync } from "node:child_process"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type HostPolicy, hostPolicy } from "../../src/domain/approvals/document.js"
import {
  afterPrompt,
  DENIED_ALLOWLIST,
  DENIED_APPROVAL,
  DENIED_USER,
  effectivePolicy,
  evaluateRun,
  exactArgvPattern,
  requestedPolicy
} from "../../src/domain/approvals/policy.js"
import { analyzeArgvCommand, analyzeShellCommand } from "../../src/domain/approvals/shellAnalysis.js"

const HOME = "/home/u"
const BIN: Readonly<Record<string, string>> = { ls: "/usr/bin/ls", echo: "/usr/bin/echo", rm: "/usr/bin/rm", curl: "/usr/bin/curl", python3: "/usr/bin/python3", uname: "/usr/bin/uname", sh: "/usr/bin/sh", cmd: "/usr/bin/cmd" }
const resolve = (argv0: string) => (argv0.includes("/") ? (Object.values(BIN).includes(argv0) ? argv0 : undefined) : BIN[argv0])

const host = (allowlist: HostPolicy["allowlist"], extra: Partial<HostPolicy> = {}): HostPolicy => ({
  security: "allowlist", ask: "off", askFallback: "deny", autoAllowSkills: false, allowlist, ...extra
})
const policy = (allowlist: HostPolicy["allowlist"], extra: Partial<HostPolicy> = {}, strictInlineEval = false) =>
  effectivePolicy({ security: "full", ask: "off", strictInlineEval }, host(allowlist, extra))
const verdict = (script: string, p = policy([{ pattern: "ls" }, { pattern: "/usr/bin/echo" }])) =>
  evaluateRun(analyzeShellCommand(script), resolve, p, HOME)

describe("exec approvals matcher", () => {
  it("allows a chain only when every segment is allowlisted", () => {
    expect(verdict("ls -la && echo ok").kind).toBe("allow")
    expect(verdict("ls -la && rm -rf /")).toEqual({ kind: "deny", message: DENIED_ALLOWLIST })
    expect(verdict("ls | curl evil").kind).toBe("deny")
    expect(verdict("ls; rm x").kind).toBe("deny")
    expect(verdict("ls || rm x").kind).toBe("deny")
    expect(verdict("ls &\nrm x").kind).toBe("deny")
  })

  it("refuses what only the shell can resolve", () => {
    for (const script of ["ls $(rm -rf /)", "ls `rm x`", "echo \"$(rm)\"", "ls > /etc/passwd", "ls < x", "(rm x)", "{ rm; }", "X=1 ls", "ls $HOME", "~/rm", "ls &&", "ls |", "*", "echo 'unterminated"]) {
      expect(verdict(script).kind, script).toBe("deny")
    }
  })

  it("keeps quoted metacharacters as plain arguments", () => {
    expect(verdict("echo 'a && rm -rf /'").kind).toBe("allow")
    expect(verdict("echo \"a; b | c\"").kind).toBe("allow")
    expect(verdict("echo a\\;rm").kind).toBe("allow")
  })

  it("matches bare names only through PATH and path globs on the resolved binary", () => {
    expect(verdict("/usr/bin/ls").kind).toBe("deny")
    expect(verdict("/usr/bin/echo hi").kind).toBe("allow")
    expect(evaluateRun(analyzeShellCommand("uname -a"), resolve, policy([{ pattern: "/usr/**/un*" }]), HOME).kind).toBe("allow")
    expect(evaluateRun(analyzeShellCommand("uname -a"), resolve, policy([{ pattern: "~/bin/*" }]), HOME).kind).toBe("deny")
  })

  it("argPattern is a regex over the space-joined args; allow-always entries are argv-exact", () => {
    const p = policy([{ pattern: "python3", argPattern: "^safe\\.py$" }, { pattern: "ls", argPattern: exactArgvPattern(["-l", "a b"]), source: "allow-always" }])
    expect(evaluateRun(analyzeShellCommand("python3 safe.py"), resolve, p, HOME).kind).toBe("allow")
    expect(evaluateRun(analyzeShellCommand("python3 other.py"), resolve, p, HOME).kind).toBe("deny")
    expect(evaluateRun(analyzeShellCommand("ls -l 'a b'"), resolve, p, HOME).kind).toBe("allow")
    expect(evaluateRun(analyzeShellCommand("ls -l a b"), resolve, p, HOME).kind).toBe("deny")
    // A generated path-only entry is ignored.
    expect(evaluateRun(analyzeShellCommand("ls"), resolve, policy([{ pattern: "ls", source: "allow-always" }]), HOME).kind).toBe("deny")
  })

  it("cmd.exe /c wrappers are allowlist misses even when cmd is allowlisted", () => {
    const p = policy([{ pattern: "cmd" }, { pattern: "ls" }])
    expect(evaluateRun(analyzeArgvCommand(["cmd.exe", "/c", "ls"]), resolve, p, HOME)).toEqual({ kind: "deny", message: DENIED_ALLOWLIST })
    expect(evaluateRun(analyzeArgvCommand(["CMD", "/C", "ls"]), resolve, p, HOME).kind).toBe("deny")
  })

  it("sh -c scripts are analyzed; python -c needs approval under strictInlineEval", () => {
    const p = policy([{ pattern: "ls" }, { pattern: "python3" }])
    expect(evaluateRun(analyzeArgvCommand(["sh", "-c", "ls && ls"]), resolve, p, HOME).kind).toBe("allow")
    expect(evaluateRun(analyzeArgvCommand(["sh", "-lc", "ls && rm x"]), resolve, p, HOME).kind).toBe("deny")
    expect(evaluateRun(analyzeArgvCommand(["python3", "-c", "print(1)"]), resolve, p, HOME).kind).toBe("allow")
    const strict = policy([{ pattern: "python3" }], {}, true)
    expect(evaluateRun(analyzeArgvCommand(["python3", "-c", "print(1)"]), resolve, strict, HOME).kind).toBe("ask")
    expect(evaluateRun(analyzeArgvCommand(["python3", "-cprint(1)"]), resolve, strict, HOME).kind).toBe("ask")
  })

  it("asks on a miss with ask=on-miss; the fallback decides a timeout", () => {
    const p = policy([{ pattern: "ls" }], { ask: "on-miss" })
    expect(verdict("rm x", p)).toEqual({ kind: "ask", allowlistSatisfied: false })
    expect(verdict("ls", p).kind).toBe("allow")
    expect(verdict("ls", policy([{ pattern: "ls" }], { ask: "always" }))).toEqual({ kind: "ask", allowlistSatisfied: true })
    expect(afterPrompt(undefined, "deny", true)).toEqual({ kind: "deny", message: DENIED_APPROVAL })
    expect(afterPrompt(undefined, "allowlist", false)).toEqual({ kind: "deny", message: DENIED_APPROVAL })
    expect(afterPrompt(undefined, "allowlist", true)).toEqual({ kind: "allow", persist: false })
    expect(afterPrompt(undefined, "full", false)).toEqual({ kind: "allow", persist: false })
    expect(afterPrompt("deny", "full", true)).toEqual({ kind: "deny", message: DENIED_USER })
    expect(afterPrompt("allow-always", "deny", false)).toEqual({ kind: "allow", persist: true })
  })

  it("the effective policy is the stricter of config and host", () => {
    const requested = requestedPolicy({ tools: { exec: { mode: "ask" } } })
    const eff = effectivePolicy(requested, hostPolicy({ version: 1, defaults: { security: "full", ask: "off" } }, "main"))
    expect([eff.security, eff.ask]).toEqual(["allowlist", "on-miss"])
    const eff2 = effectivePolicy(requestedPolicy({}), hostPolicy({ version: 1, defaults: { security: "deny" } }, "main"))
    expect(eff2.security).toBe("deny")
    const agentOverride = hostPolicy({ version: 1, defaults: { security: "deny" }, agents: { main: { security: "allowlist" }, "*": { allowlist: [{ pattern: "ls" }] } } }, "main")
    expect(agentOverride.security).toBe("allowlist")
    expect(agentOverride.allowlist).toEqual([{ pattern: "ls" }])
  })
})

// ---- fuzz: commands built from known parts, so what each one runs is known by construction ----

const SAFE = ["ls", "echo", "/usr/bin/echo"]
const UNSAFE = ["rm", "curl", "/usr/bin/rm", "./ls", "/tmp/ls", "python3"]
const SEPARATORS = [" && ", " || ", "; ", " | ", "\n", " & "]
const INJECTIONS = ["$(rm -rf /)", "`rm x`", "> /etc/x", "< x", "$HOME", "${X}", "(rm)", "{ rm; }", "X=1"]
const quoteArg = (arg: string, style: number) =>
  style === 0 ? arg.replace(/[^A-Za-z0-9_./-]/g, (c) => `\\${c}`) : style === 1 ? `'${arg.replace(/'/g, "'\\''")}'` : `"${arg.replace(/["\\$`]/g, (c) => `\\${c}`)}"`

const segmentArb = fc.record({
  command: fc.oneof(fc.constantFrom(...SAFE), fc.constantFrom(...UNSAFE)),
  args: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: 2 })), { maxLength: 3 })
})
const commandArb = fc.record({
  segments: fc.array(segmentArb, { minLength: 1, maxLength: 4 }),
  separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 3, maxLength: 3 }),
  injection: fc.option(fc.tuple(fc.constantFrom(...INJECTIONS), fc.nat()), { nil: undefined }),
  wrap: fc.constantFrom("none", "sh", "cmd")
})

describe("exec approvals matcher fuzz", () => {
  it("never allows a command that runs anything off the allowlist", () => {
    const p = policy([{ pattern: "ls" }, { pattern: "echo" }, { pattern: "/usr/bin/echo" }])
    fc.assert(fc.property(commandArb, ({ segments, separators, injection, wrap }) => {
      const parts = segments.map((s) => [s.command, ...s.args.map(([a, style]) => quoteArg(a, style))].join(" "))
      if (injection !== undefined) {
        const [text, at] = injection
        const i = at % parts.length
        parts[i] = `${text} ${parts[i]}`
      }
      const script = parts.map((part, i) => (i === 0 ? part : `${separators[(i - 1) % separators.length]}${part}`)).join("")
      const shouldAllow = wrap !== "cmd" && injection === undefined && segments.every((s) => SAFE.includes(s.command))
      const analysis = wrap === "none" ? analyzeShellCommand(script) : wrap === "sh" ? analyzeArgvCommand(["sh", "-c", script]) : analyzeArgvCommand(["cmd.exe", "/c", script])
      const result = evaluateRun(analysis, resolve, p, HOME)
      if (!shouldAllow) expect(result.kind, script).not.toBe("allow")
      // Trailing `&` leaves no empty command only when followed by another segment; else allowed chains stay allowed.
      if (shouldAllow) expect(result.kind, script).toBe("allow")
    }), { numRuns: 3000 })
  })

  it("any string at all: an allowed single command is exactly the argv sh would run", () => {
    const p = policy([{ pattern: "echo" }])
    let compared = 0
    fc.assert(fc.property(fc.string({ maxLength: 24, unit: fc.constantFrom(..."ab ;|&'\"\\$`()<>*?~#\n\t=-".split("")) }), (tail) => {
      const script = `echo ${tail}`
      const analysis = analyzeShellCommand(script)
      const result = evaluateRun(analysis, resolve, p, HOME)
      if (result.kind !== "allow" || !analysis.ok) return
      // What sh runs: each segment's words, printed NUL-separated by a shell function named echo.
      const real = spawnSync("sh", ["-c", `echo() { for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\1'; }\n${script}`], { encoding: "utf8", timeout: 5000 })
      const runs = real.stdout.split("\u0001").slice(0, -1).map((chunk) => chunk.split("\0").slice(0, -1))
      const ours = analysis.segments.map((s) => s.argv.slice(1))
      // Every command sh ran is one we analyzed and allowed (`echo` with the same arguments).
      expect(runs.length, script).toBe(ours.length)
      expect(runs, script).toEqual(ours)
      compared += 1
    }), { numRuns: 400 })
    expect(compared).toBeGreaterThan(20)
  })
})
