import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { PROVIDER_KEY_FLAGS } from "../../src/domain/setup/providerKeyFlags.js"
import { parsePort, WIZARD_PROVIDERS, type WizardTarget, wizardDefaults, wizardSummary, withWizardAnswers } from "../../src/domain/setup/wizardAnswers.js"

const flags: WizardTarget & { readonly json: boolean } = {
  interactive: true,
  nonInteractive: false,
  mode: undefined,
  authChoice: undefined,
  gateway: { tokenRefEnv: undefined },
  remote: {},
  providerAuth: { keys: { "openai-api-key": "sk-flag" }, secretInputMode: "ref" },
  json: true
}

describe("the interactive onboarding's answers (pure)", () => {
  it("questions start from the flags, else the config, else the defaults", () => {
    expect(wizardDefaults({}, flags)).toEqual({ mode: "local", port: 18789, bind: "loopback", auth: "token", hasToken: false, hasPassword: false, remoteUrl: "" })
    const configured = { gateway: { mode: "remote", port: 19222, bind: "lan", auth: { mode: "password", password: "pw" }, remote: { url: "wss://gw.example" } } }
    expect(wizardDefaults(configured, flags)).toEqual({ mode: "remote", port: 19222, bind: "lan", auth: "password", hasToken: false, hasPassword: true, remoteUrl: "wss://gw.example" })
    expect(wizardDefaults(configured, { ...flags, mode: "local", gateway: { port: 20000, bind: "tailnet", auth: "token" } })).toMatchObject({ mode: "local", port: 20000, bind: "tailnet", auth: "token" })
    // A custom bind is not offered (its host is not asked): the question starts at loopback.
    expect(wizardDefaults({ gateway: { bind: "custom", auth: { token: "t" } } }, flags)).toMatchObject({ bind: "loopback", hasToken: true })
  })

  it("a port is a whole number from 1 to 65535", () => {
    expect(parsePort(" 19555 ")).toEqual(Either.right(19555))
    for (const bad of ["0", "65536", "18789x", "", "-1", "1.5"]) expect(Either.isLeft(parsePort(bad)), bad).toBe(true)
  })

  it("local answers become the gateway flags; a chosen provider's key replaces the key flags, stored as plaintext", () => {
    const options = withWizardAnswers(flags, { mode: "local", port: 19555, bind: "lan", auth: "token", password: undefined, providerKey: { flag: "anthropic-api-key", key: "sk-ant-typed" } })
    expect(options).toMatchObject({ interactive: false, nonInteractive: true, mode: "local", json: true, authChoice: "apiKey" })
    expect(options.gateway).toEqual({ tokenRefEnv: undefined, port: 19555, bind: "lan", auth: "token", password: undefined })
    expect(options.providerAuth).toMatchObject({ authChoice: "apiKey", secretInputMode: "plaintext" })
    expect(Object.entries(options.providerAuth.keys).filter(([, v]) => v !== undefined)).toEqual([["anthropic-api-key", "sk-ant-typed"]])
    const skipped = withWizardAnswers(flags, { mode: "local", port: 1, bind: "loopback", auth: "password", password: "pw", providerKey: undefined })
    expect(skipped.gateway).toMatchObject({ auth: "password", password: "pw" })
    expect(skipped.providerAuth).toBe(flags.providerAuth)
  })

  it("remote answers become the remote flags, a blank token none", () => {
    expect(withWizardAnswers(flags, { mode: "remote", url: " wss://gw.example:18789 ", token: " " })).toMatchObject({ mode: "remote", nonInteractive: true, remote: { url: "wss://gw.example:18789", token: undefined } })
  })

  it("the summary names every choice and never a secret", () => {
    const defaults = wizardDefaults({}, flags)
    const local = wizardSummary({ mode: "local", port: 19555, bind: "lan", auth: "password", password: "hunter2-secret", providerKey: { flag: "openai-api-key", key: "sk-secret" } }, defaults)
    expect(local).toEqual(["Gateway: local, port 19555, bind lan", "Auth: password (set, hidden)", "Model provider key: OpenAI (hidden; saved to the auth-profile store)"])
    expect(wizardSummary({ mode: "local", port: 18789, bind: "loopback", auth: "token", password: undefined, providerKey: undefined }, defaults)[1]).toBe("Auth: token (a new one is generated)")
    expect(wizardSummary({ mode: "remote", url: "wss://gw", token: "rtok-secret" }, defaults).join("\n")).not.toContain("rtok-secret")
  })

  it("offers only providers the key flags support", () => {
    expect(WIZARD_PROVIDERS.map((p) => p.row.flag)).toEqual(["anthropic-api-key", "openai-api-key", "gemini-api-key", "openrouter-api-key"])
    for (const p of WIZARD_PROVIDERS) expect(PROVIDER_KEY_FLAGS).toContain(p.row)
  })
})
