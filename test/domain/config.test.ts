import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { ConfigIssue } from "../../src/domain/errors.js"
import {
  changedPaths,
  droppedEntries,
  isProtectedPath,
  mergeEntries,
  restartHint
} from "../../src/domain/config/edits.js"
import { substituteEnv } from "../../src/domain/config/envSubstitution.js"
import { hasJson5Comments, parseJson5 } from "../../src/domain/config/json5.js"
import { applyMergePatch } from "../../src/domain/config/mergePatch.js"
import { REDACTED, redactSecrets } from "../../src/domain/config/redact.js"
import { unsupportedNotice, validateConfig, type ValidConfig } from "../../src/domain/config/validate.js"

const valid = (raw: unknown): ValidConfig =>
  Either.match(validateConfig(raw), {
    onLeft: (issues) => expect.fail(`expected a valid config, got: ${JSON.stringify(issues)}`),
    onRight: (result) => result
  })

const issuesOf = (raw: unknown): ReadonlyArray<ConfigIssue> =>
  Either.match(validateConfig(raw), {
    onLeft: (issues) => issues,
    onRight: (result) => expect.fail(`expected issues, got a valid config: ${JSON.stringify(result.config)}`)
  })

const fullConfig = {
  $schema: "https://openclaw.ai/config.schema.json",
  meta: { lastTouchedVersion: "2026.9.6", lastTouchedAt: "2026-07-01T12:00:00.000Z", migrations: { v2: true } },
  gateway: {
    mode: "local",
    port: 18789,
    bind: "loopback",
    auth: {
      mode: "token",
      token: "secret-token",
      allowTailscale: false,
      rateLimit: { maxAttempts: 5, windowMs: 60000, lockoutMs: 0, exemptLoopback: true }
    },
    remote: { url: "wss://gw.example.com", transport: "direct", remotePort: 443 },
    controlUi: { enabled: true, basePath: "/ui", allowedOrigins: ["https://a.example"] },
    trustedProxies: ["10.0.0.1"],
    reload: { mode: "hybrid" }
  },
  models: {
    mode: "merge",
    providers: {
      openai: {
        baseUrl: "https://api.openai.com/v1",
        apiKey: { source: "env", provider: "default", id: "OPENAI_API_KEY" },
        api: "openai-responses",
        models: [{
          id: "gpt-5",
          name: "GPT-5",
          reasoning: true,
          input: ["text", "image"],
          contextWindow: 400000,
          maxTokens: 128000,
          compat: { supportsTools: true, maxTokensField: "max_completion_tokens" }
        }]
      }
    }
  },
  agents: {
    defaults: {
      model: { primary: "openai/gpt-5", fallbacks: ["anthropic/claude"] },
      models: { "openai/gpt-5": { alias: "gpt" } },
      heartbeat: { every: "30m", activeHours: { start: "08:00", end: "22:00" }, directPolicy: "allow" },
      timeoutSeconds: 600
    }
  },
  channels: {
    defaults: { groupPolicy: "allowlist" },
    telegram: {
      enabled: true,
      dmPolicy: "pairing",
      allowFrom: [12345, "@someone"],
      groups: { "-100123": { requireMention: true } },
      tokenFile: "/run/secrets/telegram",
      accounts: { work: { botToken: "123:abc", dmPolicy: "allowlist" } },
      defaultAccount: "work"
    }
  },
  cron: { enabled: true, sessionRetention: false, failureAlert: { enabled: true, after: 3, mode: "announce" } },
  browser: { enabled: true, headless: true, profiles: { main: { cdpPort: 9222, driver: "openclaw" } } },
  plugins: { enabled: true, allow: ["x"], entries: { x: { enabled: true } } },
  logging: { level: "info", consoleStyle: "pretty", maxFileBytes: 1048576 },
  env: { vars: { FOO: "bar" }, shellEnv: { enabled: false, timeoutMs: 0 } }
}

