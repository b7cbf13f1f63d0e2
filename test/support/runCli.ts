import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export const CLI = path.resolve("dist/openclaw.mjs")

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * The environment of a CLI or gateway process a test starts: only `home` for its state, and the test run's
 * temp folder (TMPDIR), so what the process leaves there (a killed Chromium's profile) goes with the run.
 */
export const childEnv = (home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env["PATH"],
  TMPDIR: process.env["TMPDIR"],
  HOME: home,
  OPENCLAW_HOME: home,
  ...extra
})

/** A throwaway home for one test: the CLI never sees the real `~/.openclaw`. */
export const tempHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-home-"))
  const env = childEnv(home)
  const run = (args: ReadonlyArray<string>, extraEnv: NodeJS.ProcessEnv = {}, input?: string): CliResult => {
    const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv }, encoding: "utf8", input: input ?? "" })
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
  }
  return { home, stateDir: path.join(home, ".openclaw"), configPath: path.join(home, ".openclaw", "openclaw.json"), run }
}

/** Help output of @effect/cli carries ANSI colour codes. */
export const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "")
