import * as fs from "node:fs"
import * as http from "node:http"
import type * as net from "node:net"
import * as path from "node:path"

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8"
}

/** Files the page links from its root whatever the route (spec control-ui.md 1.2). */
const ROOT_ASSETS = new Set(["apple-touch-icon.png", "favicon-32.png", "favicon.ico", "favicon.svg", "manifest.webmanifest", "sw.js"])

/** Where a request path points inside the bundle: `/x/assets/y` is `/assets/y`, as the original serves it. */
const bundlePath = (pathname: string) => {
  const assets = pathname.indexOf("/assets/")
  if (assets >= 0) return pathname.slice(assets)
  const last = pathname.slice(pathname.lastIndexOf("/") + 1)
  return ROOT_ASSETS.has(last) ? `/${last}` : pathname
}

/**
 * A static server for a built single-page app on 127.0.0.1, as the original gateway serves its Control
 * UI: files under `root` (assets from any depth), and for any other GET path the app's `index.html`
 * with its `./` links made absolute (deep links such as `/settings/devices`). Paths leaving `root` are
 * refused.
 */
export const startStaticSpaServer = (root: string) =>
  new Promise<{ readonly baseUrl: string; readonly close: () => Promise<void> }>((resolve) => {
    const base = path.resolve(root)
    const server = http.createServer((req, res) => {
      const pathname = bundlePath(decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname))
      const file = path.resolve(base, `.${pathname}`)
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.statusCode = 403
        return res.end("forbidden")
      }
      const existing = fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined
      // Missing assets are 404s (so a broken bundle shows); anything else is a route of the app.
      if (existing === undefined && path.extname(pathname) !== "") {
        res.statusCode = 404
        return res.end("not found")
      }
      const served = existing ?? path.join(base, "index.html")
      res.setHeader("content-type", TYPES[path.extname(served)] ?? "application/octet-stream")
      res.setHeader("cache-control", "no-store")
      if (served.endsWith(".html")) return res.end(fs.readFileSync(served, "utf8").replace(/(src|href)="\.\//g, '$1="/'))
      fs.createReadStream(served).pipe(res)
    })
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections()
          server.close(() => done())
        })
      })
    })
  })
