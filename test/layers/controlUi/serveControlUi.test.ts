import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BUILD_ID, VERSION } from "../../../src/domain/BuildInfo.js"
import { type RunningGateway, startGateway } from "../../support/gatewayHarness.js"
import { httpRequest } from "../../support/httpRequest.js"
import { connectRaw, openRaw } from "../../support/rawClient.js"

const TOKEN = "control-ui-test-token"
const FIXTURE = path.resolve(__dirname, "../../fixtures/control-ui")
const config = (controlUi: Record<string, unknown> = {}) => ({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, controlUi } })

/** The CSP's script-src hashes must be those of the inline scripts of the document actually served. */
const inlineScripts = (html: string) =>
  [...html.matchAll(/<script(?:\s[^>]*)?>([^]*?)<\/script>/giu)].filter((m) => !/\ssrc=/iu.test(m[0].slice(0, m[0].indexOf(">"))) && m[1] !== "").map((m) => m[1] as string)
const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

const UI_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "permissions-policy": "camera=(self), microphone=*, geolocation=*, clipboard-write=*"
}

describe("Control UI from a custom root (gateway.controlUi.root)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway(config({ root: FIXTURE }))
  })
  afterAll(() => gw.stop())

  it("serves / as the rewritten document with the security headers and a CSP hashing its inline script", async () => {
    const reply = await httpRequest(gw.port, "/")
    expect(reply.status).toBe(200)
    expect(reply.headers["content-type"]).toBe("text/html; charset=utf-8")
    expect(reply.headers["cache-control"]).toBe("no-cache")
    expect(reply.headers).toMatchObject(UI_HEADERS)
    expect(reply.text).toContain(`<html data-openclaw-control-ui-base-path="" data-openclaw-terminal-enabled="false" lang="en">`)
    expect(reply.text).toContain(`src="/assets/app-3f9a1c.js"`)
    // A custom root is not our build: no build id, no ?v= on root assets.
    expect(reply.text).toContain(`href="/favicon.svg"`)
    expect(reply.text).not.toContain("data-openclaw-control-ui-build-id")
    const scripts = inlineScripts(reply.text)
    expect(scripts).toHaveLength(1)
    const csp = String(reply.headers["content-security-policy"])
    expect(csp).toContain(`script-src 'self' ${sha256(scripts[0] as string)};`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toMatch(/connect-src 'self' ws: wss: data: https:\/\/api\.openai\.com https:\/\/tweakcn\.com http:\/\/127\.0\.0\.1:\* https:\/\/127\.0\.0\.1:\*$/u)
  })

  it("falls back to the document only for requests that accept HTML", async () => {
    const page = await httpRequest(gw.port, "/chat/main", { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } })
    expect(page.status).toBe(200)
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8")
    const noAccept = await httpRequest(gw.port, "/settings/devices")
    expect(noAccept.status).toBe(200)
    const api = await httpRequest(gw.port, "/chat/main", { headers: { accept: "application/json" } })
    expect(api.status).toBe(404)
    expect(api.text).toBe("Not Found")
    expect(api.headers["content-type"]).toBe("text/plain; charset=utf-8")
    const missingAsset = await httpRequest(gw.port, "/assets/missing-0000.js", { headers: { accept: "text/html" } })
    expect(missingAsset.status).toBe(404)
  })

  it("serves assets with their type, also under deep links, no-cache from a custom root", async () => {
    const js = await httpRequest(gw.port, "/chat/main/assets/app-3f9a1c.js", { headers: { "accept-encoding": "br, gzip" } })
    expect(js.status).toBe(200)
    expect(js.headers["content-type"]).toBe("application/javascript; charset=utf-8")
    expect(js.headers["cache-control"]).toBe("no-cache")
    // Custom roots never use the precompressed siblings.
    expect(js.headers["content-encoding"]).toBeUndefined()
    expect(js.text).toBe(fs.readFileSync(path.join(FIXTURE, "assets/app-3f9a1c.js"), "utf8"))
    expect(js.headers["vary"]).toBe("Accept-Encoding")
    expect(js.headers["content-security-policy"]).not.toContain("sha256-")
    const svg = await httpRequest(gw.port, "/favicon.svg")
    expect(svg.headers["content-type"]).toBe("image/svg+xml")
    const manifest = await httpRequest(gw.port, "/__openclaw__/manifest.webmanifest")
    expect(manifest.headers["content-type"]).toBe("application/manifest+json; charset=utf-8")
  })

  it("refuses traversal, encoded separators and NUL with a plain 404", async () => {
    for (const attempt of ["/..%2f..%2fetc/passwd", "/assets/..%2F..%2Fopenclaw.json", "/assets/..%2F..%2F..%2F..%2Fpackage.json", "/%2e%2e/%2e%2e/package.json", "/index.html%00.js", "/%00", "/%E0%A4%A"]) {
      const reply = await httpRequest(gw.port, attempt, { headers: { accept: "text/html" } })
      expect(reply.status, attempt).toBe(404)
      expect(reply.text, attempt).toBe("Not Found")
    }
  })

  it("answers If-Modified-Since and If-None-Match: * with 304 and no ETag", async () => {
    const first = await httpRequest(gw.port, "/favicon.svg")
    const lastModified = String(first.headers["last-modified"])
    expect(Date.parse(lastModified)).toBeLessThanOrEqual(Date.now())
    expect(first.headers["etag"]).toBeUndefined()
    const since = await httpRequest(gw.port, "/favicon.svg", { headers: { "if-modified-since": lastModified } })
    expect(since.status).toBe(304)
    expect(since.body.length).toBe(0)
    expect(since.headers["last-modified"]).toBe(lastModified)
    const star = await httpRequest(gw.port, "/favicon.svg", { headers: { "if-none-match": "*" } })
    expect(star.status).toBe(304)
    const tag = await httpRequest(gw.port, "/favicon.svg", { headers: { "if-none-match": "\"abc\"", "if-modified-since": lastModified } })
    expect(tag.status).toBe(200)
    const older = await httpRequest(gw.port, "/favicon.svg", { headers: { "if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT" } })
    expect(older.status).toBe(200)
  })

  it("compresses the document on the fly and answers 406 when no coding is acceptable", async () => {
    const plain = await httpRequest(gw.port, "/", { headers: { "accept-encoding": "identity" } })
    const br = await httpRequest(gw.port, "/", { headers: { "accept-encoding": "br" } })
    expect(br.headers["content-encoding"]).toBe("br")
    expect(zlib.brotliDecompressSync(br.body).toString("utf8")).toBe(plain.text)
    const gz = await httpRequest(gw.port, "/", { headers: { "accept-encoding": "gzip;q=1, br;q=0.5" } })
    expect(gz.headers["content-encoding"]).toBe("gzip")
    expect(zlib.gunzipSync(gz.body).toString("utf8")).toBe(plain.text)
    for (const target of ["/", "/favicon.svg"]) {
      const refused = await httpRequest(gw.port, target, { headers: { "accept-encoding": "identity;q=0" } })
      expect(refused.status, target).toBe(406)
      expect(refused.text).toBe("Not Acceptable")
      expect(refused.headers["cache-control"]).toBe("no-store")
    }
    const head = await httpRequest(gw.port, "/", { method: "HEAD", headers: { accept: "text/html" } })
    expect(head.status).toBe(200)
    expect(head.headers["content-type"]).toBe("text/html; charset=utf-8")
  })

  it("leaves other methods, probes and /api to the gateway, with the gateway's own header set", async () => {
    const post = await httpRequest(gw.port, "/", { method: "POST" })
    expect(post.status).toBe(404)
    expect(post.headers["x-frame-options"]).toBeUndefined()
    expect(post.headers["permissions-policy"]).toBe("camera=(), microphone=(self), geolocation=()")
    const health = await httpRequest(gw.port, "/healthz")
    expect(health.status).toBe(200)
    expect(health.headers).toMatchObject({ "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "permissions-policy": "camera=(), microphone=(self), geolocation=()" })
    expect((await httpRequest(gw.port, "/readyz")).status).toBe(200)
    const api = await httpRequest(gw.port, "/api/anything", { headers: { accept: "text/html" } })
    expect(api.status).toBe(404)
    expect(api.headers["content-type"]).toBe("application/json; charset=utf-8")
    const reserved = await httpRequest(gw.port, "/ui/x")
    expect(reserved.status).toBe(404)
    expect(reserved.text).toBe("Not Found")
  })

  it("/control-ui-config.json needs the shared token or a paired operator device token", async () => {
    for (const auth of [undefined, "Bearer wrong-token", `Basic ${TOKEN}`]) {
      const refused = await httpRequest(gw.port, "/control-ui-config.json", { headers: auth === undefined ? {} : { authorization: auth } })
      expect(refused.status, auth).toBe(401)
      expect(refused.text).toBe(`{"error":{"message":"Unauthorized","type":"unauthorized"}}`)
    }
    const ok = await httpRequest(gw.port, "/control-ui-config.json", { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ok.status).toBe(200)
    expect(ok.headers["cache-control"]).toBe("no-cache")
    expect(JSON.parse(ok.text)).toEqual({
      basePath: "",
      assistantName: "Assistant",
      assistantAvatar: "A",
      assistantAvatarSource: null,
      assistantAvatarStatus: null,
      assistantAvatarReason: null,
      assistantAgentId: "main",
      serverVersion: VERSION,
      embedSandbox: "scripts",
      allowExternalEmbedUrls: false,
      automaticallyFetchFavicons: true,
      communityInvite: true,
      terminalEnabled: false,
      cliAgentsEnabled: false,
      pluginAssetsRequireAuth: true,
      pluginFrameGrants: []
    })
    for (const legacy of ["/__openclaw/control-ui-config.json", "/__openclaw__/control-ui-config.json"]) {
      expect((await httpRequest(gw.port, legacy, { headers: { authorization: `Bearer ${TOKEN}` } })).status, legacy).toBe(200)
    }
    const head = await httpRequest(gw.port, "/control-ui-config.json", { method: "HEAD", headers: { authorization: `Bearer ${TOKEN}` } })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    // A browser paired on this gateway gets an operator device token; that token opens the config too.
    const { client, response } = await connectRaw(gw.url, { token: TOKEN })
    client.close()
    const deviceToken = response.payload?.auth?.deviceToken as string
    expect(typeof deviceToken).toBe("string")
    // A page from gateway.controlUi.root is not this build's: hello says so, as the original's does, so the
    // original UI does not take the build difference for a server update.
    expect(response.payload?.server?.controlUiBuildSource).toBe("configured")
    const byDevice = await httpRequest(gw.port, "/control-ui-config.json", { headers: { authorization: `Bearer ${deviceToken}` } })
    expect(byDevice.status).toBe(200)
    const logs = (await gw.logLines()).join("\n")
    expect(logs).not.toContain(TOKEN)
    expect(logs).not.toContain(deviceToken)
  })

  it("accepts the WebSocket upgrade on any path", async () => {
    for (const where of ["/", "/openclaw", "/x/y"]) {
      const client = await openRaw(`ws://127.0.0.1:${gw.port}${where}`)
      expect(client.challenge.nonce, where).toEqual(expect.any(String))
      client.close()
    }
  })
})

describe("Control UI under gateway.controlUi.basePath", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway(config({ root: FIXTURE, basePath: "openclaw/" }))
  })
  afterAll(() => gw.stop())

  it("redirects the bare prefix, serves under it and nowhere else", async () => {
    const bare = await httpRequest(gw.port, "/openclaw?session=main")
    expect(bare.status).toBe(302)
    expect(bare.headers["location"]).toBe("/openclaw/?session=main")
    const page = await httpRequest(gw.port, "/openclaw/")
    expect(page.status).toBe(200)
    expect(page.text).toContain(`data-openclaw-control-ui-base-path="/openclaw"`)
    expect(page.text).toContain(`src="/openclaw/assets/app-3f9a1c.js"`)
    expect(page.text).toContain(`href="/openclaw/manifest.webmanifest"`)
    const asset = await httpRequest(gw.port, "/openclaw/assets/app-3f9a1c.css")
    expect(asset.headers["content-type"]).toBe("text/css; charset=utf-8")
    const outside = await httpRequest(gw.port, "/")
    expect(outside.status).toBe(404)
    expect(outside.headers["content-type"]).toBe("application/json; charset=utf-8")
    const config = await httpRequest(gw.port, "/openclaw/control-ui-config.json", { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(JSON.parse(config.text).basePath).toBe("/openclaw")
    const client = await openRaw(`ws://127.0.0.1:${gw.port}/openclaw`)
    client.close()
  })
})

