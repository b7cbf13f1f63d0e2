import { describe, expect, it } from "vitest"
import { browserPluginBlocked } from "../../../src/domain/browser/gating.js"
import { cdpUrlProblem, detectExecutable, NO_BROWSER_FOUND, resolveBrowserSettings, resolveHeadless } from "../../../src/domain/browser/settings.js"
import { isPrivateHost, navigationProblem } from "../../../src/domain/browser/ssrf.js"
import type { OpenClawConfig } from "../../../src/domain/config/ConfigSchema.js"

const settingsOf = (config: OpenClawConfig, port?: number) => {
  const resolved = resolveBrowserSettings(config, port)
  if ("error" in resolved) throw new Error(resolved.error)
  return resolved.settings
}

describe("browser profiles and ports (spec 5.1)", () => {
  it("the built-in profiles on the default port family: CDP 18800, relay 18799, control 18791", () => {
    const settings = settingsOf({})
    expect(settings.controlPort).toBe(18791)
    expect(settings.defaultProfile).toBe("openclaw")
    expect(settings.profiles.map((p) => [p.name, p.driver, p.cdpPort, p.cdpUrl, p.relayPort ?? null])).toEqual([
      ["openclaw", "openclaw", 18800, "http://127.0.0.1:18800", null],
      ["user", "existing-session", null, null, null],
      ["chrome", "extension", null, null, 18799]
    ])
  })

  it("follows gateway.port (the captures' 19437 gives CDP 19448 and relay 19447)", () => {
    const settings = settingsOf({ gateway: { port: 19437 } })
    expect(settings.profiles.find((p) => p.name === "openclaw")?.cdpPort).toBe(19448)
    expect(settings.profiles.find((p) => p.name === "chrome")?.relayPort).toBe(19447)
  })

  it("custom local profiles take the next free managed port; remote ones keep their URL", () => {
    const settings = settingsOf({ browser: { profiles: { work: {}, pinned: { cdpPort: 18801 }, remote: { cdpUrl: "https://browserless.example:3000/" } } } })
    const byName = Object.fromEntries(settings.profiles.map((p) => [p.name, p]))
    expect(byName["openclaw"]?.cdpPort).toBe(18800)
    expect(byName["work"]?.cdpPort).toBe(18802)
    expect(byName["pinned"]?.cdpPort).toBe(18801)
    expect(byName["remote"]).toMatchObject({ cdpUrl: "https://browserless.example:3000", cdpPort: 3000, remote: true })
  })

  it("the legacy root cdpUrl is the default profile's endpoint", () => {
    expect(settingsOf({ browser: { cdpUrl: "http://10.0.0.42:9222" } }).profiles[0]).toMatchObject({ name: "openclaw", remote: true, cdpPort: 9222 })
  })

  it("refuses a cdpUrl with another scheme or a bad port, with the spec's messages", () => {
    expect(cdpUrlProblem("browser.cdpUrl", "ftp://host:1")).toBe("browser.cdpUrl must be http(s) or ws(s), got: ftp")
    expect(cdpUrlProblem("browser.cdpUrl", "file:///tmp/x")).toBe("browser.cdpUrl must be http(s) or ws(s), got: file")
    expect(cdpUrlProblem("browser.cdpUrl", "http://h:0")).toBe("browser.cdpUrl has invalid port: 0")
    expect(cdpUrlProblem("browser.cdpUrl", "http://h:70000")).toBe("browser.cdpUrl has invalid port: 70000")
    expect(cdpUrlProblem("browser.cdpUrl", "wss://h/devtools/browser/x")).toBeUndefined()
    expect(resolveBrowserSettings({ browser: { profiles: { r: { cdpUrl: "ftp://x" } } } })).toEqual({ error: "browser.profiles.r.cdpUrl must be http(s) or ws(s), got: ftp" })
  })
})

