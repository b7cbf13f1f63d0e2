import { describe, expect, it } from "@effect/vitest"
import type { OpenClawConfig } from "../../src/domain/config/ConfigSchema.js"
import { resolveClientTarget } from "../../src/domain/protocol/clientCredentials.js"

const local = { gateway: { mode: "local", port: 19001, auth: { mode: "token", token: "config-token" } } } as OpenClawConfig
const remote = {
  gateway: { mode: "remote", auth: { token: "local-token", password: "local-pw" }, remote: { url: "wss://gw.example:443", token: "remote-token", password: "remote-pw" } }
} as OpenClawConfig

const resolve = (config: OpenClawConfig | undefined, env: Record<string, string> = {}, flags: { url?: string; token?: string; password?: string; port?: number } = {}) =>
  resolveClientTarget({ flags, env, config })

describe("CLI credential precedence (the original's)", () => {
  it("local mode is config-first: a stale OPENCLAW_GATEWAY_TOKEN does not shadow gateway.auth.token", () => {
    expect(resolve(local, { OPENCLAW_GATEWAY_TOKEN: "stale" })).toMatchObject({ url: "ws://127.0.0.1:19001", token: "config-token", source: "local-config" })
  })

  it("local mode falls back to the env token when the config has none", () => {
    expect(resolve({ gateway: { mode: "local" } } as OpenClawConfig, { OPENCLAW_GATEWAY_TOKEN: "env-token" }).token).toBe("env-token")
  })

  it("explicit --token / --password are used alone", () => {
    expect(resolve(local, { OPENCLAW_GATEWAY_PASSWORD: "env-pw" }, { token: "flag" })).toMatchObject({ token: "flag", password: undefined })
  })

  it("--port (the original's) is the local gateway on that port with the local credentials, whatever the env URL or remote mode say", () => {
    expect(resolve(local, { OPENCLAW_GATEWAY_URL: "ws://10.0.0.9:1" }, { port: 19555 })).toMatchObject({ url: "ws://127.0.0.1:19555", token: "config-token", explicitUrl: false })
    expect(resolve(remote, {}, { port: 19555 })).toMatchObject({ url: "ws://127.0.0.1:19555", token: "local-token" })
    expect(resolve(local, {}, { port: 19555, url: "ws://10.0.0.2:18789" }).url).toBe("ws://10.0.0.2:18789")
  })

  it("an explicit --url takes no stored or env credentials", () => {
    expect(resolve(local, { OPENCLAW_GATEWAY_TOKEN: "env" }, { url: "ws://10.0.0.2:18789" })).toMatchObject({ token: undefined, password: undefined, explicitUrl: true })
  })

  it("OPENCLAW_GATEWAY_URL takes only the env credentials", () => {
    expect(resolve(local, { OPENCLAW_GATEWAY_URL: "ws://10.0.0.3:18789" })).toMatchObject({ url: "ws://10.0.0.3:18789", token: undefined, source: "env" })
    expect(resolve(local, { OPENCLAW_GATEWAY_URL: "ws://10.0.0.3:18789", OPENCLAW_GATEWAY_TOKEN: "env" }).token).toBe("env")
  })

  it("remote mode: remote token before the env token, env password before the remote one", () => {
    expect(resolve(remote, { OPENCLAW_GATEWAY_TOKEN: "env-token", OPENCLAW_GATEWAY_PASSWORD: "env-pw" }))
      .toMatchObject({ url: "wss://gw.example:443", token: "remote-token", password: "env-pw", source: "remote-config" })
    const bare = { gateway: { mode: "remote", auth: { token: "local-token" }, remote: { url: "wss://gw.example:443" } } } as OpenClawConfig
    expect(resolve(bare, { OPENCLAW_GATEWAY_TOKEN: "env-token" }).token).toBe("env-token")
    expect(resolve(bare).token).toBe("local-token")
  })

  it("a SecretRef to the env resolves in place of the literal", () => {
    const ref = { gateway: { mode: "local", auth: { token: { source: "env", provider: "default", id: "MY_GW_TOKEN" } } } } as OpenClawConfig
    expect(resolve(ref, { MY_GW_TOKEN: "from-ref", OPENCLAW_GATEWAY_TOKEN: "env" }).token).toBe("from-ref")
  })
})
