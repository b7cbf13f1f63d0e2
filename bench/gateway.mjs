// Gateway benchmark under load, each figure beside the same scenario run against the floor server (a bare
// `ws` server answering the same frames with no auth, schema or logging) in the same run, with its ratio.
// Every connection signs a v3 device connect, as real clients do.
// Usage: npm run bundle && node bench/gateway.mjs [--floor PATH] [--seconds 3] [--warmup-seconds 1] [--soak-seconds 60] [--soak-warmup-seconds 20]
//          [--soak-clients 200] [--soak-interval-ms 200] [--soak-methods health,status,...] [--idle-clients 1000] [--idle-settle-seconds 60] [--only a,b,...] [--cli dist/openclaw.mjs]
// GATEWAY_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the gateway's node.
// Scenarios: start, inflight, flood, connects, idle (on a fresh gateway and floor), soak. The floor defaults to ../shared/tools/ws-floor/server.mjs
// (from the current directory); when it is missing, the floor columns are left empty.
import { spawn } from "node:child_process"
import { createHash, generateKeyPairSync, sign } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { get as httpGet } from "node:http"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import WebSocket from "ws"

const { values: args } = parseArgs({
  options: {
    floor: { type: "string", default: "../shared/tools/ws-floor/server.mjs" },
    seconds: { type: "string", default: "3" },
    "warmup-seconds": { type: "string", default: "1" },
    "soak-seconds": { type: "string", default: "60" },
    "soak-warmup-seconds": { type: "string", default: "20" },
    "soak-clients": { type: "string", default: "200" },
    "soak-interval-ms": { type: "string", default: "200" },
    "idle-clients": { type: "string", default: "1000" },
    "idle-settle-seconds": { type: "string", default: "60" },
    "soak-methods": { type: "string", default: "health,status,logs.tail,sessions.list,device.pair.list" },
    only: { type: "string", default: "start,inflight,flood,connects,idle,soak" },
    cli: { type: "string", default: "dist/openclaw.mjs" }
  }
})
const seconds = Number(args.seconds)
const warmupSeconds = Number(args["warmup-seconds"])
const soakSeconds = Number(args["soak-seconds"])
const soakWarmupSeconds = Number(args["soak-warmup-seconds"])
const soakClients = Number(args["soak-clients"])
const soakIntervalMs = Number(args["soak-interval-ms"])
const idleClients = Number(args["idle-clients"])
const idleSettleSeconds = Number(args["idle-settle-seconds"])
const only = new Set(args.only.split(","))
const floorScript = resolve(args.floor)
const TOKEN = "bench-token-0123456789abcdef"
const cli = resolve(args.cli)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const freePort = () =>
  new Promise((res) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024
/** CPU seconds (user + system) the process has used: a per-request cost that a busy machine does not distort. */
const cpuSeconds = (pid) => ticksOf(`/proc/${pid}/stat`)
/** The same for its main thread alone: the event loop, which serves every socket (GC and thread-pool work left out). */
const mainThreadCpuSeconds = (pid) => ticksOf(`/proc/${pid}/task/${pid}/stat`)
const ticksOf = (statFile) => {
  const fields = readFileSync(statFile, "utf8").replace(/^.*\) /, "").split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}
const round = (n, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null)

const identity = () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519")
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12)
  return { privateKey, publicKey: raw.toString("base64url"), deviceId: createHash("sha256").update(raw).digest("hex") }
}
const device = identity()
const SCOPES = ["operator.read", "operator.write", "operator.admin"]

// Both servers write a reply's envelope first: `{"type":"res","id":"<id>","ok":true,...`.
const OK_HEAD = /^\{"type":"res","id":"([^"\\]*)","ok":true[,}]/
/**
 * A frame as the client needs it. A successful reply is read from its head and its payload left unparsed: the
 * load generator must not be what limits the figure, and parsing the gateway's 1 KB health snapshot per reply
 * (against the floor's 94-byte answer) cost this client 22 us a request against 14, which made it the busier
 * process and the ratio a measure of payload size. Everything else (challenge, hello, errors, events) is parsed.
 */