describe("the bundled root (dist/control-ui)", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    gw = await startGateway(config(), {}, [], "clawgate-gw-", {}, { controlUiRoot: FIXTURE })
  })
  afterAll(() => gw.stop())

  it("serves fingerprinted assets from their .br/.gz siblings, immutable", async () => {
    const source = fs.readFileSync(path.join(FIXTURE, "assets/app-3f9a1c.js"))
    const br = await httpRequest(gw.port, "/assets/app-3f9a1c.js", { headers: { "accept-encoding": "gzip, deflate, br" } })
    expect(br.headers["content-encoding"]).toBe("br")
    expect(br.body.equals(fs.readFileSync(path.join(FIXTURE, "assets/app-3f9a1c.js.br")))).toBe(true)
    expect(zlib.brotliDecompressSync(br.body).equals(source)).toBe(true)
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
    const gz = await httpRequest(gw.port, "/assets/app-3f9a1c.js", { headers: { "accept-encoding": "gzip" } })
    expect(gz.headers["content-encoding"]).toBe("gzip")
    expect(zlib.gunzipSync(gz.body).equals(source)).toBe(true)
    const plain = await httpRequest(gw.port, "/assets/app-3f9a1c.js")
    expect(plain.body.equals(source)).toBe(true)
    expect(plain.headers["content-length"]).toBe(String(source.length))
    expect((await httpRequest(gw.port, "/assets/app-3f9a1c.js.br")).status).toBe(404)
  })

  it("versions root assets with the build id and caches them only when the id matches", async () => {
    const page = await httpRequest(gw.port, "/")
    expect(page.text).toContain(`href="/favicon.svg?v=${encodeURIComponent(BUILD_ID)}"`)
    expect(page.text).toContain(`data-openclaw-control-ui-build-id="${BUILD_ID}"`)
    const current = await httpRequest(gw.port, `/favicon.svg?v=${encodeURIComponent(BUILD_ID)}`)
    expect(current.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
    const stale = await httpRequest(gw.port, "/favicon.svg?v=old")
    expect(stale.headers["cache-control"]).toBe("no-cache")
    const config = await httpRequest(gw.port, "/control-ui-config.json", { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(JSON.parse(config.text).serverBuildId).toBe(BUILD_ID)
    const { client, response } = await connectRaw(gw.url, { token: TOKEN })
    client.close()
    expect(response.payload?.server).toMatchObject({ buildId: BUILD_ID, controlUiBuildSource: "bundled" })
  })
})

describe("roots that cannot serve", () => {
  it("a missing bundled root and a missing configured root answer 503 with the original's words", async () => {
    const absent = path.join(os.tmpdir(), "clawgate-no-such-dir", "control-ui")
    const bundled = await startGateway(config(), {}, [], "clawgate-gw-", {}, { controlUiRoot: absent })
    try {
      const reply = await httpRequest(bundled.port, "/", { headers: { accept: "text/html" } })
      expect(reply.status).toBe(503)
      expect(reply.text).toBe("Control UI assets not found. Build them with `pnpm ui:build` (auto-installs UI deps), or run `pnpm ui:dev` during development.")
      expect(reply.headers["content-type"]).toBe("text/plain; charset=utf-8")
      expect((await httpRequest(bundled.port, "/healthz")).status).toBe(200)
    } finally {
      await bundled.stop()
    }
    const configured = await startGateway(config({ root: absent }))
    try {
      const reply = await httpRequest(configured.port, "/")
      expect(reply.status).toBe(503)
      expect(reply.text).toBe(`Control UI assets not found at ${absent}. Build them with \`pnpm ui:build\` (auto-installs UI deps), or update gateway.controlUi.root.`)
    } finally {
      await configured.stop()
    }
  })

  it("gateway.controlUi.enabled=false serves nothing", async () => {
    const gw = await startGateway(config({ enabled: false, root: FIXTURE }))
    try {
      for (const target of ["/", "/approve/abc", "/control-ui-config.json"]) {
        const reply = await httpRequest(gw.port, target, { headers: { authorization: `Bearer ${TOKEN}` } })
        expect(reply.status, target).toBe(404)
        expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8")
      }
    } finally {
      await gw.stop()
    }
  })

  it("symlinks are followed only while they stay inside the root; hardlinks in a custom root are refused", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-ui-root-"))
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-ui-outside-"))
    fs.copyFileSync(path.join(FIXTURE, "index.html"), path.join(root, "index.html"))
    fs.writeFileSync(path.join(root, "inside.txt"), "inside\n")
    fs.writeFileSync(path.join(outside, "secret.txt"), "secret\n")
    fs.symlinkSync(path.join(root, "inside.txt"), path.join(root, "alias.txt"))
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(root, "escape.txt"))
    fs.linkSync(path.join(outside, "secret.txt"), path.join(root, "hard.txt"))
    const gw = await startGateway(config({ root }))
    try {
      expect((await httpRequest(gw.port, "/alias.txt")).text).toBe("inside\n")
      for (const target of ["/escape.txt", "/hard.txt"]) {
        const reply = await httpRequest(gw.port, target)
        expect(reply.status, target).toBe(404)
        expect(reply.text).toBe("Not Found")
      }
    } finally {
      await gw.stop()
      fs.rmSync(root, { recursive: true, force: true })
      fs.rmSync(outside, { recursive: true, force: true })
    }
  })
})

