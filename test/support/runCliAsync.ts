import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { childEnv, CLI, type CliResult, tempHome } from "./runCli.js"

/**
 * Runs the bundled CLI without blocking this process's event loop, so loopback fakes served from the
 * test process can answer it.
 */
export const runCliAsync = (home: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000, input?: string): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(home, env) })
    let stdout = ""
    let stderr = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`openclaw ${args.join(" ")} did not finish: ${stdout}${stderr}`))
    }, timeoutMs)
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    // Standard input, for commands that read `-`.
    if (input !== undefined) child.stdin.end(input)
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })

/** A temp home with `openclaw.json` written from `config`. */
export const homeWithConfig = (config: unknown) => {
  const home = tempHome()
  fs.mkdirSync(path.dirname(home.configPath), { recursive: true })
  fs.writeFileSync(home.configPath, JSON.stringify(config, null, 2))
  return home
}