const envelopeOf = (data) => {
  // Only the head is decoded (`ws` hands a text message over as one Buffer): the payload is neither parsed nor turned into a string.
  const head = OK_HEAD.exec(data.toString("utf8", 0, 128))
  return head === null ? JSON.parse(String(data)) : { type: "res", id: head[1], ok: true }
}

/** One client: challenge, signed connect, then requests by id. Resolves with the socket once hello-ok arrives. */
const connect = (url) =>
  new Promise((res, rej) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    const started = performance.now()
    const pending = new Map()
    ws.once("error", rej)
    ws.once("close", (code) => {
      rej(new Error(`closed ${code} before hello`))
      for (const done of pending.values()) done(new Error(`closed ${code}`))
      pending.clear()
    })
    let nextId = 0
    const client = {
      ws,
      handshakeMs: 0,
      call: (method, params = {}) =>
        new Promise((done) => {
          const id = String(++nextId)
          const sent = performance.now()
          pending.set(id, (frame) => done({ ok: frame instanceof Error ? false : frame.ok === true, ms: performance.now() - sent }))
          ws.send(JSON.stringify({ type: "req", id, method, params }))
        })
    }
    ws.on("message", (data) => {
      const frame = envelopeOf(data)
      if (frame.type === "event") {
        if (frame.event !== "connect.challenge") return
        const { nonce, ts } = frame.payload
        const payload = ["v3", device.deviceId, "cli", "cli", "operator", SCOPES.join(","), ts, TOKEN, nonce, "linux", ""].join("|")
        const signature = sign(null, Buffer.from(payload), device.privateKey).toString("base64url")
        ws.send(JSON.stringify({
          type: "req", id: "c", method: "connect",
          params: {
            minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "bench", platform: "linux", mode: "cli" },
            role: "operator", scopes: SCOPES, auth: { token: TOKEN },
            device: { id: device.deviceId, publicKey: device.publicKey, signature, signedAt: ts, nonce }
          }
        }))
      } else if (frame.type === "res" && frame.id === "c") {
        if (!frame.ok) return rej(new Error(JSON.stringify(frame.error)))
        client.handshakeMs = performance.now() - started
        res(client)
      } else if (frame.type === "res") {
        const done = pending.get(frame.id)
        pending.delete(frame.id)
        done?.(frame)
      }
    })
  })

const closeAll = async (clients) => {
  await Promise.all(clients.map((c) => new Promise((r) => {
    if (c.ws.readyState === WebSocket.CLOSED) return r()
    c.ws.once("close", r)
    c.ws.close()
  })))
}

/**
 * `inFlight` health requests kept in flight on each connection for `seconds`: requests per second, counted
 * after `warmupSeconds` of the same load (throughput is a steady state: a server's JIT warming up is part of its
 * start, measured in the start scenario; the pipeline drains once between the two). Errors count from the first request.
 */
const inflight = async (url, pid, connections, inFlight) => {
  const clients = await Promise.all(Array.from({ length: connections }, () => connect(url)))
  let errors = 0
  /** The lanes until `until`; `answered` counts each successful reply. */
  const load = (until, answered) =>
    Promise.all(clients.flatMap((c) => Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        const r = await c.call("health")
        if (r.ok) answered()
        else errors += 1
      }
    })))
  await load(performance.now() + warmupSeconds * 1000, () => undefined)
  let count = 0
  const started = performance.now()
  const cpuBefore = cpuSeconds(pid)
  const clientCpuBefore = process.cpuUsage()
  await load(started + seconds * 1000, () => {
    count += 1
  })
  const elapsed = (performance.now() - started) / 1000
  const cpu = cpuSeconds(pid) - cpuBefore
  const clientCpu = process.cpuUsage(clientCpuBefore)
  await closeAll(clients)
  return { rps: count / elapsed, cpuUsPerRequest: (cpu / count) * 1e6, clientCpuUsPerRequest: (clientCpu.user + clientCpu.system) / count, errors }
}

/**
 * Connection attempts this machine's kernel dropped because a listen queue was full (TcpExt ListenOverflows,
 * every socket on the machine): each one is a SYN the client sends again a second later, so a handshake's
 * time then says more about the server's `listen` backlog than about its work. Undefined off Linux.
 */
