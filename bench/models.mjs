// Model pipeline benchmark: what our call path (catalogue target -> fallback -> retry -> timeout ->
// provider client -> Effect HttpClient -> parse) adds per request over a raw node:http call to the same
// loopback Chat Completions server. Non-streamed: per call. Streamed: per SSE chunk batch (one network
// read of events). Both sides use keep-alive and parse what they read, so the difference is our work.
// Usage: npm run bench:models [-- calls=2000 chunks=64]
import { build } from "esbuild"
import * as http from "node:http"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"

const calls = Number(process.argv[2] ?? 2000)
const chunks = Number(process.argv[3] ?? 64)
const MODEL = "mlx-community/Qwen3-30B-A3B-6bit"

// The pipeline as a library: bundled from src like the CLI, so the numbers are the shipped code's.
const entry = `
export { Effect, Layer, ManagedRuntime, Stream } from "effect"
export { buildCatalogue, findTarget } from "./src/domain/models/catalogue.js"
export { ModelClientLive } from "./src/layers/models/ModelClientLive.js"
export { ModelClientStackLive, ModelHttpLive } from "./src/layers/models/ModelsLive.js"
export { ModelHealthLive } from "./src/layers/models/ModelHealthLive.js"
export { ModelClient } from "./src/services/ModelClient.js"
export { ModelPolicy } from "./src/services/ModelPolicy.js"
export { HostFrom } from "./src/layers/HostLive.js"
export { PathsLive } from "./src/layers/PathsLive.js"
`
const outfile = resolve("dist/bench/models-lib.mjs")
await build({
  stdin: { contents: entry, resolveDir: resolve("."), loader: "ts", sourcefile: "bench-models-entry.ts" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  outfile,
  external: ["bufferutil", "utf-8-validate"],
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  logLevel: "warning"
})
const lib = await import(pathToFileURL(outfile).href)
const { Effect, Layer, ManagedRuntime, Stream } = lib

// --- the fake: fixed answers, one SSE event per write so every chunk is its own batch ---------------
const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1,
  model: MODEL,
  choices: [{ index: 0, message: { role: "assistant", content: "pong" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 11, completion_tokens: 1, total_tokens: 12 }
})
const sseChunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const server = http.createServer((req, res) => {
  const body = []
  req.on("data", (c) => body.push(c))
  req.on("end", async () => {
    const request = JSON.parse(Buffer.concat(body).toString("utf8"))
    if (request.stream !== true) {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(completion) })
      return res.end(completion)
    }
    res.writeHead(200, { "content-type": "text/event-stream" })
    res.write(sseChunk({ role: "assistant", content: "" }, null))
    for (let i = 0; i < chunks; i++) {
      // Yield to the event loop between writes so each lands in its own TCP segment.
      await new Promise((r) => setImmediate(r))
      res.write(sseChunk({ content: `tok${i} ` }, null))
    }
    await new Promise((r) => setImmediate(r))
    res.end(`${sseChunk({}, "stop")}data: [DONE]\n\n`)
  })
})
server.keepAliveTimeout = 60_000
await new Promise((r) => server.listen(0, "127.0.0.1", r))
const baseUrl = `http://127.0.0.1:${server.address().port}/v1`

// --- raw baseline: node:http with keep-alive, JSON.parse the body / each SSE data line -------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const rawBody = (stream) => JSON.stringify({ model: MODEL, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], stream, max_tokens: 8192 })
const raw = (stream) =>
  new Promise((resolveRaw, reject) => {
    const req = http.request(`${baseUrl}/chat/completions`, { method: "POST", agent, headers: { "content-type": "application/json", authorization: "Bearer lmstudio" } }, (res) => {
      let text = ""
      let batches = 0
      let events = 0
      let pending = ""
      res.setEncoding("utf8")
      res.on("data", (d) => {
        batches++
        if (!stream) return void (text += d)
        pending += d
        let at
        while ((at = pending.indexOf("\n\n")) >= 0) {
          const event = pending.slice(0, at)
          pending = pending.slice(at + 2)
          const data = event.slice(6)
          if (data !== "[DONE]") {
            const parsed = JSON.parse(data)
            text += parsed.choices[0]?.delta?.content ?? ""
            events++
          }
        }
      })
      res.on("end", () => resolveRaw({ text: stream ? text : JSON.parse(text).choices[0].message.content, batches, events }))
    })
    req.on("error", reject)
    req.end(rawBody(stream))
  })

