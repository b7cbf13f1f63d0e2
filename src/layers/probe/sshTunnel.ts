import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Data, Effect } from "effect"
import { spawn } from "node:child_process"
import * as net from "node:net"

/** The tunnel did not come up; the probe falls back to direct targets. */
export class SshTunnelFailed extends Data.TaggedError("SshTunnelFailed")<{ readonly message: string }> {}

// Only an OS-managed ssh client is launched, never one found through a user-writable PATH entry.
const SSH_CANDIDATES = ["/usr/bin/ssh", "/bin/ssh", "/usr/local/bin/ssh", "C:\\Windows\\System32\\OpenSSH\\ssh.exe"]

/** `user@host[:port]` split into the ssh destination and port. */
export const parseSshTarget = (target: string): { readonly destination: string; readonly port: number } | undefined => {
  const match = /^([^@\s]+@)?([^:\s@]+)(?::(\d{1,5}))?$/.exec(target.trim())
  if (match === null) return undefined
  const port = match[3] === undefined ? 22 : Number(match[3])
  if (port < 1 || port > 65535) return undefined
  return { destination: `${match[1] ?? ""}${match[2]}`, port }
}

const freePort = () =>
  Effect.async<number>((resume) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resume(Effect.succeed(port)))
    })
  })

const portAccepts = (port: number) =>
  Effect.async<boolean>((resume) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

/**
 * Opens `ssh -N -L <local>:127.0.0.1:<remotePort>` and waits until the local end accepts connections.
 * The ssh process lives as long as the scope.
 */
export const openSshTunnel = (target: string, remotePort: number, timeoutMs: number, identity?: string) =>
  Effect.gen(function*() {
    const parsed = parseSshTarget(target)
    if (parsed === undefined) return yield* new SshTunnelFailed({ message: `invalid --ssh target ${JSON.stringify(target)} (use user@host[:port])` })
    const fs = yield* FileSystem.FileSystem
    const ssh = yield* Effect.findFirst(SSH_CANDIDATES, (candidate) => fs.exists(candidate).pipe(Effect.orElseSucceed(() => false))).pipe(
      Effect.map((found) => (found._tag === "Some" ? found.value : undefined))
    )
    if (ssh === undefined) return yield* new SshTunnelFailed({ message: "no ssh client found in the system directories" })
    const localPort = yield* freePort()
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(ssh, [
          "-N",
          "-o", "BatchMode=yes",
          ...(identity === undefined ? [] : ["-i", identity, "-o", "IdentitiesOnly=yes"]),
          "-o", "ExitOnForwardFailure=yes",
          "-o", `ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`,
          "-L", `${localPort}:127.0.0.1:${remotePort}`,
          "-p", String(parsed.port),
          parsed.destination
        ], { stdio: ["ignore", "ignore", "pipe"] })
      ),
      (child) => Effect.sync(() => void child.kill("SIGTERM"))
    )
    let stderr = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000)
    })
    const exited = yield* Effect.sync(() => ({ done: false as boolean }))
    child.once("exit", () => {
      exited.done = true
    })
    const deadline = (yield* Clock.currentTimeMillis) + timeoutMs
    while ((yield* Clock.currentTimeMillis) < deadline) {
      if (exited.done) break
      if (yield* portAccepts(localPort)) return { url: `ws://127.0.0.1:${localPort}`, localPort }
      yield* Effect.sleep("100 millis")
    }
    const reason = stderr.trim().split("\n").filter((l) => l.trim() !== "").pop()
    return yield* new SshTunnelFailed({ message: `ssh ${parsed.destination} failed${reason === undefined ? "" : `: ${reason}`}` })
  })