const listenOverflows = () => {
  try {
    const [names, values] = readFileSync("/proc/net/netstat", "utf8").split("\n").filter((line) => line.startsWith("TcpExt:"))
    const at = names.split(/\s+/).indexOf("ListenOverflows")
    return at < 0 ? undefined : Number(values.split(/\s+/)[at])
  } catch {
    return undefined
  }
}

/**
 * Waits until the server has been idle for a moment (under 5 % of a core over 250 ms, 5 s at most): what it
 * still does after a scenario (closing 1,000 sockets) must not be counted against the next server measured.
 */
const quiet = async (pid) => {
  const until = performance.now() + 5000
  while (performance.now() < until) {
    const before = cpuSeconds(pid)
    await sleep(250)
    if (cpuSeconds(pid) - before < 0.0125) return
  }
}

/** `n` clients connecting at once: handshake p50/p99, how many were accepted, how many SYNs the kernel dropped and the server CPU per connect. */
const concurrentConnects = async (url, pid, n) => {
  const overflowsBefore = listenOverflows()
  const cpuBefore = cpuSeconds(pid)
  const loopBefore = mainThreadCpuSeconds(pid)
  const results = await Promise.allSettled(Array.from({ length: n }, () => connect(url)))
  // Read once every client has its hello (or failed), before any closes: what n handshakes cost the server.
  const cpuUsPerConnect = ((cpuSeconds(pid) - cpuBefore) / n) * 1e6
  const loopUsPerConnect = ((mainThreadCpuSeconds(pid) - loopBefore) / n) * 1e6
  const overflows = overflowsBefore === undefined ? undefined : listenOverflows() - overflowsBefore
  const ok = results.filter((r) => r.status === "fulfilled").map((r) => r.value)
  const refused = results.filter((r) => r.status === "rejected").map((r) => String(r.reason?.message ?? r.reason))
  if (refused.length > 0) console.error(`${url}: ${refused.length} of ${n} connects failed, e.g. ${[...new Set(refused)].slice(0, 3).join("; ")}`)
  const times = ok.map((c) => c.handshakeMs)
  await closeAll(ok)
  return { accepted: ok.length, p50: pct(times, 0.5), p99: pct(times, 0.99), overflows, cpuUsPerConnect, loopUsPerConnect }
}

/**
 * RSS once the process has been left alone: V8 gives back the heap a burst grew only when its memory reducer
 * runs, some tens of seconds into a quiet spell. Sampled each second until it fell 10 % below `from`, or for
 * `idleSettleSeconds` at most; returns the last sample and how long it took.
 */
const settledRss = async (pid, from) => {
  const started = performance.now()
  let rss = rssMiB(pid)
  while (rss > from * 0.9 && performance.now() - started < idleSettleSeconds * 1000) {
    await sleep(1000)
    rss = rssMiB(pid)
  }
  return { rss, seconds: (performance.now() - started) / 1000 }
}

/** `n` idle authenticated clients: RSS with them connected and after they left, right away and settled. */
const idle = async (url, pid, n) => {
  const before = rssMiB(pid)
  const clients = []
  // In waves of 100, so the figure is memory held, not a handshake storm.
  for (let i = 0; i < n; i += 100) clients.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => connect(url)))))
  await sleep(1500)
  const withClients = rssMiB(pid)
  const settled = await settledRss(pid, withClients)
  // The clients were idle all along: the socket of one that was closed meanwhile would show here.
  const stillOpen = clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length
  await closeAll(clients)
  await sleep(3000)
  const after = rssMiB(pid)
  const afterSettled = await settledRss(pid, after)
  return { before, withClients, settled, stillOpen, after, afterSettled }
}

/** GET /healthz: its latency in ms, or undefined when the server has no such endpoint. */
const healthz = (url) =>
  new Promise((res) => {
    const started = performance.now()
    const req = httpGet(url.replace("ws://", "http://") + "/healthz", (r) => {
      r.resume()
      r.on("end", () => res(r.statusCode === 200 ? performance.now() - started : undefined))
    })
    req.on("error", () => res(undefined))
  })

