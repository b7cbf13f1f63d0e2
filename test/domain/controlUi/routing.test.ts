import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { validateConfig } from "../../../src/domain/config/validate.js"
import { isUnmodified } from "../../../src/domain/controlUi/headers.js"
import { rewriteIndexHtml } from "../../../src/domain/controlUi/indexHtml.js"
import { acceptsHtml, classifyControlUiRequest, fileForPath, negotiateEncodings, normalizeBasePath } from "../../../src/domain/controlUi/routing.js"
import { bearerToken } from "../../../src/domain/controlUi/runtimeConfig.js"
import { planLegacyMigration } from "../../../src/domain/doctor/legacyKeys.js"

describe("Control UI routing", () => {
  it("normalizes the base path as the original does", () => {
    expect(["", "/", "  ", undefined].map(normalizeBasePath)).toEqual(["", "", "", ""])
    expect(["ui2", "/ui2/", "/a/b/"].map(normalizeBasePath)).toEqual(["/ui2", "/ui2", "/a/b"])
  })

  it("classifies in the original's order", () => {
    const c = (pathname: string, method = "GET", basePath = "", accept?: string) => classifyControlUiRequest({ basePath, pathname, search: "", method, accept })
    expect(c("/ui/x").kind).toBe("not-found")
    expect(c("/healthz").kind).toBe("not-control-ui")
    expect(c("/readyz/deep").kind).toBe("not-control-ui")
    expect(c("/api/x").kind).toBe("not-control-ui")
    expect(c("/v1/chat/completions").kind).toBe("not-control-ui")
    expect(c("/", "POST").kind).toBe("not-control-ui")
    expect(c("/plugins", "GET", "", "application/json").kind).toBe("not-control-ui")
    expect(c("/plugins", "GET", "", "text/html").kind).toBe("serve")
    expect(c("/plugins/x", "GET", "", "text/html").kind).toBe("not-control-ui")
    expect(c("/control-ui-config.json").kind).toBe("config")
    expect(c("/share/abc").kind).toBe("not-found")
    expect(c("/chat/main", "HEAD")).toEqual({ kind: "serve", spaFallback: true })
    expect(c("/x", "GET", "/x")).toEqual({ kind: "redirect", location: "/x/" })
    expect(c("/xy", "GET", "/x").kind).toBe("not-control-ui")
    expect(c("/healthz", "GET", "/x").kind).toBe("not-control-ui")
    expect(c("/x/__openclaw/control-ui-config.json", "GET", "/x").kind).toBe("config")
    expect(c("/x/__openclaw__/control-ui-config.json", "GET", "/x").kind).toBe("serve")
  })

  it("maps paths to files and refuses what would leave the root", () => {
    expect(fileForPath("/", "")).toBe("index.html")
    expect(fileForPath("/chat/main/assets/a-1.js", "")).toBe("assets/a-1.js")
    expect(fileForPath("/__openclaw__/favicon.svg", "")).toBe("favicon.svg")
    expect(fileForPath("/approve/req-1", "")).toBe("index.html")
    expect(fileForPath("/focus/a/b", "")).toBe("index.html")
    expect(fileForPath("/share/card.png", "")).toBe("social-card.png")
    expect(fileForPath("/x/assets/a.css", "/x")).toBe("assets/a.css")
    expect(fileForPath("/docs/", "")).toBe("docs/index.html")
    for (const bad of ["/..%2f..%2fetc/passwd", "/assets/..%2F..%2Fopenclaw.json", "/%2Fetc%2Fpasswd", "/a%00b", "/%E0%A4%A"]) expect(fileForPath(bad, ""), bad).toBeUndefined()
  })

  it("allows the SPA document only for requests that accept HTML", () => {
    expect(acceptsHtml(undefined)).toBe(true)
    expect(acceptsHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")).toBe(true)
    expect(acceptsHtml("*/*")).toBe(true)
    expect(acceptsHtml("application/json")).toBe(false)
    expect(acceptsHtml("text/html;q=0, */*")).toBe(false)
    expect(acceptsHtml("application/xhtml+xml")).toBe(true)
    expect(acceptsHtml("text/html;charset=iso-8859-1")).toBe(false)
  })

  it("negotiates codings by quality, identity last unless refused", () => {
    const both = new Set(["br", "gzip"] as const)
    expect(negotiateEncodings(undefined, both)).toEqual(["identity"])
    expect(negotiateEncodings("gzip, br", both)).toEqual(["br", "gzip", "identity"])
    expect(negotiateEncodings("gzip;q=1, br;q=0.5", both)).toEqual(["gzip", "identity", "br"])
    expect(negotiateEncodings("identity;q=0", both)).toEqual([])
    expect(negotiateEncodings("*;q=0", new Set())).toEqual([])
    expect(negotiateEncodings("deflate", new Set())).toEqual(["identity"])
  })

  it("answers 304 without entity tags", () => {
    const base = { lastModifiedMs: Date.parse("Sat, 05 Dec 2026 10:00:00 GMT") + 400, nowMs: Date.parse("Sun, 06 Dec 2026 10:00:00 GMT") }
    expect(isUnmodified({ ...base, ifNoneMatch: "*", ifModifiedSince: undefined })).toBe(true)
    expect(isUnmodified({ ...base, ifNoneMatch: "\"x\"", ifModifiedSince: "Sat, 05 Dec 2026 10:00:00 GMT" })).toBe(false)
    expect(isUnmodified({ ...base, ifNoneMatch: undefined, ifModifiedSince: "Sat, 05 Dec 2026 10:00:00 GMT" })).toBe(true)
    expect(isUnmodified({ ...base, ifNoneMatch: undefined, ifModifiedSince: "Sat, 05 Dec 2026 09:59:59 GMT" })).toBe(false)
    expect(isUnmodified({ ...base, ifNoneMatch: undefined, ifModifiedSince: "Mon, 07 Dec 2026 10:00:00 GMT" })).toBe(false)
    expect(isUnmodified({ ...base, ifNoneMatch: undefined, ifModifiedSince: "garbage" })).toBe(false)
  })

  it("rewrites index.html: base path, versioned root assets, html attributes (a stale build id replaced)", () => {
    const html = `<html lang="en" data-openclaw-control-ui-build-id="old"><link href="./favicon.svg"><link href="/sw.js"><script src="./assets/a.js"></script></html>`
    const out = rewriteIndexHtml({ html, basePath: "/x", buildId: "b 1", terminalEnabled: false, environment: undefined })
    expect(out).toBe(`<html data-openclaw-control-ui-base-path="/x" data-openclaw-terminal-enabled="false" data-openclaw-control-ui-build-id="b 1" lang="en"><link href="/x/favicon.svg?v=b%201"><link href="/x/sw.js"><script src="/x/assets/a.js"></script></html>`)
  })

  it("reads Bearer tokens only", () => {
    expect(bearerToken("Bearer abc")).toBe("abc")
    expect(bearerToken("bearer  abc ")).toBe("abc")
    expect(bearerToken("Basic abc")).toBeUndefined()
    expect(bearerToken(undefined)).toBeUndefined()
  })
})

describe("gateway.controlUi config keys", () => {
  it("accepts the keys this gateway implements and names an unknown one by its path", () => {
    const ok = validateConfig({ gateway: { controlUi: { enabled: true, basePath: "/x", root: "/srv/ui", allowedOrigins: ["https://a.example"], dangerouslyAllowHostHeaderOriginFallback: false, dangerouslyDisableDeviceAuth: true, embedSandbox: "strict" } } })
    expect(Either.isRight(ok)).toBe(true)
    if (Either.isRight(ok)) expect(ok.right.unsupported).toEqual([])
    const bad = validateConfig({ gateway: { controlUi: { rooot: "/srv/ui" } } })
    expect(Either.isLeft(bad) && bad.left).toEqual([{ path: "gateway.controlUi", message: "Unrecognized key: \"rooot\"" }])
    const badSandbox = validateConfig({ gateway: { controlUi: { embedSandbox: "none" } } })
    expect(Either.isLeft(badSandbox)).toBe(true)
  })

  it("allowInsecureAuth is retired: doctor removes it", () => {
    const plan = planLegacyMigration({ gateway: { controlUi: { allowInsecureAuth: true, enabled: true } } })
    expect(plan.next).toEqual({ gateway: { controlUi: { enabled: true } } })
    expect(plan.migrations.map((m) => m.path)).toEqual(["gateway.controlUi.allowInsecureAuth"])
  })
})
