import * as fs from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import * as path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page, type WebSocket as PwWebSocket } from "playwright-core"
import { CHROMIUM } from "./browserHarness.js"

/** The bundled page (global setup builds it). */
export const CONTROL_UI_ROOT = path.resolve("dist/control-ui")

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"
}

export interface UiServer {
  readonly origin: string
  readonly port: number
  readonly close: () => Promise<void>
}

/**
 * Serves dist/control-ui on 127.0.0.1 like the gateway does (any path holding `/assets/` is an asset; other
 * paths fall back to index.html for HTML requests) and, with `gatewayPort`, relays WebSocket upgrades to the
 * gateway, so the page and its socket share one origin. `forwardedFor` makes the relay a proxy that adds
 * `X-Forwarded-For` (the gateway must trust 127.0.0.1 as a proxy): the browser then looks remote.
 */
export const startUiServer = (options: { readonly port?: number; readonly gatewayPort?: number; readonly forwardedFor?: string } = {}) =>
  new Promise<UiServer>((resolve, reject) => {
    const sockets = new Set<net.Socket>()
    const server = http.createServer((req, res) => {
      const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)
      const assetAt = pathname.indexOf("/assets/")
      const relative = assetAt >= 0 ? pathname.slice(assetAt + 1) : pathname === "/" ? "index.html" : pathname.slice(1)
      let file = path.join(CONTROL_UI_ROOT, relative)
      if (!file.startsWith(CONTROL_UI_ROOT) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        const accept = req.headers.accept ?? ""
        if (assetAt >= 0 || path.extname(pathname) !== "" || !(accept === "" || accept.includes("text/html"))) {
          res.writeHead(404, { "content-type": "text/plain" })
          return res.end("Not Found")
        }
        file = path.join(CONTROL_UI_ROOT, "index.html")
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" })
      res.end(fs.readFileSync(file))
    })
    server.on("upgrade", (req, socket, head) => {
      if (options.gatewayPort === undefined) return socket.destroy()
      const upstream = net.connect(options.gatewayPort, "127.0.0.1", () => {
        const headers = Object.entries(req.headers).flatMap(([key, value]) => (Array.isArray(value) ? value : [value ?? ""]).map((v) => `${key}: ${v}`))
        if (options.forwardedFor !== undefined) headers.push(`x-forwarded-for: ${options.forwardedFor}`)
        upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`)
        if (head.length > 0) upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      sockets.add(upstream)
      sockets.add(socket as net.Socket)
      const end = () => {
        upstream.destroy()
        socket.destroy()
      }
      upstream.on("error", end)
      socket.on("error", end)
      upstream.on("close", end)
      socket.on("close", end)
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      resolve({
        origin: `http://127.0.0.1:${port}`,
        port,
        close: () => new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => done())
        })
      })
    })
  })

/** Debian's Chromium, headless; `gateway.test` resolves to 127.0.0.1 (a non-loopback-looking, insecure origin). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--host-resolver-rules=MAP gateway.test 127.0.0.1", "--disable-gpu"] })

export interface Frame {
  readonly direction: "sent" | "received"
  readonly data: Record<string, unknown>
}

/** Every JSON frame of every WebSocket the page opens, in order. */
export const recordFrames = (page: Page): Array<Frame> => {
  const frames: Array<Frame> = []
  page.on("websocket", (ws: PwWebSocket) => {
    const push = (direction: Frame["direction"]) => (event: { payload: string | Buffer }) => {
      try {
        frames.push({ direction, data: JSON.parse(String(event.payload)) as Record<string, unknown> })
      } catch {
        // not JSON
      }
    }
    ws.on("framesent", push("sent"))
    ws.on("framereceived", push("received"))
  })
  return frames
}

/** The `connect` requests the page sent. */
export const connectFrames = (frames: ReadonlyArray<Frame>) =>
  frames.filter((f) => f.direction === "sent" && f.data["method"] === "connect").map((f) => f.data["params"] as Record<string, any>)

/** Waits until `check` holds (polling; for frame lists the page fills). */
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A fresh browser profile (own localStorage) with a page that records its frames. */
export const newProfile = async (browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; frames: Array<Frame> }> => {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  return { context, page, frames: recordFrames(page) }
}