/** One socket sends 20,000 health frames back to back; meanwhile /healthz and a second client's `health` are timed. */
const flood = async (url) => {
  const [flooder, other] = await Promise.all([connect(url), connect(url)])
  let answered = 0
  const done = new Promise((res) => {
    flooder.ws.on("message", (data) => {
      if (JSON.parse(String(data)).type === "res" && ++answered === 20_000) res()
    })
  })
  const started = performance.now()
  for (let i = 0; i < 20_000; i++) flooder.ws.send(JSON.stringify({ type: "req", id: `f${i}`, method: "health", params: {} }))
  const healthzMs = []
  const callMs = []
  let finished = false
  done.then(() => { finished = true })
  while (!finished) {
    const h = await healthz(url)
    if (h !== undefined) healthzMs.push(h)
    callMs.push((await other.call("health")).ms)
    await sleep(10)
  }
  const floodSeconds = (performance.now() - started) / 1000
  await closeAll([flooder, other])
  return { floodSeconds, healthzP99: healthzMs.length === 0 ? undefined : pct(healthzMs, 0.99), callP99: pct(callMs, 0.99) }
}

const SOAK_PARAMS = { "logs.tail": { limit: 20 } }
const SOAK_CALLS = args["soak-methods"].split(",").map((method) => [method, SOAK_PARAMS[method] ?? {}])

/** `soakClients` clients each sending one mixed read RPC every `soakIntervalMs`: errors, p99, RSS slope. */
const soak = async (url, pid) => {
  const clients = []
  for (let i = 0; i < soakClients; i += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, soakClients - i) }, () => connect(url)))))
  let errors = 0
  let closed = 0
  let soaking = true
  for (const c of clients) c.ws.on("close", () => { if (soaking) closed += 1 })
  const latencies = []
  const rss = []
  // The same load first runs for a warm-up, untimed for the slope: V8 sizes its heap to the allocation rate in
  // the first seconds (a step of tens of MiB), which is not growth. Errors and latencies count from the start.
  const started = performance.now()
  const measuredFrom = started + soakWarmupSeconds * 1000
  const until = measuredFrom + soakSeconds * 1000
  const sampler = setInterval(() => {
    const now = performance.now()
    if (now >= measuredFrom) rss.push([(now - measuredFrom) / 60_000, rssMiB(pid)])
  }, 1000)
  const lane = async (c, k) => {
    await sleep(Math.random() * soakIntervalMs)
    while (performance.now() < until && c.ws.readyState === WebSocket.OPEN) {
      const [method, params] = SOAK_CALLS[k++ % SOAK_CALLS.length]
      const r = await c.call(method, params)
      latencies.push(r.ms)
      if (!r.ok) errors += 1
      await sleep(Math.max(0, soakIntervalMs - r.ms))
    }
  }
  await Promise.all(clients.map((c, i) => lane(c, i)))
  clearInterval(sampler)
  soaking = false
  await closeAll(clients)
  // RSS saws up and down by tens of MiB between collections, so beside the slope of every sample the slope
  // of each 10 s window's lowest sample (what is left after the collections in it) is printed: growth that
  // survives collection, which is what a leak looks like.
  const troughs = []
  for (let from = 0; from < rss.length; from += 10) {
    const window = rss.slice(from, from + 10)
    if (window.length === 10) troughs.push(window.reduce((low, p) => (p[1] < low[1] ? p : low)))
  }
  const values = rss.map((p) => p[1])
  return {
    requests: latencies.length,
    errors: errors + closed,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    slope: leastSquaresSlope(rss),
    troughSlope: troughs.length >= 3 ? leastSquaresSlope(troughs) : undefined,
    swing: Math.max(...values) - Math.min(...values),
    rssStart: rss[0]?.[1],
    rssEnd: rss.at(-1)?.[1]
  }
}

/** Least-squares slope of [x, y] points. */
const leastSquaresSlope = (points) => {
  const mx = points.reduce((a, p) => a + p[0], 0) / points.length
  const my = points.reduce((a, p) => a + p[1], 0) / points.length
  return points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / points.reduce((a, p) => a + (p[0] - mx) ** 2, 0)
}

