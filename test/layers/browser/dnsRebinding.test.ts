import * as http from "node:http"
import * as net from "node:net"
import os from "node:os"
import { Effect, Either, ManagedRuntime } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { isPrivateHost } from "../../../src/domain/browser/ssrf.js"
import type { OpenClawConfig } from "../../../src/domain/config/ConfigSchema.js"
import type { ResolveHost } from "../../../src/layers/browser/pinnedResolver.js"
import { BrowserControl, type BrowserRequest } from "../../../src/services/BrowserControl.js"
import { browserControlLayer, freePort, managedConfig, tempStateDir } from "../../support/browserHarness.js"

type Runtime = ManagedRuntime.ManagedRuntime<BrowserControl, never>
const call = (runtime: Runtime, request: BrowserRequest) => runtime.runPromise(Effect.flatMap(BrowserControl, (b) => b.request(request))) as Promise<any>
const failure = (runtime: Runtime, request: BrowserRequest) =>
  runtime.runPromise(Effect.either(Effect.flatMap(BrowserControl, (b) => b.request(request)))).then((e) => {
    if (Either.isRight(e)) throw new Error(`expected a failure, got ${JSON.stringify(e.right).slice(0, 200)}`)
    return e.left
  })

/** An HTTP server on `host` that counts its requests and answers `body`. */
const countingServer = async (host: string, port: number, body: string) => {
  const counter = { hits: 0, close: async () => {} }
  const server = http.createServer((_req, res) => {
    counter.hits += 1
    res.setHeader("content-type", "text/html")
    res.end(body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => resolve())
  })
  counter.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return counter
}

/**
 * A resolver an attacker's DNS could be: the first answer for a name is `first` (public), every later
 * one is 127.0.0.1 (private). `asked` counts the lookups per name.
 */
const rebindingResolver = (first: string) => {
  const asked = new Map<string, number>()
  const resolve: ResolveHost = async (hostname) => {
    const n = (asked.get(hostname) ?? 0) + 1
    asked.set(hostname, n)
    return n === 1 ? [first] : ["127.0.0.1"]
  }
  return { resolve, asked }
}

/** A non-private address of this machine, to play a public server on (none on some hosts). */
const publicInterfaceAddress = () =>
  Object.values(os.networkInterfaces()).flat().find((a) => a !== undefined && a.family === "IPv4" && !a.internal && !isPrivateHost(a.address))?.address

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
const runtimeFor = (config: OpenClawConfig, resolve: ResolveHost) => {
  const state = tempStateDir()
  const runtime = ManagedRuntime.make(browserControlLayer(config, state.dir, {}, resolve))
  cleanups.push(() => state.remove(), () => runtime.dispose())
  return runtime
}