describe("validateConfig", () => {
  it("accepts a full config with nothing unsupported", () => {
    const result = valid(fullConfig)
    expect(result.unsupported).toEqual([])
    expect(result.config).toEqual(fullConfig)
  })

  it("accepts an empty config", () => {
    expect(valid({})).toEqual({ config: {}, unsupported: [] })
  })

  it("reports an unknown key inside an implemented section at the section path", () => {
    expect(issuesOf({ gateway: { port: 18789, foo: 1 } })).toEqual([{ path: "gateway", message: "Unrecognized key: \"foo\"" }])
  })

  it("reports an unknown top-level key at <root>", () => {
    expect(issuesOf({ bogus: true })).toEqual([{ path: "<root>", message: "Unrecognized key: \"bogus\"" }])
  })

  it("reports unknown keys deep inside arrays and records", () => {
    expect(issuesOf({ models: { providers: { p: { models: [{ id: "m", wat: 1 }] } } } })).toEqual([
      { path: "models.providers.p.models[0]", message: "Unrecognized key: \"wat\"" }
    ])
  })

  it("lists the allowed values for a bad enum", () => {
    expect(issuesOf({ gateway: { bind: "everywhere" } })).toEqual([{
      path: "gateway.bind",
      message: "Invalid input (allowed: \"auto\", \"lan\", \"loopback\", \"custom\", \"tailnet\"), got: \"everywhere\"",
      allowedValues: ["auto", "lan", "loopback", "custom", "tailnet"]
    }])
  })

  it("names expected and received types for a wrong type", () => {
    expect(issuesOf({ gateway: { port: "x" } })).toEqual([
      { path: "gateway.port", message: "Invalid input: expected number, received string" }
    ])
    expect(issuesOf({ gateway: "local" })).toEqual([
      { path: "gateway", message: "Invalid input: expected object, received string" }
    ])
  })

  it("uses the port message for an out-of-range port", () => {
    expect(issuesOf({ gateway: { port: 70000 } })).toEqual([
      { path: "gateway.port", message: "Invalid port: expected an integer from 1 to 65535" }
    ])
  })

  it("reports every issue, not only the first", () => {
    const issues = issuesOf({ gateway: { bind: "everywhere", port: "x", foo: 1 }, bogus: 1 })
    expect(issues).toHaveLength(4)
    expect(issues.map((i) => i.path).sort()).toEqual(["<root>", "gateway", "gateway.bind", "gateway.port"])
  })

  it("keeps a top-level section the original supports but we do not implement", () => {
    const raw = { talk: { voice: "x" }, gateway: { mode: "local" } }
    const result = valid(raw)
    expect(result.unsupported).toEqual(["talk"])
    expect(result.config).toEqual(raw)
  })

  it("keeps an unimplemented key inside an implemented section", () => {
    const raw = { gateway: { mode: "local", tls: { enabled: true, certPath: "/c.pem" } } }
    const result = valid(raw)
    expect(result.unsupported).toEqual(["gateway.tls"])
    expect(result.config.gateway).toEqual(raw.gateway)
  })

  it("keeps an unimplemented key deep inside arrays and records", () => {
    const raw = { models: { providers: { x: { models: [{ id: "m", compat: { thinkingFormat: "qwen", supportsTools: true } }] } } } }
    const result = valid(raw)
    expect(result.unsupported).toEqual(["models.providers.x.models[0].compat.thinkingFormat"])
    expect(result.config).toEqual(raw)
  })

  it("Discord and Slack: the original's keys this version does not read are kept and reported; any other key is an error naming its path", () => {
    const raw = {
      channels: {
        discord: { token: "t", voice: { enabled: true }, guilds: { "1": { slug: "home", channels: { "2": { autoThread: true, requireMention: false } } } } },
        slack: { botToken: "b", appToken: "a", unfurlLinks: false, channels: { C1: { systemPrompt: "be brief" } } }
      }
    }
    const result = valid(raw)
    expect(result.unsupported).toEqual([
      "channels.discord.voice",
      "channels.discord.guilds[\"1\"].slug",
      "channels.discord.guilds[\"1\"].channels[\"2\"].autoThread",
      "channels.slack.unfurlLinks",
      "channels.slack.channels.C1.systemPrompt"
    ])
    expect(result.config).toEqual(raw)
    // As the original words it (and as telegram's section does): the object's path and the key.
    const issue = (raw: unknown) => issuesOf(raw).map((i) => `${i.path}: ${i.message}`)
    expect(issue({ channels: { discord: { tokn: "t" } } })).toEqual(["channels.discord: Unrecognized key: \"tokn\""])
    expect(issue({ channels: { slack: { accounts: { work: { botTokn: "b" } } } } })).toEqual(["channels.slack.accounts.work: Unrecognized key: \"botTokn\""])
    expect(issue({ channels: { discord: { guilds: { "1": { channels: { "2": { requireMentions: true } } } } } } })).toEqual(["channels.discord.guilds[\"1\"].channels[\"2\"]: Unrecognized key: \"requireMentions\""])
  })

  it("tools.exec and gateway.nodes: the original's keys validate, the ones not acted on are reported, any other key is an error naming its path", () => {
    const raw = {
      gateway: { nodes: { commands: { allow: ["camera.snap"], deny: ["sms.send"] }, pairing: { autoApproveLocal: true, autoApproveCidrs: ["10.0.0.0/8"] }, browser: { mode: "auto" }, allowSkills: true } },
      tools: { exec: { host: "gateway", node: "mac", mode: "ask", security: "allowlist", ask: "on-miss", strictInlineEval: true, timeoutSeconds: 30, safeBins: ["jq"], applyPatch: { enabled: true } }, profile: "coding" }
    }
    const result = valid(raw)
    expect(result.config).toEqual(raw)
    expect(result.unsupported).toEqual(expect.arrayContaining([
      "gateway.nodes.pairing.autoApproveCidrs",
      "gateway.nodes.browser.mode",
      "gateway.nodes.allowSkills",
      "tools.exec.safeBins",
      "tools.exec.applyPatch.enabled",
      "tools.profile"
    ]))
    expect(result.unsupported).not.toContain("tools.exec.host")
    const issue = (raw: unknown) => issuesOf(raw).map((i) => `${i.path}: ${i.message}`)
    expect(issue({ tools: { exec: { hots: "node" } } })).toEqual(["tools.exec: Unrecognized key: \"hots\""])
    expect(issue({ tools: { exek: {} } })).toEqual(["tools: Unrecognized key: \"exek\""])
    expect(issue({ tools: { exec: { applyPatch: { enable: true } } } })).toEqual(["tools.exec.applyPatch: Unrecognized key: \"enable\""])
    expect(issue({ gateway: { nodes: { command: { allow: [] } } } })).toEqual(["gateway.nodes: Unrecognized key: \"command\""])
    expect(issue({ gateway: { nodes: { commands: { allow: ["a"], denied: ["b"] } } } })).toEqual(["gateway.nodes.commands: Unrecognized key: \"denied\""])
    expect(issue({ gateway: { nodes: { browser: { nod: "x" } } } })).toEqual(["gateway.nodes.browser: Unrecognized key: \"nod\""])
    // Values are checked too: the original's closed sets.
    expect(issue({ tools: { exec: { host: "docker" } } })[0]).toBe("tools.exec.host: Invalid input (allowed: \"auto\", \"sandbox\", \"gateway\", \"node\"), got: \"docker\"")
    expect(issue({ tools: { exec: { ask: "sometimes" } } })[0]).toMatch(/^tools\.exec\.ask: /)
    expect(issue({ gateway: { nodes: { commands: { allow: "camera.snap" } } } })[0]).toMatch(/^gateway\.nodes\.commands\.allow: /)
  })

  it("says once that a preserved path is not supported", () => {
    expect(unsupportedNotice("gateway.tls")).toBe("gateway.tls: not supported by this version, ignored")
  })

  it("accepts a SecretRef for gateway.auth.token", () => {
    const raw = { gateway: { auth: { mode: "token", token: { source: "env", provider: "default", id: "GATEWAY_TOKEN" } } } }
    const result = valid(raw)
    expect(result.config).toEqual(raw)
  })

  it("names the missing fields of an incomplete SecretRef", () => {
    expect(issuesOf({ gateway: { auth: { token: { source: "env" } } } })).toEqual([
      { path: "gateway.auth.token.provider", message: "Invalid input: expected string, received undefined" },
      { path: "gateway.auth.token.id", message: "Invalid input: expected string, received undefined" }
    ])
  })

  it("describes a secret of the wrong type", () => {
    expect(issuesOf({ gateway: { auth: { token: 42 } } })).toEqual([{
      path: "gateway.auth.token",
      message: "Invalid input: expected a string or a SecretRef object {source, provider, id}, received number"
    }])
  })
})

