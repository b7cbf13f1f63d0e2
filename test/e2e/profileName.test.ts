import { expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { tempHome } from "../support/runCli.js"

const listTree = (dir: string): ReadonlyArray<string> =>
  fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()

it("--profile or OPENCLAW_PROFILE that is not one safe path segment is refused (exit 2) before anything is written", () => {
  const home = tempHome()
  for (const [args, env, source, name] of [
    [["--profile", "../../tmp/x"], {}, "--profile", "../../tmp/x"],
    [["--profile=a/b"], {}, "--profile", "a/b"],
    [["--profile", ".."], {}, "--profile", ".."],
    [[], { OPENCLAW_PROFILE: "a/b" }, "OPENCLAW_PROFILE", "a/b"]
  ] as const) {
    const result = home.run([...args, "config", "set", "gateway.mode", "local"], env)
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      `error[INVALID_PROFILE]: ${source} "${name}" is not allowed: a profile name is one path segment: letters, digits, '-', '_' or '.', and not '.' or '..'.\n` +
        "Next: pick a plain name, e.g. `openclaw --profile work <command>` (state in ~/.openclaw-work)\n"
    )
  }
  expect(listTree(home.home)).toEqual([])
  const ok = home.run(["--profile", "work_2.b-c", "config", "set", "gateway.mode", "local"])
  expect(ok.code).toBe(0)
  expect(fs.existsSync(path.join(home.home, ".openclaw-work_2.b-c", "openclaw.json"))).toBe(true)
})
