/**
 * What `channels add` writes for each channel this version runs: its credential flags, the fields they
 * set in the account (a `null` removes a field the other source set), and the environment variable
 * that serves the default account instead.
 */
export interface CredentialFlags {
  readonly token?: string | undefined
  readonly tokenFile?: string | undefined
  readonly botToken?: string | undefined
  readonly appToken?: string | undefined
  readonly useEnv: boolean
}

interface ChannelSetup {
  readonly label: string
  /** The account fields the flags set, or why they do not fit this channel (with the flags it takes). */
  readonly fields: (flags: CredentialFlags) => { readonly fields: Record<string, unknown> } | { readonly problem: string }
  readonly env: string
  readonly example: string
}

const exactlyOne = (label: string, choices: string, given: ReadonlyArray<unknown>) =>
  given.filter((v) => v !== undefined && v !== false).length === 1 ? undefined : `${label} needs exactly one of ${choices}.`

export const CHANNEL_SETUP: Readonly<Record<string, ChannelSetup>> = {
  telegram: {
    label: "Telegram",
    env: "TELEGRAM_BOT_TOKEN",
    example: "openclaw channels add --channel telegram --token <token>",
    fields: (f) => {
      const problem = exactlyOne("Telegram", "--token <token>, --token-file <path> or --use-env", [f.token, f.tokenFile, f.useEnv])
      if (problem !== undefined) return { problem }
      if (f.token !== undefined) return { fields: { botToken: f.token.trim(), tokenFile: null } }
      if (f.tokenFile !== undefined) return { fields: { tokenFile: f.tokenFile, botToken: null } }
      return { fields: { botToken: null, tokenFile: null } }
    }
  },
  discord: {
    label: "Discord",
    env: "DISCORD_BOT_TOKEN",
    example: "openclaw channels add --channel discord --token <bot token>",
    fields: (f) => {
      const problem = exactlyOne("Discord", "--token <bot token> or --use-env", [f.token, f.useEnv])
      if (problem !== undefined) return { problem }
      return { fields: { token: f.token === undefined ? null : f.token.trim() } }
    }
  },
  slack: {
    label: "Slack",
    env: "SLACK_BOT_TOKEN",
    example: "openclaw channels add --channel slack --bot-token <xoxb-…> --app-token <xapp-…>",
    fields: (f) => {
      if (f.useEnv && f.botToken === undefined && f.appToken === undefined) return { fields: { botToken: null, appToken: null } }
      if (f.botToken === undefined || f.appToken === undefined || f.useEnv) {
        return { problem: "Slack (Socket Mode) needs both --bot-token <xoxb-…> and --app-token <xapp-…>, or --use-env (SLACK_BOT_TOKEN and SLACK_APP_TOKEN)." }
      }
      return { fields: { botToken: f.botToken.trim(), appToken: f.appToken.trim() } }
    }
  }
}