describe("/control-ui-config.json and the failed-auth limiter", () => {
  it("wrong Bearer secrets lock the client out with 429 and Retry-After, the right one included", async () => {
    const gw = await startGateway({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN, rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false } }, controlUi: { root: FIXTURE } } })
    try {
      for (const attempt of [1, 2]) {
        expect((await httpRequest(gw.port, "/control-ui-config.json", { headers: { authorization: "Bearer nope" } })).status, `attempt ${attempt}`).toBe(401)
      }
      const locked = await httpRequest(gw.port, "/control-ui-config.json", { headers: { authorization: `Bearer ${TOKEN}` } })
      expect(locked.status).toBe(429)
      expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0)
      expect(JSON.parse(locked.text)).toEqual({ error: { message: "Too many failed authentication attempts. Please try again later.", type: "rate_limited" } })
      // The page itself needs no secret and stays reachable.
      expect((await httpRequest(gw.port, "/")).status).toBe(200)
    } finally {
      await gw.stop()
    }
  })
})

const ORIGINAL_UI = path.join(os.homedir(), ".cache/openclaw-original/node_modules/openclaw/dist/control-ui")
describe("the original's Control UI bundle as a custom root", () => {
  const present = fs.existsSync(path.join(ORIGINAL_UI, "index.html"))
  if (!present) console.log(`skipped: the original's Control UI bundle is not installed at ${ORIGINAL_UI} (../shared/tools/openclaw-original/setup.sh installs it)`)
  it.skipIf(!present)("serves its document, its deep links and its assets", async () => {
    const gw = await startGateway(config({ root: ORIGINAL_UI }))
    try {
      const page = await httpRequest(gw.port, "/", { headers: { accept: "text/html" } })
      expect(page.status).toBe(200)
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8")
      const csp = String(page.headers["content-security-policy"])
      for (const script of inlineScripts(page.text)) expect(csp).toContain(sha256(script))
      const deep = await httpRequest(gw.port, "/chat/main", { headers: { accept: "text/html" } })
      expect(deep.status).toBe(200)
      expect(deep.text).toBe(page.text)
      const asset = /src="(\/assets\/[^"]+\.js)"/u.exec(page.text)?.[1]
      expect(asset).toBeDefined()
      const js = await httpRequest(gw.port, asset as string)
      expect(js.status).toBe(200)
      expect(js.headers["content-type"]).toBe("application/javascript; charset=utf-8")
    } finally {
      await gw.stop()
    }
  })
})
