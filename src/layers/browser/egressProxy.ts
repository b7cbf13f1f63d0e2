import * as http from "node:http"
import * as net from "node:net"
import { hostTrusted, resolvedProblem, type SsrfPolicy } from "../../domain/browser/ssrf.js"
import type { PinnedResolver } from "./pinnedResolver.js"

/** A refusal the proxy made: the host and the policy's words (to name it when a navigation fails). */
export interface EgressRefusal {
  readonly host: string
  readonly message: string
}

export interface EgressProxy {
  readonly port: number
  /** The latest refusal, if any since `clearRefusal`. */
  readonly lastRefusal: () => EgressRefusal | undefined
  readonly clearRefusal: () => void
  readonly close: () => Promise<void>
}

/** How long a connection to an upstream may take to open before the browser gets an error. */
const CONNECT_TIMEOUT_MS = 15_000

/**
 * The managed browser's only way out (`--proxy-server`, loopback included): every HTTP request, TLS
 * tunnel and WebSocket names its host to us, we resolve it through the pinned resolver, judge the
 * addresses with the SSRF policy and connect to the checked address ourselves. Chromium never resolves
 * a name on its own, so a DNS answer that changes after the check (rebinding) cannot move it to a
 * private address, and subresources and scripts' requests are held to the same policy as documents.
 */
export const startEgressProxy = async (policy: SsrfPolicy, resolver: PinnedResolver): Promise<EgressProxy> => {
  let refusal: EgressRefusal | undefined
  const sockets = new Set<net.Socket>()

  /** The address to connect to, or the policy's refusal. */
  const judge = async (host: string): Promise<{ readonly address: string } | { readonly problem: string }> => {
    const addresses = await resolver.addressesOf(host)
    const problem = resolvedProblem(host, addresses, policy)
    if (problem !== undefined) {
      refusal = { host: host.toLowerCase().replace(/^\[|\]$/g, ""), message: problem }
      return { problem }
    }
    const address = addresses[0]
    if (address === undefined) {
      return hostTrusted(host, policy) ? { problem: `${host} did not resolve to any address` } : { problem: `Navigation blocked by browser SSRF policy: ${host} did not resolve to any address.` }
    }
    return { address }
  }

  const openUpstream = (address: string, port: number) =>
    new Promise<net.Socket>((resolve, reject) => {
      const upstream = net.connect({ host: address, port })
      const timer = setTimeout(() => upstream.destroy(new Error(`connect timeout after ${CONNECT_TIMEOUT_MS}ms`)), CONNECT_TIMEOUT_MS)
      upstream.once("connect", () => {
        clearTimeout(timer)
        resolve(upstream)
      })
      upstream.once("error", (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })

  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
    socket.on("error", () => socket.destroy())
  }

  const splice = (a: net.Socket, b: net.Socket) => {
    track(a)
    track(b)
    a.pipe(b)
    b.pipe(a)
    a.once("close", () => b.destroy())
    b.once("close", () => a.destroy())
  }

  const refuse = (socket: net.Socket, status: string, message: string) => {
    const body = `${message}\n`
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
  }

  const server = http.createServer((req, res) => {
    // A plain-HTTP request through a proxy names its absolute URL.
    let url: URL
    try {
      url = new URL(req.url ?? "")
    } catch {
      res.writeHead(400).end("proxy requests need an absolute URL\n")
      return
    }
    void judge(url.hostname).then(async (verdict) => {
      if ("problem" in verdict) {
        res.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end(`${verdict.problem}\n`)
        return
      }
      const headers = { ...req.headers }
      delete headers["proxy-connection"]
      delete headers["proxy-authorization"]
      const upstream = http.request({
        host: verdict.address,
        port: Number(url.port || 80),
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        setHost: false,
        timeout: CONNECT_TIMEOUT_MS
      }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        answer.pipe(res)
      })
      upstream.on("timeout", () => upstream.destroy(new Error("upstream timeout")))
      upstream.on("error", (error) => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" }).end(`${url.host} is not reachable: ${error.message}\n`)
        else res.destroy()
      })
      req.pipe(upstream)
    })
  })

  // TLS (https, wss) through a CONNECT tunnel to the checked address.
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client)
    const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? "")
    if (target === null) return refuse(client, "400 Bad Request", "CONNECT needs host:port")
    const [, host = "", port = "443"] = target
    void judge(host).then(async (verdict) => {
      if ("problem" in verdict) return refuse(client, "403 Forbidden", verdict.problem)
      const upstream = await openUpstream(verdict.address, Number(port)).catch((error: Error) => error)
      if (upstream instanceof Error) return refuse(client, "502 Bad Gateway", `${host} is not reachable: ${upstream.message}`)
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      if (head.length > 0) upstream.write(head)
      splice(client, upstream)
    })
  })

  // Plain ws:// upgrades sent to the proxy as absolute-URL requests.
  server.on("upgrade", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client)
    let url: URL
    try {
      url = new URL(req.url ?? "")
    } catch {
      return refuse(client, "400 Bad Request", "proxy requests need an absolute URL")
    }
    void judge(url.hostname).then(async (verdict) => {
      if ("problem" in verdict) return refuse(client, "403 Forbidden", verdict.problem)
      const upstream = await openUpstream(verdict.address, Number(url.port || 80)).catch((error: Error) => error)
      if (upstream instanceof Error) return refuse(client, "502 Bad Gateway", `${url.host} is not reachable: ${upstream.message}`)
      const lines = [`${req.method ?? "GET"} ${url.pathname}${url.search} HTTP/1.1`]
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] ?? ""
        if (!/^proxy-/i.test(name)) lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ""}`)
      }
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`)
      if (head.length > 0) upstream.write(head)
      splice(client, upstream)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    lastRefusal: () => refusal,
    clearRefusal: () => {
      refusal = undefined
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