describe("substituteEnv", () => {
  it("replaces ${VAR} in nested strings", () => {
    const result = substituteEnv(
      { gateway: { auth: { token: "${GW_TOKEN}" } }, list: ["a-${SUFFIX}", 3], flag: true },
      { GW_TOKEN: "t0k3n", SUFFIX: "z" }
    )
    expect(result).toEqual({ value: { gateway: { auth: { token: "t0k3n" } }, list: ["a-z", 3], flag: true }, missing: [] })
  })

  it("keeps $${VAR} as the literal ${VAR}", () => {
    expect(substituteEnv({ a: "$${HOME}" }, { HOME: "/home/u" })).toEqual({ value: { a: "${HOME}" }, missing: [] })
  })

  it("leaves a missing variable literal and reports it once", () => {
    const result = substituteEnv({ a: "${NOPE}", b: "x${NOPE}y", c: "${SET}" }, { SET: "ok" })
    expect(result.value).toEqual({ a: "${NOPE}", b: "x${NOPE}y", c: "ok" })
    expect(result.missing).toEqual(["NOPE"])
  })

  it("does not mutate the input", () => {
    const input = { a: "${X}" }
    substituteEnv(input, { X: "1" })
    expect(input).toEqual({ a: "${X}" })
  })

  it("ignores lowercase names and plain $VAR", () => {
    expect(substituteEnv({ a: "${lower}", b: "$UPPER" }, { lower: "x", UPPER: "y" })).toEqual({
      value: { a: "${lower}", b: "$UPPER" },
      missing: []
    })
  })
})