// --- our pipeline ----------------------------------------------------------------------------------
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-bench-models-"))
const config = { models: { providers: { mlx: { baseUrl, api: "openai-completions", apiKey: "lmstudio", models: [{ id: MODEL }] } } } }
const target = lib.findTarget(lib.buildCatalogue(config, {}), "mlx", MODEL)
const policy = Layer.succeed(lib.ModelPolicy, {
  retry: { maxRetries: 1, baseDelay: "500 millis", maxDelay: "8 seconds", retryAfterCap: "60 seconds" },
  timeout: "180 seconds",
  cooldown: { stepsMs: [30_000, 60_000, 300_000], failureWindowMs: 3_600_000, billingDisableMs: 18_000_000, authPermanentDisableMs: 3_600_000 }
})
const host = lib.HostFrom({ env: { OPENCLAW_STATE_DIR: stateDir }, osHome: stateDir, cwd: stateDir })
const health = lib.ModelHealthLive.pipe(Layer.provide(Layer.mergeAll(lib.PathsLive().pipe(Layer.provide(host)), policy)))
const full = ManagedRuntime.make(lib.ModelClientStackLive.pipe(Layer.provide(Layer.mergeAll(health, lib.ModelHttpLive, policy))))
const bare = ManagedRuntime.make(lib.ModelClientLive.pipe(Layer.provide(lib.ModelHttpLive)))
const input = { messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }
const request = { target, fallbacks: [], input }
const completeWith = (runtime) => () => runtime.runPromise(Effect.flatMap(lib.ModelClient, (c) => c.complete(request)))
const streamWith = (runtime) => () =>
  runtime.runPromise(Effect.flatMap(lib.ModelClient, (c) => Stream.runFold(c.stream(request), 0, (n, e) => (e._tag === "TextDelta" ? n + 1 : n))))

// --- measurement -----------------------------------------------------------------------------------
const now = () => Number(process.hrtime.bigint()) / 1e6
const time = async (fn, n) => {
  const samples = []
  for (let i = 0; i < n; i++) {
    const t = now()
    await fn()
    samples.push(now() - t)
  }
  return samples.sort((a, b) => a - b)
}
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
const mean = (s) => s.reduce((a, b) => a + b, 0) / s.length
const fmt = (ms) => `${ms.toFixed(3)} ms`

// Sanity: both paths see the same answer.
const check = await completeWith(full)()
if (check.output.content[0]?.text !== "pong") throw new Error(`pipeline answered ${JSON.stringify(check.output)}`)
const rawCheck = await raw(true)

// Warm up JIT and sockets.
for (let i = 0; i < 300; i++) {
  await raw(false)
  await completeWith(full)()
  await completeWith(bare)()
}

// Interleaved rounds so drift (GC, CPU frequency) hits every variant alike.
const rounds = 5
const per = Math.max(1, Math.floor(calls / rounds))
const results = { raw: [], full: [], bare: [] }
for (let r = 0; r < rounds; r++) {
  results.raw.push(...(await time(() => raw(false), per)))
  results.full.push(...(await time(completeWith(full), per)))
  results.bare.push(...(await time(completeWith(bare), per)))
}
for (const key of Object.keys(results)) results[key].sort((a, b) => a - b)

const streamCalls = Math.max(20, Math.floor(calls / 10))
for (let i = 0; i < 30; i++) {
  await raw(true)
  await streamWith(full)()
}
const sResults = { raw: [], full: [] }
for (let r = 0; r < rounds; r++) {
  sResults.raw.push(...(await time(() => raw(true), Math.ceil(streamCalls / rounds))))
  sResults.full.push(...(await time(streamWith(full), Math.ceil(streamCalls / rounds))))
}
for (const key of Object.keys(sResults)) sResults[key].sort((a, b) => a - b)

console.log(`Model pipeline overhead (node ${process.version}, ${calls} non-streamed calls, ${streamCalls} streams of ${chunks} chunks)`)
console.log("")
console.log(`${"Non-streamed Chat Completions call".padEnd(46)}       p50        mean         p99`)
const row = (label, s) => console.log(`  ${label.padEnd(44)} ${fmt(pct(s, 0.5)).padStart(10)}  ${fmt(mean(s)).padStart(10)}  ${fmt(pct(s, 0.99)).padStart(10)}`)
row("raw node:http + JSON.parse", results.raw)
row("provider client only (ModelClientLive)", results.bare)
row("full stack (fallback/retry/timeout/health)", results.full)
const overheadFull = pct(results.full, 0.5) - pct(results.raw, 0.5)
const overheadBare = pct(results.bare, 0.5) - pct(results.raw, 0.5)
console.log(`  overhead per call, p50: client ${fmt(overheadBare)}, full stack ${fmt(overheadFull)}; mean: full stack ${fmt(mean(results.full) - mean(results.raw))}  (target < 2 ms: ${overheadFull < 2 ? "met" : "MISSED"})`)
console.log("")
const batches = rawCheck.batches
console.log(`${`Streamed call (${rawCheck.events} SSE events in ${batches} network reads)`.padEnd(46)}       p50        mean         p99`)
row("raw node:http + SSE split + JSON.parse", sResults.raw)
row("full stack stream", sResults.full)
const streamOverhead = pct(sResults.full, 0.5) - pct(sResults.raw, 0.5)
const perBatch = streamOverhead / batches
console.log(`  overhead per stream, p50: ${fmt(streamOverhead)}; per chunk batch: p50 ${fmt(perBatch)}, mean ${fmt((mean(sResults.full) - mean(sResults.raw)) / batches)}  (target < 1 ms: ${perBatch < 1 ? "met" : "MISSED"})`)

await full.dispose()
await bare.dispose()
agent.destroy()
server.close()
rmSync(stateDir, { recursive: true, force: true })
