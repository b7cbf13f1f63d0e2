// Gateway benchmark: start-to-listening time of `openclaw gateway run`, signed connect handshake latency,
// health throughput over 1 and 100 connections, idle RSS, and RSS with 1,000 idle authenticated clients.
// Usage: npm run bundle && node bench/gateway.mjs [connects=1000] [idleClients=1000]
import { spawn } from "node:child_process"
import { createHash, generateKeyPairSync, sign } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import WebSocket from "ws"

const connects = Number(process.argv[2] ?? 1000)
const idleClients = Number(process.argv[3] ?? 1000)
const TOKEN = "bench-token-0123456789abcdef"
const cli = resolve("dist/openclaw.mjs")

const freePort = () =>
  new Promise((res) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })

const rssMiB = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

const identity = () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519")
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12)
  return { privateKey, publicKey: raw.toString("base64url"), deviceId: createHash("sha256").update(raw).digest("hex") }
}

const connect = (url, device, scopes = ["operator.read", "operator.write", "operator.admin"]) =>
  new Promise((res, rej) => {
    const ws = new WebSocket(url)
    const started = process.hrtime.bigint()
    ws.on("error", rej)
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data))
      if (frame.event === "connect.challenge") {
        const { nonce, ts } = frame.payload
        const payload = ["v3", device.deviceId, "cli", "cli", "operator", scopes.join(","), ts, TOKEN, nonce, "linux", ""].join("|")
        const signature = sign(null, Buffer.from(payload), device.privateKey).toString("base64url")
        ws.send(JSON.stringify({
          type: "req", id: "c", method: "connect",
          params: {
            minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "bench", platform: "linux", mode: "cli" },
            role: "operator", scopes, auth: { token: TOKEN },
            device: { id: device.deviceId, publicKey: device.publicKey, signature, signedAt: ts, nonce }
          }
        }))
      } else if (frame.type === "res" && frame.id === "c") {
        if (!frame.ok) return rej(new Error(JSON.stringify(frame.error)))
        res({ ws, ms: Number(process.hrtime.bigint() - started) / 1e6 })
      }
    })
  })

const healthLoop = (ws, until) =>
  new Promise((res) => {
    let n = 0
    let id = 0
    const pending = new Set()
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data))
      if (frame.type !== "res" || !pending.delete(frame.id)) return
      n += 1
      if (Date.now() < until) send()
      else if (pending.size === 0) res(n)
    })
    const send = () => {
      const key = String(++id)
      pending.add(key)
      ws.send(JSON.stringify({ type: "req", id: key, method: "health" }))
    }
    send()
  })

const main = async () => {
  const home = mkdtempSync(join(tmpdir(), "clawgate-bench-gw-"))
  mkdirSync(join(home, ".openclaw"), { recursive: true })
  const port = await freePort()
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } } }))
  const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home }
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [cli, "gateway", "run"], { env, stdio: ["ignore", "pipe", "pipe"] })
  const startMs = await new Promise((res, rej) => {
    child.stdout.on("data", (d) => {
      if (String(d).includes("Gateway listening")) res(Number(process.hrtime.bigint() - started) / 1e6)
    })
    child.stderr.on("data", (d) => process.stderr.write(d))
    child.on("exit", (code) => rej(new Error(`gateway exited ${code}`)))
  })
  const url = `ws://127.0.0.1:${port}`
  await new Promise((r) => setTimeout(r, 300))
  const idleRss = rssMiB(child.pid)

  // Sequential connects, one paired device (the first connect pairs it, the rest reuse it).
  const device = identity()
  const times = []
  for (let i = 0; i < connects; i++) {
    const { ws, ms } = await connect(url, device)
    times.push(ms)
    ws.close()
  }
  times.sort((a, b) => a - b)

  // Health throughput.
  const seconds = 3
  const one = await connect(url, device)
  const oneCount = await healthLoop(one.ws, Date.now() + seconds * 1000)
  one.ws.close()
  const many = await Promise.all(Array.from({ length: 100 }, () => connect(url, device)))
  const manyCounts = await Promise.all(many.map((c) => healthLoop(c.ws, Date.now() + seconds * 1000)))
  for (const c of many) c.ws.close()

  // Idle authenticated clients.
  const idle = []
  for (let i = 0; i < idleClients; i++) idle.push((await connect(url, device)).ws)
  await new Promise((r) => setTimeout(r, 1000))
  const idleClientsRss = rssMiB(child.pid)
  for (const ws of idle) ws.close()
  child.kill("SIGTERM")

  const rows = {
    startToListeningMs: Math.round(startMs),
    connectP50Ms: Number(pct(times, 0.5).toFixed(2)),
    connectP99Ms: Number(pct(times, 0.99).toFixed(2)),
    healthRps1Conn: Math.round(oneCount / seconds),
    healthRps100Conn: Math.round(manyCounts.reduce((a, b) => a + b, 0) / seconds),
    idleRssMiB: Number(idleRss.toFixed(1)),
    [`rssWith${idleClients}IdleClientsMiB`]: Number(idleClientsRss.toFixed(1))
  }
  console.log(`gateway bench: node ${process.version}, ${connects} sequential connects, ${idleClients} idle clients`)
  console.table(rows)
  console.log(JSON.stringify(rows))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