const startGateway = async () => {
  const home = mkdtempSync(join(tmpdir(), "clawgate-bench-gw-"))
  mkdirSync(join(home, ".openclaw"), { recursive: true })
  const port = await freePort()
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({
    gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } },
    logging: { file: join(home, "gateway.log") }
  }))
  const env = { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home }
  const started = performance.now()
  const child = spawn(process.execPath, [...(process.env.GATEWAY_NODE_OPTIONS ?? "").split(" ").filter(Boolean), cli, "gateway", "run"], { env, stdio: ["ignore", "pipe", "pipe"] })
  const startMs = await new Promise((res, rej) => {
    child.stdout.on("data", (d) => {
      if (String(d).includes("Gateway listening")) res(performance.now() - started)
    })
    child.stderr.on("data", (d) => process.stderr.write(d))
    child.once("exit", (code) => rej(new Error(`gateway exited ${code}`)))
  })
  return { name: "gateway", url: `ws://127.0.0.1:${port}`, child, startMs, cleanup: () => rmSync(home, { recursive: true, force: true }) }
}

const startFloor = async () => {
  if (!existsSync(floorScript)) {
    console.error(`floor server not found at ${floorScript}: floor columns are left empty (--floor PATH)`)
    return undefined
  }
  const port = await freePort()
  const started = performance.now()
  // Its `ws` is resolved from the current directory's node_modules.
  const child = spawn(process.execPath, [floorScript, String(port)], { stdio: ["ignore", "pipe", "inherit"] })
  const startMs = await new Promise((res, rej) => {
    child.stdout.on("data", (d) => {
      if (String(d).includes("floor server on")) res(performance.now() - started)
    })
    child.once("exit", (code) => rej(new Error(`floor server exited ${code}`)))
  })
  return { name: "floor", url: `ws://127.0.0.1:${port}`, child, startMs, cleanup: () => undefined }
}

const rows = []
/** One figure for both servers; `higher` says which way is better (for the ratio's reading only). */
const record = (scenario, measure, gateway, floor, target = "") =>
  rows.push({ scenario, measure, gateway: round(gateway), floor: floor === undefined ? null : round(floor), ratio: floor === undefined || !floor || gateway === undefined ? null : round(gateway / floor, 2), target })

