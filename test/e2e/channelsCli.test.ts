import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { freePort } from "../support/gatewayProcess.js"
import { homeWithConfig, runCliAsync } from "../support/runCliAsync.js"

const TOKEN = "123456789:AAbogusbogusbogusbogusbogusbogusbog"

// Each step spawns the CLI: generous timeouts for a loaded machine.
describe("channels and pairing commands without a gateway", { timeout: 60_000 }, () => {
  it("channels add / list / remove edit config through the write guard and print the original's lines", async () => {
    const port = await freePort()
    const home = homeWithConfig({ gateway: { mode: "local", port } })
    const empty = await runCliAsync(home.home, ["channels", "list"])
    expect(empty.stdout).toBe("Chat channels:\n- no configured chat channels (run `openclaw channels list --all` to see installable channels)\n\nModel provider usage moved out of `channels list` — see `openclaw status` or `openclaw models list`.\nDocs: https://docs.openclaw.ai/gateway/configuration\n")

    // The hint's own command answers with the channels this version runs, each with how to set it up.
    const all = await runCliAsync(home.home, ["channels", "list", "--all"])
    expect(all.stdout).toContain("- Telegram: installed, not configured (openclaw channels add --channel telegram --token <token>)\n- Discord: installed, not configured (openclaw channels add --channel discord --token <bot token>)\n- Slack: installed, not configured (openclaw channels add --channel slack --bot-token <xoxb-…> --app-token <xapp-…>)\n- Web chat: built in (the gateway's chat.* methods; no account to configure)\n")
    expect(all.stdout).not.toContain("channels list --all")

    const added = await runCliAsync(home.home, ["channels", "add", "--channel", "telegram", "--token", TOKEN])
    expect(added).toMatchObject({ code: 0, stdout: "Added Telegram account \"default\".\n" })
    const config = JSON.parse(fs.readFileSync(home.configPath, "utf8"))
    expect(config.channels.telegram).toEqual({ enabled: true, botToken: TOKEN })
    expect(fs.statSync(home.configPath).mode & 0o777).toBe(0o600)

    const listed = await runCliAsync(home.home, ["channels", "list"])
    expect(listed.stdout).toContain("- Telegram default: installed, configured, enabled, token=***\n")
    expect(listed.stdout).not.toContain(TOKEN)
    expect((await runCliAsync(home.home, ["channels", "list", "--all"])).stdout).not.toContain("- Telegram: installed, not configured")

    const status = await runCliAsync(home.home, ["channels", "status", "--probe", "--timeout", "1000"])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain("Checking channel status (probe)…\nGateway not reachable; showing config-only status.\n")
    expect(status.stdout).toContain(`Config: ${home.configPath}\nMode: local\n\n- Telegram default: enabled, configured, mode:polling, token:***\n`)
    expect(status.stderr).toContain("Gateway not reachable")
    const json = JSON.parse((await runCliAsync(home.home, ["channels", "status", "--json", "--timeout", "1000"])).stdout)
    expect(json).toMatchObject({ gatewayReachable: false, configOnly: true, config: { path: home.configPath, mode: "local" }, configuredChannels: ["telegram"] })

    const removed = await runCliAsync(home.home, ["channels", "remove", "--channel", "telegram"])
    expect(removed.stdout).toBe("Disabled Telegram account \"default\".\nRestart the gateway to apply.\n")
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).channels.telegram.enabled).toBe(false)
    const deleted = await runCliAsync(home.home, ["channels", "remove", "--channel", "telegram", "--delete"])
    expect(deleted.code).toBe(0)
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).channels?.telegram).toBeUndefined()
  })

  it("bad input says what was wrong and what to run next, exit 1", async () => {
    const home = homeWithConfig({ gateway: { mode: "local" } })
    const noToken = await runCliAsync(home.home, ["channels", "add", "--channel", "telegram"])
    expect(noToken.code).toBe(1)
    expect(noToken.stderr).toContain("Telegram needs exactly one of --token <token>, --token-file <path> or --use-env.")
    const unknown = await runCliAsync(home.home, ["channels", "add", "--channel", "whatsapp", "--token", "x"])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("Unknown or unsupported channel: whatsapp (this version runs: telegram, discord, slack).")
    const halfSlack = await runCliAsync(home.home, ["channels", "add", "--channel", "slack", "--bot-token", "xoxb-1"])
    expect(halfSlack.code).toBe(1)
    expect(halfSlack.stderr).toContain("Slack (Socket Mode) needs both --bot-token <xoxb-…> and --app-token <xapp-…>")
    expect(halfSlack.stderr).toContain("Next: openclaw channels add --channel slack --bot-token <xoxb-…> --app-token <xapp-…>")
    const logout = await runCliAsync(home.home, ["channels", "logout", "--channel", "telegram"])
    expect(logout.code).toBe(1)
    expect(logout.stderr).toContain("Next: openclaw channels remove --channel telegram --delete")
    const pairing = await runCliAsync(home.home, ["pairing", "list"])
    expect(pairing.code).toBe(1)
    expect(pairing.stderr).toContain("No chat DM pairing channels are configured. To approve a TUI or device request, use openclaw devices approve instead.")
  })

  it("channels add / remove for Discord and Slack write their own fields through the write guard", async () => {
    const port = await freePort()
    const home = homeWithConfig({ gateway: { mode: "local", port } })
    expect(await runCliAsync(home.home, ["channels", "add", "--channel", "discord", "--token", "discord-bot-token"])).toMatchObject({ code: 0, stdout: "Added Discord account \"default\".\n" })
    expect(await runCliAsync(home.home, ["channels", "add", "slack", "--account", "work", "--bot-token", "xoxb-9", "--app-token", "xapp-9", "--name", "Work"])).toMatchObject({ code: 0, stdout: "Added Slack account \"work\".\n" })
    const config = JSON.parse(fs.readFileSync(home.configPath, "utf8"))
    expect(config.channels.discord).toEqual({ enabled: true, token: "discord-bot-token" })
    expect(config.channels.slack).toEqual({ accounts: { work: { enabled: true, botToken: "xoxb-9", appToken: "xapp-9", name: "Work" } } })
    expect((await runCliAsync(home.home, ["config", "validate"])).code).toBe(0)
    const listed = await runCliAsync(home.home, ["channels", "list"])
    expect(listed.stdout).toContain("- Discord default: installed, configured, enabled")
    expect(listed.stdout).not.toContain("discord-bot-token")
    expect((await runCliAsync(home.home, ["channels", "remove", "--channel", "slack", "--account", "work"])).stdout).toBe("Disabled Slack account \"work\".\nRestart the gateway to apply.\n")
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).channels.slack.accounts.work.enabled).toBe(false)
    const missing = await runCliAsync(home.home, ["channels", "remove", "--channel", "slack", "--account", "home"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("Slack has no account \"home\" in config.")
    expect((await runCliAsync(home.home, ["channels", "remove", "--channel", "discord", "--delete"])).code).toBe(0)
    expect(JSON.parse(fs.readFileSync(home.configPath, "utf8")).channels?.discord).toBeUndefined()
    const logout = await runCliAsync(home.home, ["channels", "logout", "--channel", "discord"])
    expect(logout.stderr).toContain("(then revoke the token in the Discord Developer Portal (Bot → Reset Token))")
  })

  it("pairing list on a configured channel with nothing pending", async () => {
    const home = homeWithConfig({ gateway: { mode: "local" }, channels: { telegram: { botToken: TOKEN } } })
    expect((await runCliAsync(home.home, ["pairing", "list", "--channel", "telegram"])).stdout).toBe("No pending telegram pairing requests.\n")
    expect((await runCliAsync(home.home, ["pairing", "list", "telegram"])).stdout).toBe("No pending telegram pairing requests.\n")
    expect(JSON.parse((await runCliAsync(home.home, ["pairing", "list", "--channel", "telegram", "--json"])).stdout)).toEqual({ channel: "telegram", requests: [] })
  })

  it("Discord and Slack accounts from config: listed, and shown config-only (sources, never secrets) when the gateway is down", async () => {
    const port = await freePort()
    const home = homeWithConfig({ gateway: { mode: "local", port }, channels: { discord: { token: "discord-secret-token" }, slack: { botToken: "xoxb-secret", appToken: "xapp-secret" } } })
    const listed = await runCliAsync(home.home, ["channels", "list"])
    expect(listed.stdout).toContain("- Discord default: installed, configured, enabled\n- Slack default: installed, configured, enabled\n")
    const status = await runCliAsync(home.home, ["channels", "status"])
    expect(status.stdout).toContain("- Discord default: enabled, configured, token:***\n- Slack default: enabled, configured, mode:socket, bot:config, app:config\n")
    const json = JSON.parse((await runCliAsync(home.home, ["channels", "status", "--json"])).stdout)
    expect(json.configuredChannels).toEqual(["discord", "slack"])
    for (const out of [listed.stdout, status.stdout]) expect(out).not.toMatch(/secret/)
  })
})