describe("redactSecrets", () => {
  it("replaces secret strings with ***", () => {
    expect(REDACTED).toBe("***")
    expect(redactSecrets({ gateway: { auth: { token: "abc", password: "pw", mode: "token" } } })).toEqual({
      gateway: { auth: { token: "***", password: "***", mode: "token" } }
    })
    expect(redactSecrets({ models: { providers: { p: { apiKey: "sk-1" } } }, channels: { telegram: { botToken: "1:a" } } }))
      .toEqual({ models: { providers: { p: { apiKey: "***" } } }, channels: { telegram: { botToken: "***" } } })
  })

  it("keeps file paths to secrets", () => {
    expect(redactSecrets({ channels: { telegram: { tokenFile: "/run/secrets/tg" } } })).toEqual({
      channels: { telegram: { tokenFile: "/run/secrets/tg" } }
    })
  })

  it("keeps SecretRef objects visible", () => {
    const ref = { source: "env", provider: "default", id: "GATEWAY_TOKEN" }
    expect(redactSecrets({ gateway: { auth: { token: ref } } })).toEqual({ gateway: { auth: { token: ref } } })
  })

  it("keeps non-string values under token-like keys", () => {
    const input = { models: { providers: { p: { maxTokens: 4096, models: [{ id: "m", maxTokens: 8192, contextTokens: 1000 }] } } } }
    expect(redactSecrets(input)).toEqual(input)
  })

  it("redacts strings in arrays under a secret key", () => {
    expect(redactSecrets({ tokens: ["a", "b"] })).toEqual({ tokens: ["***", "***"] })
  })
})

describe("applyMergePatch", () => {
  it("merges objects recursively", () => {
    expect(applyMergePatch({ gateway: { port: 1, mode: "local" } }, { gateway: { port: 2 }, logging: { level: "debug" } }))
      .toEqual({ gateway: { port: 2, mode: "local" }, logging: { level: "debug" } })
  })

  it("replaces arrays", () => {
    expect(applyMergePatch({ a: { list: [1, 2, 3] } }, { a: { list: [9] } })).toEqual({ a: { list: [9] } })
  })

  it("deletes keys patched to null", () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { c: null } })).toEqual({ b: { d: 3 } })
  })

  it("replaces a listed path as a whole", () => {
    const target = { agents: { defaults: { models: { old: { alias: "o" } }, timeoutSeconds: 1 } } }
    const patch = { agents: { defaults: { models: { fresh: { alias: "f" } } } } }
    expect(applyMergePatch(target, patch, new Set(["agents.defaults.models"]))).toEqual({
      agents: { defaults: { models: { fresh: { alias: "f" } }, timeoutSeconds: 1 } }
    })
    expect(applyMergePatch(target, patch)).toEqual({
      agents: { defaults: { models: { old: { alias: "o" }, fresh: { alias: "f" } }, timeoutSeconds: 1 } }
    })
  })

  it("does not mutate the target", () => {
    const target = { a: { b: 1 } }
    applyMergePatch(target, { a: { b: 2, c: 3 } })
    expect(target).toEqual({ a: { b: 1 } })
  })

  it("skips prototype-polluting keys", () => {
    const patch = JSON.parse("{\"__proto__\": {\"polluted\": true}, \"ok\": 1}") as unknown
    const result = applyMergePatch({}, patch)
    expect(result).toEqual({ ok: 1 })
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
  })
})