const main = async () => {
  if (!existsSync(cli)) throw new Error("dist/openclaw.mjs is missing: run `npm run bundle` first")
  const gw = await startGateway()
  const floor = await startFloor()
  const servers = [gw, floor].filter(Boolean)
  await sleep(500)
  const both = async (run) => {
    const g = await run(gw)
    await quiet(gw.child.pid)
    const f = floor === undefined ? undefined : await run(floor)
    if (floor !== undefined) await quiet(floor.child.pid)
    return [g, f]
  }
  try {
    // The first connect pairs the device (local auto-approval); every later one reuses the pairing.
    await closeAll([await connect(gw.url)])
    if (only.has("start")) {
      record("start", "start-to-listening ms", gw.startMs, floor?.startMs)
      const [g, f] = await both((s) => rssMiB(s.child.pid))
      record("start", "idle RSS MiB", g, f)
    }
    if (only.has("inflight")) {
      for (const [connections, k] of [[1, 32], [30, 32], [100, 8]]) {
        const [g, f] = await both((s) => inflight(s.url, s.child.pid, connections, k))
        record(`health ${connections}x${k} in flight`, `req/s (after ${warmupSeconds} s warm-up)`, g.rps, f?.rps, ">= 0.60 x floor")
        record(`health ${connections}x${k} in flight`, "server CPU us/request", g.cpuUsPerRequest, f?.cpuUsPerRequest)
        // One client process drives both servers: were it the busier side, the ratio would be its own cost.
        record(`health ${connections}x${k} in flight`, "client CPU us/request", g.clientCpuUsPerRequest, f?.clientCpuUsPerRequest)
        if (g.errors > 0) record(`health ${connections}x${k} in flight`, "errors", g.errors, f?.errors, "0")
      }
    }
    if (only.has("flood")) {
      const [g, f] = await both((s) => flood(s.url))
      record("20,000 health frames from one socket", "flood seconds", g.floodSeconds, f?.floodSeconds)
      record("20,000 health frames from one socket", "/healthz p99 ms meanwhile", g.healthzP99, f?.healthzP99, "<= 100 ms")
      record("20,000 health frames from one socket", "2nd client health p99 ms meanwhile", g.callP99, f?.callP99, "<= 100 ms")
    }
    if (only.has("connects")) {
      for (const n of [30, 1000]) {
        const [g, f] = await both((s) => concurrentConnects(s.url, s.child.pid, n))
        record(`${n} connecting at once`, "accepted", g.accepted, f?.accepted, `${n}`)
        record(`${n} connecting at once`, "handshake p50 ms", g.p50, f?.p50, n === 30 ? "<= floor + 30 ms" : "")
        record(`${n} connecting at once`, "handshake p99 ms", g.p99, f?.p99, n === 1000 ? "<= 1000 ms" : "")
        record(`${n} connecting at once`, "SYNs dropped, listen queue full (each waits 1 s)", g.overflows, f?.overflows)
        // In 10 ms ticks (/proc): coarse for 30 connects, within a few per cent for 1,000.
        record(`${n} connecting at once`, "server CPU us/connect", g.cpuUsPerConnect, f?.cpuUsPerConnect)
        record(`${n} connecting at once`, "server main thread CPU us/connect", g.loopUsPerConnect, f?.loopUsPerConnect)
      }
    }
    if (only.has("idle")) {
      // On fresh servers: the figure is what 1,000 idle clients cost, not what the load scenarios before left in the heap.
      const fresh = [await startGateway(), floor === undefined ? undefined : await startFloor()]
      servers.push(...fresh.filter(Boolean))
      await sleep(500)
      await closeAll([await connect(fresh[0].url)])
      const g = await idle(fresh[0].url, fresh[0].child.pid, idleClients)
      await sleep(300)
      const f = fresh[1] === undefined ? undefined : await idle(fresh[1].url, fresh[1].child.pid, idleClients)
      for (const s of fresh.filter(Boolean)) s.child.kill("SIGTERM")
      fresh[0].cleanup()
      record(`${idleClients} idle clients`, "RSS before MiB", g.before, f?.before)
      record(`${idleClients} idle clients`, "RSS with them, 1.5 s after the last connect MiB", g.withClients, f?.withClients)
      record(`${idleClients} idle clients`, "RSS with them, settled MiB", g.settled.rss, f?.settled.rss, "<= 150 MiB")
      record(`${idleClients} idle clients`, "seconds until settled", g.settled.seconds, f?.settled.seconds, `<= ${idleSettleSeconds}`)
      record(`${idleClients} idle clients`, "clients still connected when settled", g.stillOpen, f?.stillOpen, `${idleClients}`)
      record(`${idleClients} idle clients`, "RSS 3 s after they left MiB", g.after, f?.after)
      record(`${idleClients} idle clients`, "RSS after they left, settled MiB", g.afterSettled.rss, f?.afterSettled.rss, "<= 1.2 x before")
    }
    if (only.has("soak")) {
      const [g, f] = await both((s) => soak(s.url, s.child.pid))
      const name = `soak ${soakSeconds}s (after ${soakWarmupSeconds}s warm-up) ${soakClients} clients / ${soakIntervalMs}ms`
      record(name, "requests", g.requests, f?.requests)
      record(name, "errors", g.errors, f?.errors, "0")
      record(name, "p50 ms", g.p50, f?.p50)
      record(name, "p99 ms", g.p99, f?.p99, "<= 50 ms")
      record(name, "RSS slope MiB/min", g.slope, f?.slope, "< 1")
      record(name, "RSS slope of 10 s troughs MiB/min", g.troughSlope, f?.troughSlope)
      record(name, "RSS swing (max - min) MiB", g.swing, f?.swing)
      record(name, "RSS when measuring began MiB", g.rssStart, f?.rssStart)
      record(name, "RSS when it ended MiB", g.rssEnd, f?.rssEnd)
    }
  } finally {
    for (const s of servers) s.child.kill("SIGTERM")
    await sleep(300)
    gw.cleanup()
  }
  console.log(`gateway bench: node ${process.version}, floor ${floor === undefined ? "absent" : floorScript}`)
  console.table(rows)
  console.log(JSON.stringify(rows))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
