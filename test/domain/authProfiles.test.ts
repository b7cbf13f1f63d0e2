import { describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import { type AuthProfileFile, storedCredential } from "../../src/domain/auth/authProfiles.js"
import { authOrderOf } from "../../src/domain/models/catalogue.js"
import { describeCredential, resolveCredential } from "../../src/domain/models/credential.js"

const store: AuthProfileFile = {
  version: 1,
  profiles: {
    "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-key" },
    "anthropic:work": { type: "token", provider: "anthropic", token: "sk-ant-oat-work", expires: 2_000 },
    "anthropic:ref": { type: "api_key", provider: "Anthropic", keyRef: { source: "env", provider: "default", id: "TEAM_ANTHROPIC_KEY" } },
    "openai:api-key": { type: "api_key", provider: "openai", key: "sk-openai" }
  }
}

describe("which stored profile a provider uses", () => {
  it("without an order: tokens first, then by id; an expired token is passed over", () => {
    expect(storedCredential(store, "anthropic", undefined, {}, 1_000)).toMatchObject({ profileId: "anthropic:work", type: "token", value: "sk-ant-oat-work" })
    expect(storedCredential(store, "anthropic", undefined, {}, 3_000)).toMatchObject({ profileId: "anthropic:default", value: "sk-ant-key" })
    expect(storedCredential(store, "groq", undefined, {}, 0)).toBeUndefined()
  })

  it("auth.order.<provider> lists the profiles tried, in that order; an unresolved ref is named, never guessed", () => {
    expect(storedCredential(store, "anthropic", ["anthropic:ref", "anthropic:default"], { TEAM_ANTHROPIC_KEY: "sk-team" }, 0))
      .toMatchObject({ profileId: "anthropic:ref", value: "sk-team", ref: "env:TEAM_ANTHROPIC_KEY" })
    expect(storedCredential(store, "anthropic", ["anthropic:ref", "anthropic:default"], {}, 0)).toMatchObject({ profileId: "anthropic:default" })
    expect(storedCredential(store, "anthropic", ["anthropic:ref"], {}, 0)).toEqual({ profileId: "anthropic:ref", type: "api_key", value: undefined, ref: "env:TEAM_ANTHROPIC_KEY", problem: "unresolved env:TEAM_ANTHROPIC_KEY" })
    expect(authOrderOf({ auth: { order: { Anthropic: ["anthropic:ref"], bad: "x" } } })).toEqual({ anthropic: ["anthropic:ref"] })
  })

  it("a usable stored profile comes before config and env; an unusable one falls through and is reported", () => {
    const stored = storedCredential(store, "openai", undefined, {}, 0)
    const fromStore = resolveCredential("openai", "sk-config", { OPENAI_API_KEY: "sk-env" }, stored)
    expect(fromStore.source).toBe("profile:openai:api-key")
    expect(fromStore.value === undefined ? undefined : Redacted.value(fromStore.value)).toBe("sk-openai")
    expect(describeCredential(fromStore)).toBe("api-key via profile:openai:api-key")
    const unusable = storedCredential(store, "anthropic", ["anthropic:ref"], {}, 0)
    const fallback = resolveCredential("anthropic", undefined, { ANTHROPIC_API_KEY: "sk-ant-env" }, unusable)
    expect(fallback).toMatchObject({ source: "env:ANTHROPIC_API_KEY", unresolved: "profile anthropic:ref: unresolved env:TEAM_ANTHROPIC_KEY" })
  })
})