describe("DNS rebinding: Chromium connects only to the address the SSRF policy checked", () => {
  it("a name that answers public first and private next never reaches the private server, even when Chromium's own lookup says private", async () => {
    const port = await freePort()
    const secret = await countingServer("127.0.0.1", port, "<title>secret</title>secret")
    cleanups.push(() => secret.close())
    const publicAddress = publicInterfaceAddress()
    const pub = publicAddress === undefined ? undefined : await countingServer(publicAddress, port, "<title>public</title><h1>public page</h1>")
    if (pub !== undefined) cleanups.push(() => pub.close())
    const dns = rebindingResolver(publicAddress ?? "203.0.113.7")
    // Chromium's own resolver is told the name is 127.0.0.1: what it would find if it looked the name up itself.
    const runtime = runtimeFor(managedConfig(await freePort(), { extraArgs: ["--host-resolver-rules=MAP rebind.test 127.0.0.1"] }), dns.resolve)

    const target = `http://rebind.test:${port}/`
    if (pub !== undefined) {
      const nav = await call(runtime, { method: "POST", path: "/navigate", body: { url: target } })
      expect(secret.hits).toBe(0)
      expect(nav).toMatchObject({ ok: true, url: target, title: "public" })
      expect(pub.hits).toBeGreaterThanOrEqual(1)
      // One lookup, pinned: the guard's check and the proxy's connection used the same answer.
      expect(dns.asked.get("rebind.test")).toBe(1)
      // A reload within the pin still goes to the checked address.
      await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => location.reload()" } })
      await call(runtime, { method: "POST", path: "/act", body: { kind: "wait", text: "public page" } })
    } else {
      // No public address to serve from here: the pinned public answer is unreachable; what matters is where Chromium did not go.
      await call(runtime, { method: "POST", path: "/navigate", body: { url: target, timeoutMs: 3000 } }).catch(() => undefined)
    }
    expect(secret.hits).toBe(0)
  }, 60_000)

  it("scripts and subresources of an allowed page cannot reach a refused host over http or https (CONNECT), and allowed ones still load", async () => {
    // The refused target: a bare TCP server that counts every connection (http or a TLS handshake).
    const refused = { connections: 0 }
    const refusedServer = net.createServer((socket) => {
      refused.connections += 1
      socket.destroy()
    })
    await new Promise<void>((resolve) => refusedServer.listen(0, "127.0.0.1", () => resolve()))
    cleanups.push(() => new Promise<void>((resolve) => refusedServer.close(() => resolve())))
    const refusedPort = (refusedServer.address() as net.AddressInfo).port
    const allowedPort = await freePort()
    const allowed = await countingServer("127.0.0.1", allowedPort, "ok")
    cleanups.push(() => allowed.close())
    const pagePort = await freePort()
    const page = await countingServer("127.0.0.1", pagePort, `<title>page</title><script>
      window.done = Promise.allSettled([
        fetch("http://localhost:${refusedPort}/a", { mode: "no-cors" }),
        fetch("https://private.test:${refusedPort}/b", { mode: "no-cors" }),
        fetch("http://10.0.0.1.nip.io:${refusedPort}/c", { mode: "no-cors" }),
        fetch("http://127.0.0.1:${allowedPort}/d", { mode: "no-cors" })
      ]).then((all) => all.map((r) => r.status).join(","))
    </script>`)
    cleanups.push(() => page.close())
    const resolve: ResolveHost = async (hostname) => (hostname === "private.test" || hostname === "10.0.0.1.nip.io" ? ["127.0.0.1"] : [])
    const runtime = runtimeFor(managedConfig(await freePort()), resolve)
    await call(runtime, { method: "POST", path: "/navigate", body: { url: `http://127.0.0.1:${pagePort}/` } })
    const outcome = await call(runtime, { method: "POST", path: "/act", body: { kind: "evaluate", fn: "() => window.done" } })
    expect(refused.connections).toBe(0)
    // The proxy's 403 reads as an opaque answer to a no-cors fetch; a refused CONNECT as a network error.
    expect(outcome.result).toBe("fulfilled,rejected,fulfilled,fulfilled")
    expect(allowed.hits).toBe(1)
  }, 60_000)

  it("a navigation to a name whose answer is private is refused with the policy's words", async () => {
    const runtime = runtimeFor(managedConfig(await freePort()), async () => ["10.1.2.3"])
    const refusal = await failure(runtime, { method: "POST", path: "/navigate", body: { url: "http://intranet.example:8080/" } })
    expect(refusal.message).toBe(`Navigation blocked by browser SSRF policy: intranet.example resolves to the private-network address 10.1.2.3. Allow it with browser.ssrfPolicy.allowedHostnames (e.g. ["intranet.example"]) or browser.ssrfPolicy.dangerouslyAllowPrivateNetwork: true.`)
  }, 60_000)
})

describe("WebRTC cannot go around the egress proxy", () => {
  it("a page's STUN request to a private address sends nothing (only proxied connections are allowed)", async () => {
    const dgram = await import("node:dgram")
    const udp = dgram.createSocket("udp4")
    const received = { packets: 0 }
    udp.on("message", () => {
      received.packets += 1
    })
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", () => resolve()))
    cleanups.push(() => new Promise<void>((resolve) => udp.close(() => resolve())))
    const port = udp.address().port
    const runtime = runtimeFor({ browser: { noSandbox: true, profiles: { openclaw: { cdpPort: await freePort() } } } }, async () => [])
    await call(runtime, { method: "POST", path: "/start" })
    const gathered = await call(runtime, {
      method: "POST",
      path: "/act",
      body: {
        kind: "evaluate",
        timeoutMs: 10_000,
        fn: `async () => {
          const pc = new RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1:${port}" }] })
          pc.createDataChannel("x")
          const candidates = []
          pc.onicecandidate = (e) => { if (e.candidate) candidates.push(e.candidate.type) }
          await pc.setLocalDescription(await pc.createOffer())
          await new Promise((r) => setTimeout(r, 2500))
          pc.close()
          return candidates.join(",")
        }`
      }
    })
    expect(received.packets).toBe(0)
    expect(String(gathered.result)).not.toContain("srflx")
  }, 60_000)
})
