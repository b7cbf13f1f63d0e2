import { describe, expect, it } from "@effect/vitest"
import { notRunPaths } from "../../src/domain/config/notRun.js"
import { validateConfig } from "../../src/domain/config/validate.js"

const notRunOf = (raw: unknown) => {
  const validated = validateConfig(raw)
  if (validated._tag === "Left") throw new Error(JSON.stringify(validated.left))
  return notRunPaths(validated.right.config, validated.right.unsupported)
}

describe("notRunPaths: what the config keeps but this version does not run", () => {
  it("lists each configured channel it does not run (Telegram, Discord and Slack run; cron and heartbeat run, and not browser), plugins, then the preserved keys, once each", () => {
    expect(notRunOf({
      gateway: { mode: "local", tls: { enabled: true } },
      channels: { defaults: { groupPolicy: "open" }, telegram: { botToken: "x" }, discord: {}, whatsapp: {} },
      cron: { enabled: false },
      agents: { defaults: { heartbeat: { every: "30m" } } },
      browser: {},
      plugins: { allow: ["a"] },
      talk: {}
    })).toEqual(["channels.whatsapp", "plugins", "gateway.tls", "talk"])
  })

  it("is empty for a config that only uses what runs", () => {
    expect(notRunOf({ gateway: { mode: "local", port: 19001 }, models: { providers: {} }, logging: { level: "info" } })).toEqual([])
  })
})