describe("headless and executable resolution", () => {
  const base = { request: undefined, env: undefined, profile: undefined, config: undefined, platform: "linux", displayPresent: false }
  it("a Linux host without a display falls back to headless; explicit choices win in order", () => {
    expect(resolveHeadless(base)).toEqual({ headless: true, source: "linux-display-fallback" })
    expect(resolveHeadless({ ...base, displayPresent: true })).toEqual({ headless: false, source: "default" })
    expect(resolveHeadless({ ...base, config: false })).toEqual({ headless: false, source: "config" })
    expect(resolveHeadless({ ...base, config: false, profile: true })).toEqual({ headless: true, source: "profile" })
    expect(resolveHeadless({ ...base, profile: true, env: "0" })).toEqual({ headless: false, source: "env" })
    expect(resolveHeadless({ ...base, env: "0", request: true })).toEqual({ headless: true, source: "request" })
  })

  it("a configured path must exist; without one the first installed Chromium-family browser is used", () => {
    expect(detectExecutable("/nonexistent/chrome", () => false, "/home/u")).toEqual({ error: "browser.executablePath not found: /nonexistent/chrome", path: "/nonexistent/chrome" })
    expect(detectExecutable("~/bin/chrome", (p) => p === "/home/u/bin/chrome", "/home/u")).toEqual({ path: "/home/u/bin/chrome", kind: "chrome" })
    expect(detectExecutable(undefined, (p) => p === "/usr/bin/chromium", "/home/u")).toEqual({ path: "/usr/bin/chromium", kind: "chromium" })
    expect(detectExecutable(undefined, () => false, "/home/u")).toEqual({ error: NO_BROWSER_FOUND, path: undefined })
    expect(NO_BROWSER_FOUND).toBe("No supported browser found (Chrome/Brave/Edge/Chromium on macOS, Linux, or Windows).")
  })
})

describe("plugin gating (spec 5.1, captures copy-pluginsallow-*, copy-browser-entry-disabled-*)", () => {
  it("plugins.allow without browser and no browser block removes the surface", () => {
    expect(browserPluginBlocked({ plugins: { allow: ["memory-core", "openai"] } })).toBe(
      "The `openclaw browser` command is unavailable because `plugins.allow` excludes \"browser\". Add \"browser\" to `plugins.allow` if you want that bundled plugin CLI surface."
    )
    expect(browserPluginBlocked({ plugins: { allow: ["memory-core"] }, browser: {} })).toBeUndefined()
    expect(browserPluginBlocked({ plugins: { allow: ["browser"] } })).toBeUndefined()
    expect(browserPluginBlocked({})).toBeUndefined()
    expect(browserPluginBlocked(undefined)).toBeUndefined()
  })

  it("plugins.entries.browser.enabled=false removes it, whatever else is configured", () => {
    expect(browserPluginBlocked({ plugins: { entries: { browser: { enabled: false } } }, browser: { enabled: true } })).toBe(
      "The `openclaw browser` command is unavailable because `plugins.entries.browser.enabled=false`. Re-enable that entry if you want the bundled plugin command surface."
    )
  })
})

describe("SSRF policy", () => {
  const strict = { allowPrivateNetwork: false, allowedHostnames: [] }
  it("knows the private ranges", () => {
    for (const host of ["127.0.0.1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "localhost", "printer.local", "::1", "[fd00::1]", "fe80::1", "::ffff:127.0.0.1"]) {
      expect(isPrivateHost(host), host).toBe(true)
    }
    for (const host of ["8.8.8.8", "172.32.0.1", "example.com", "2606:4700::1111"]) expect(isPrivateHost(host), host).toBe(false)
  })

  it("refuses private targets unless allowed by hostname (wildcards too) or by the dangerous switch", () => {
    expect(navigationProblem("http://127.0.0.1:8080/", strict)).toContain("127.0.0.1 is a private-network address")
    expect(navigationProblem("http://127.0.0.1:8080/", { ...strict, allowedHostnames: ["127.0.0.1"] })).toBeUndefined()
    expect(navigationProblem("http://app.internal/", { ...strict, allowedHostnames: ["*.internal"] })).toBeUndefined()
    expect(navigationProblem("http://10.0.0.1/", { allowPrivateNetwork: true, allowedHostnames: [] })).toBeUndefined()
    expect(navigationProblem("https://example.com/", strict)).toBeUndefined()
    expect(navigationProblem("about:blank", strict)).toBeUndefined()
    expect(navigationProblem("file:///etc/passwd", { allowPrivateNetwork: true, allowedHostnames: [] })).toContain("only http(s)")
  })
})
