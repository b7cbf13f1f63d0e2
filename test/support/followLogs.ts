import { type ChildProcess, spawn } from "node:child_process"
import { childEnv, CLI } from "./runCli.js"

/** Runs `openclaw logs --follow` until `until` matches its stdout, then sends SIGINT. */
export const followLogs = (home: string, until: RegExp, act: () => void) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, "logs", "--follow", "--limit", "5", "--interval", "200"], {
      env: childEnv(home)
    })
    let stdout = ""
    let stderr = ""
    let acted = false
    let stopped = false
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`logs --follow never showed ${until}: ${stdout}\n--- stderr\n${stderr}`))
    }, 15_000)
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString()
      if (!acted && stdout.includes("Log file:")) {
        acted = true
        act()
      }
      // One SIGINT only: the CLI handles the first and stops; a second (a later chunk) would kill it outright.
      if (!stopped && until.test(stdout)) {
        stopped = true
        child.kill("SIGINT")
      }
    })
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
