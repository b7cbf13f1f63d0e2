import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { childEnv, CLI } from "./runCli.js"

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

export const writeConfig = (configPath: string, config: unknown) => {
  fs.mkdirSync(path.dirname(configPath), { recursive: true })
  fs.writeFileSync(configPath, typeof config === "string" ? config : JSON.stringify(config, null, 2))
}

/** Starts `openclaw gateway run` in the background and resolves once it prints that it listens. */
export const startInBackground = (home: string, extraEnv: NodeJS.ProcessEnv = {}, args: ReadonlyArray<string> = []) =>
  new Promise<{ child: ChildProcess; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "gateway", "run", ...args], { env: childEnv(home, extraEnv) })
    let out = ""
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      if (out.includes("Gateway listening on")) resolve({ child, output: () => out })
    })
    child.stderr.on("data", (d: Buffer) => (out += d.toString()))
    child.on("exit", (code) => reject(new Error(`gateway exited ${code}: ${out}`)))
  })

export const stopChild = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    child.on("exit", (code) => resolve(code))
    child.kill("SIGTERM")
  })