describe("edits", () => {
  it("knows the protected maps", () => {
    expect(isProtectedPath(["agents", "defaults", "models"])).toBe(true)
    expect(isProtectedPath(["models", "providers"])).toBe(true)
    expect(isProtectedPath(["models", "providers", "openai"])).toBe(true)
    expect(isProtectedPath(["models", "providers", "openai", "models"])).toBe(true)
    expect(isProtectedPath(["plugins", "entries"])).toBe(true)
    expect(isProtectedPath(["agents", "defaults", "models", "openai/gpt-5"])).toBe(false)
    expect(isProtectedPath(["gateway", "port"])).toBe(false)
    expect(isProtectedPath(["models"])).toBe(false)
  })

  it("lists the entries a replacement would drop", () => {
    expect(droppedEntries({ a: 1, b: 2, c: 3 }, { b: 9 })).toEqual(["a", "c"])
    expect(droppedEntries({ a: 1 }, "scalar")).toEqual(["a"])
    expect(droppedEntries([{ id: "x" }, { id: "y" }], [{ id: "y" }, { id: "z" }])).toEqual(["x"])
    expect(droppedEntries(["p", "q"], ["p"])).toEqual(["1"])
    expect(droppedEntries(undefined, { a: 1 })).toEqual([])
    expect(droppedEntries({ a: 1 }, { a: 2, b: 3 })).toEqual([])
  })

  it("merges entries without dropping any", () => {
    expect(mergeEntries({ a: 1, b: 2 }, { b: 3, c: 4 })).toEqual({ a: 1, b: 3, c: 4 })
    expect(mergeEntries([{ id: "x", v: 1 }, { id: "y", v: 1 }], [{ id: "y", v: 2 }, { id: "z", v: 1 }])).toEqual([
      { id: "x", v: 1 },
      { id: "y", v: 2 },
      { id: "z", v: 1 }
    ])
    expect(mergeEntries(undefined, { a: 1 })).toEqual({ a: 1 })
    expect(mergeEntries({ a: 1 }, "scalar")).toBe("scalar")
  })

  it("chooses the restart hint", () => {
    expect(restartHint([["gateway", "port"]])).toBe("Restart the gateway to apply.")
    expect(restartHint([["agents", "defaults", "models"]])).toBe("Change will apply without restarting the gateway.")
    expect(restartHint([["logging", "level"]])).toBe("No gateway restart needed.")
    expect(restartHint([["meta"]])).toBe("No gateway restart needed.")
    expect(restartHint([["meta", "lastTouchedVersion"]])).toBe("No gateway restart needed.")
    expect(restartHint([["gateway", "remote", "url"]])).toBe("No gateway restart needed.")
    expect(restartHint([])).toBe("No gateway restart needed.")
  })

  it("lets restart win over hot reload, and hot reload over none", () => {
    expect(restartHint([["logging", "level"], ["agents", "defaults", "models"]]))
      .toBe("Change will apply without restarting the gateway.")
    expect(restartHint([["agents", "defaults", "models"], ["gateway", "port"], ["meta"]])).toBe("Restart the gateway to apply.")
  })

  it("finds the changed leaf paths, descending into added sections", () => {
    expect(changedPaths(
      { gateway: { port: 1, mode: "local" }, meta: { a: 1 } },
      { gateway: { port: 2, mode: "local" }, logging: { level: "debug" }, meta: { a: 1 } }
    )).toEqual([["gateway", "port"], ["logging", "level"]])
  })
})

describe("parseJson5", () => {
  it("parses JSON5 with comments, trailing commas and a BOM", () => {
    expect(parseJson5("\uFEFF{\n  // c\n  gateway: { port: 18789, },\n}")).toEqual(Either.right({ gateway: { port: 18789 } }))
  })

  it("carries line and column of the failure", () => {
    const result = parseJson5("{\n  gateway: {\n    port: 18789,,\n  }\n}")
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left.line).toBe(3)
      expect(result.left.column).toBe(17)
      expect(result.left.message).toContain("invalid character ','")
    }
  })

  it("reports a truncated document", () => {
    const result = parseJson5("{ a: 1")
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left.line).toBe(1)
      expect(typeof result.left.column).toBe("number")
    }
  })
})

describe("hasJson5Comments", () => {
  it("finds line and block comments", () => {
    expect(hasJson5Comments("{\n  // note\n  a: 1\n}")).toBe(true)
    expect(hasJson5Comments("{ /* note */ a: 1 }")).toBe(true)
  })

  it("ignores comment markers inside strings", () => {
    expect(hasJson5Comments("{ \"url\": \"https://example.com\" }")).toBe(false)
    expect(hasJson5Comments("{ url: 'http://x/*y*/' }")).toBe(false)
    expect(hasJson5Comments("{ a: \"escaped \\\" // still string\" }")).toBe(false)
  })

  it("returns false for plain JSON", () => {
    expect(hasJson5Comments("{\"a\": 1, \"b\": [1, 2]}")).toBe(false)
  })
})
