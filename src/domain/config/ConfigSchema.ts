import { Schema } from "effect"
import { OPERATOR_SCOPES } from "../protocol/scopes.js"
import {
  AnyRecord,
  NonNegativeInt,
  oneOf,
  PortNumber,
  PositiveInt,
  SecretInput,
  section,
  StringList
} from "./fields.js"
import { opt } from "../opt.js"
import { DiscordSection } from "../channels/discordAccounts.js"
import { SlackSection } from "../channels/slackAccounts.js"
import { HeartbeatVisibilityConfig } from "../heartbeat/visibility.js"

export const LogLevel = oneOf("silent", "fatal", "error", "warn", "info", "debug", "trace")
export const GatewayMode = oneOf("local", "remote")
export const GatewayBind = oneOf("auto", "lan", "loopback", "custom", "tailnet")
export const GatewayAuthMode = oneOf("none", "token", "password", "trusted-proxy")
export const DmPolicy = oneOf("pairing", "allowlist", "open", "disabled")
export const GroupPolicy = oneOf("open", "disabled", "allowlist")
export const ModelApi = oneOf(
  "openai-completions",
  "openai-responses",
  "openai-chatgpt-responses",
  "anthropic-messages",
  "google-generative-ai",
  "google-vertex",
  "github-copilot",
  "bedrock-converse-stream",
  "ollama",
  "azure-openai-responses"
)

export const MetaConfig = section("meta", {
  lastTouchedVersion: opt(Schema.String),
  // Written as a file stamp up to 2026.6.x; kept so older files stay valid (doctor migrates it).
  lastTouchedAt: opt(Schema.Union(Schema.String, Schema.Number)),
  migrations: opt(Schema.Record({ key: Schema.String, value: Schema.Boolean }))
})

export const GatewayConfig = section("gateway", {
  mode: opt(GatewayMode),
  port: opt(PortNumber),
  bind: opt(GatewayBind),
  customBindHost: opt(Schema.String),
  auth: opt(section("gateway.auth", {
    mode: opt(GatewayAuthMode),
    token: opt(SecretInput),
    password: opt(SecretInput),
    allowTailscale: opt(Schema.Boolean),
    rateLimit: opt(section("gateway.auth.rateLimit", {
      maxAttempts: opt(PositiveInt),
      windowMs: opt(PositiveInt),
      lockoutMs: opt(NonNegativeInt),
      exemptLoopback: opt(Schema.Boolean)
    })),
    trustedProxy: opt(section("gateway.auth.trustedProxy", {
      userHeader: Schema.String,
      requiredHeaders: opt(StringList),
      allowUsers: opt(StringList),
      allowLoopback: opt(Schema.Boolean)
    })),
    /** Verified proxy identity -> session-only operator scopes (closed set). */
    identityScopes: opt(Schema.Record({ key: Schema.String, value: Schema.Array(oneOf(...OPERATOR_SCOPES)) }))
  })),
  remote: opt(section("gateway.remote", {
    url: opt(Schema.String),
    transport: opt(oneOf("ssh", "direct")),
    remotePort: opt(PortNumber),
    token: opt(SecretInput),
    password: opt(SecretInput),
    tlsFingerprint: opt(Schema.String),
    sshTarget: opt(Schema.String),
    sshIdentity: opt(Schema.String)
  })),
  controlUi: opt(section("gateway.controlUi", {
    enabled: opt(Schema.Boolean),
    basePath: opt(Schema.String),
    /** Asset directory replacing the bundled `dist/control-ui` (served `no-cache`, no build id). */
    root: opt(Schema.String),
    allowedOrigins: opt(StringList),
    dangerouslyAllowHostHeaderOriginFallback: opt(Schema.Boolean),
    /** Retired upstream: accepted so old configs load, and inert (device identity stays required). */
    dangerouslyDisableDeviceAuth: opt(Schema.Boolean),
    // Surfaced to the page through /control-ui-config.json.
    embedSandbox: opt(oneOf("strict", "scripts", "trusted")),
    allowExternalEmbedUrls: opt(Schema.Boolean),
    automaticallyFetchFavicons: opt(Schema.Boolean),
    communityInvite: opt(Schema.Boolean)
  })),
  trustedProxies: opt(StringList),
  allowRealIpFallback: opt(Schema.Boolean),
  reload: opt(section("gateway.reload", { mode: opt(oneOf("off", "hybrid")) })),
  nodes: opt(section("gateway.nodes", {
    commands: opt(section("gateway.nodes.commands", { allow: opt(StringList), deny: opt(StringList) })),
    pairing: opt(section("gateway.nodes.pairing", { autoApproveLocal: opt(Schema.Boolean) })),
    // Closed objects whose keys are all kept but not acted on yet: a misspelt key is still an error.
    browser: opt(section("gateway.nodes.browser", {})),
    pluginTools: opt(section("gateway.nodes.pluginTools", {}))
  }))
})

export const ModelCompat = section("models.providers.*.models[].compat", {
  requiresStringContent: opt(Schema.Boolean),
  supportsTools: opt(Schema.Boolean),
  supportsDeveloperRole: opt(Schema.Boolean),
  supportsUsageInStreaming: opt(Schema.Boolean),
  supportsReasoningEffort: opt(Schema.Boolean),
  supportsTemperature: opt(Schema.Boolean),
  maxTokensField: opt(oneOf("max_completion_tokens", "max_tokens")),
  requiresToolResultName: opt(Schema.Boolean),
  strictMessageKeys: opt(Schema.Boolean),
  supportsStore: opt(Schema.Boolean),
  supportsStrictMode: opt(Schema.Boolean),
  requiresAssistantAfterToolResult: opt(Schema.Boolean),
  requiresThinkingAsText: opt(Schema.Boolean),
  unsupportedToolSchemaKeywords: opt(StringList)
})

export const ModelDefinition = section("models.providers.*.models[]", {
  id: Schema.String,
  name: opt(Schema.String),
  api: opt(ModelApi),
  baseUrl: opt(Schema.String),
  reasoning: opt(Schema.Boolean),
  input: opt(Schema.Array(oneOf("text", "image", "video", "audio"))),
  cost: opt(AnyRecord),
  contextWindow: opt(Schema.Number.pipe(Schema.positive())),
  contextTokens: opt(PositiveInt),
  maxTokens: opt(Schema.Number.pipe(Schema.positive())),
  params: opt(AnyRecord),
  headers: opt(Schema.Record({ key: Schema.String, value: Schema.String })),
  compat: opt(ModelCompat)
})

export const ProviderConfig = section("models.providers.*", {
  baseUrl: opt(Schema.String),
  apiKey: opt(SecretInput),
  api: opt(ModelApi),
  maxTokens: opt(Schema.Number.pipe(Schema.positive())),
  timeoutSeconds: opt(PositiveInt),
  params: opt(AnyRecord),
  headers: opt(Schema.Record({ key: Schema.String, value: SecretInput })),
  authHeader: opt(Schema.Boolean),
  models: opt(Schema.Array(ModelDefinition))
})

export const ModelsConfig = section("models", {
  mode: opt(oneOf("merge", "replace")),
  providers: opt(Schema.Record({ key: Schema.String, value: ProviderConfig }))
})

export const ModelSelection = Schema.Union(
  Schema.String,
  section("agents.defaults.model", { primary: opt(Schema.String), fallbacks: opt(StringList) })
).annotations({ description: "a \"provider/model\" string or {primary, fallbacks}" })

export const ModelEntry = section("agents.defaults.models.*", {
  alias: opt(Schema.String),
  params: opt(AnyRecord),
  agentRuntime: opt(AnyRecord)
})

export const HeartbeatConfig = section("agents.defaults.heartbeat", {
  every: opt(Schema.String),
  activeHours: opt(section("agents.defaults.heartbeat.activeHours", {
    start: opt(Schema.String),
    end: opt(Schema.String),
    timezone: opt(Schema.String)
  })),
  directPolicy: opt(oneOf("allow", "block")),
  target: opt(Schema.String),
  to: opt(Schema.String),
  accountId: opt(Schema.String),
  model: opt(Schema.String),
  session: opt(Schema.String),
  prompt: opt(Schema.String),
  timeoutSeconds: opt(PositiveInt),
  lightContext: opt(Schema.Boolean),
  isolatedSession: opt(Schema.Boolean)
})

export const AgentsConfig = section("agents", {
  defaults: opt(section("agents.defaults", {
    model: opt(ModelSelection),
    models: opt(Schema.Record({ key: Schema.String, value: ModelEntry })),
    heartbeat: opt(HeartbeatConfig),
    userTimezone: opt(Schema.String),
    /** The agent's workspace folder (`onboard --workspace`); default `<stateDir>/workspace`. */
    workspace: opt(Schema.String),
    timeoutSeconds: opt(NonNegativeInt),
    modelPolicy: opt(section("agents.defaults.modelPolicy", { allow: opt(StringList) }))
  }))
})

const ChatId = Schema.Union(Schema.String, Schema.Number)

export const ChannelGroupConfig = section("channels.telegram.groups.*", {
  requireMention: opt(Schema.Boolean),
  enabled: opt(Schema.Boolean),
  allowFrom: opt(Schema.Array(ChatId)),
  groupPolicy: opt(GroupPolicy)
})

const channelFields = (path: string) => ({
  name: opt(Schema.String),
  enabled: opt(Schema.Boolean),
  dmPolicy: opt(DmPolicy),
  allowFrom: opt(Schema.Array(ChatId)),
  groupPolicy: opt(GroupPolicy),
  groupAllowFrom: opt(Schema.Array(ChatId)),
  groups: opt(Schema.Record({ key: Schema.String, value: ChannelGroupConfig })),
  mentionPatterns: opt(section(`${path}.mentionPatterns`, {
    mode: opt(oneOf("allow", "deny")),
    allowIn: opt(StringList),
    denyIn: opt(StringList)
  })),
  /** Unanswered group messages kept as context for the next mentioned one (0 = off; default 50). */
  historyLimit: opt(NonNegativeInt),
  heartbeatVisibility: opt(HeartbeatVisibilityConfig),
  botToken: opt(SecretInput),
  tokenFile: opt(Schema.String),
  /** The Bot API base URL (a self-hosted Bot API server, or a test fake); default https://api.telegram.org. */
  apiRoot: opt(Schema.String)
})

export const TelegramAccountConfig = section("channels.telegram.accounts.*", channelFields("channels.telegram.accounts.*"))

export const TelegramConfig = section("channels.telegram", {
  ...channelFields("channels.telegram"),
  accounts: opt(Schema.Record({ key: Schema.String, value: TelegramAccountConfig })),
  defaultAccount: opt(Schema.String)
})

export const ChannelsConfig = section("channels", {
  defaults: opt(section("channels.defaults", { groupPolicy: opt(GroupPolicy), heartbeatVisibility: opt(HeartbeatVisibilityConfig) })),
  telegram: opt(TelegramConfig),
  discord: opt(DiscordSection),
  slack: opt(SlackSection)
})

export const CronConfig = section("cron", {
  enabled: opt(Schema.Boolean),
  triggers: opt(section("cron.triggers", { enabled: opt(Schema.Boolean) })),
  sessionRetention: opt(Schema.Union(Schema.String, Schema.Literal(false))),
  webhookToken: opt(SecretInput),
  /** Which private targets automation webhooks (delivery and failure alerts) may reach: none unless listed. */
  webhookSsrfPolicy: opt(section("cron.webhookSsrfPolicy", {
    allowedHostnames: opt(StringList),
    dangerouslyAllowPrivateNetwork: opt(Schema.Boolean),
    allowRfc2544BenchmarkRange: opt(Schema.Boolean),
    allowIpv6UniqueLocalRange: opt(Schema.Boolean)
  })),
  failureAlert: opt(section("cron.failureAlert", {
    enabled: opt(Schema.Boolean),
    after: opt(PositiveInt),
    cooldownMs: opt(NonNegativeInt),
    includeSkipped: opt(Schema.Boolean),
    mode: opt(oneOf("announce", "webhook")),
    accountId: opt(Schema.String),
    channel: opt(Schema.String),
    to: opt(Schema.String)
  }))
})

export const BrowserProfileConfig = section("browser.profiles.*", {
  cdpPort: opt(PortNumber),
  cdpUrl: opt(Schema.String),
  driver: opt(oneOf("openclaw", "extension", "existing-session")),
  attachOnly: opt(Schema.Boolean),
  userDataDir: opt(Schema.String),
  executablePath: opt(Schema.String),
  headless: opt(Schema.Boolean),
  mcpCommand: opt(Schema.String),
  mcpArgs: opt(StringList)
})

export const BrowserSsrfPolicyConfig = section("browser.ssrfPolicy", {
  dangerouslyAllowPrivateNetwork: opt(Schema.Boolean),
  /** Legacy alias of `dangerouslyAllowPrivateNetwork`. */
  allowPrivateNetwork: opt(Schema.Boolean),
  allowedHostnames: opt(StringList),
  allowRfc2544BenchmarkRange: opt(Schema.Boolean),
  allowIpv6UniqueLocalRange: opt(Schema.Boolean)
})

export const BrowserConfig = section("browser", {
  enabled: opt(Schema.Boolean),
  evaluateEnabled: opt(Schema.Boolean),
  executablePath: opt(Schema.String),
  cdpUrl: opt(Schema.String),
  attachOnly: opt(Schema.Boolean),
  headless: opt(Schema.Boolean),
  noSandbox: opt(Schema.Boolean),
  defaultProfile: opt(Schema.String),
  extraArgs: opt(StringList),
  ssrfPolicy: opt(BrowserSsrfPolicyConfig),
  profiles: opt(Schema.Record({ key: Schema.String, value: BrowserProfileConfig }))
})

export const PluginsConfig = section("plugins", {
  enabled: opt(Schema.Boolean),
  allow: opt(StringList),
  deny: opt(StringList),
  entries: opt(AnyRecord)
})

export const LoggingConfig = section("logging", {
  level: opt(LogLevel),
  consoleLevel: opt(LogLevel),
  file: opt(Schema.String),
  maxFileBytes: opt(PositiveInt),
  consoleStyle: opt(oneOf("pretty", "json")),
  redactPatterns: opt(StringList)
})

export const EnvConfig = section("env", {
  vars: opt(Schema.Record({ key: Schema.String, value: Schema.String })),
  shellEnv: opt(section("env.shellEnv", { enabled: opt(Schema.Boolean), timeoutMs: opt(NonNegativeInt) }))
})

/** `tools.exec`: where the agent's exec tool runs and the policy it asks for (the host's approvals may be stricter). */
export const ExecToolConfig = section("tools.exec", {
  host: opt(oneOf("auto", "sandbox", "gateway", "node")),
  node: opt(Schema.String),
  mode: opt(oneOf("deny", "allowlist", "ask", "auto", "full")),
  security: opt(oneOf("deny", "allowlist", "full")),
  ask: opt(oneOf("off", "on-miss", "always")),
  strictInlineEval: opt(Schema.Boolean),
  timeoutSeconds: opt(PositiveInt),
  applyPatch: opt(section("tools.exec.applyPatch", {})),
  reviewer: opt(section("tools.exec.reviewer", {}))
})

export const ToolsConfig = section("tools", {
  exec: opt(ExecToolConfig)
})

/**
 * `auth`: which auth-profile store entries exist (`profiles`, written by onboarding) and the order a
 * provider's profiles are tried in (`order`). Other keys of the original's section are kept as they are.
 */
export const AuthConfig = Schema.Struct({
  profiles: opt(Schema.Record({
    key: Schema.String,
    value: section("auth.profiles.*", { provider: Schema.String, mode: oneOf("api_key", "token", "oauth", "aws-sdk"), email: opt(Schema.String) })
  })),
  order: opt(Schema.Record({ key: Schema.String, value: StringList }))
}, Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/** The whole `openclaw.json`: strict in the sections Clawgate implements, preserving the others. */
export const OpenClawConfig = section("", {
  $schema: opt(Schema.String),
  meta: opt(MetaConfig),
  gateway: opt(GatewayConfig),
  models: opt(ModelsConfig),
  agents: opt(AgentsConfig),
  auth: opt(AuthConfig),
  channels: opt(ChannelsConfig),
  cron: opt(CronConfig),
  browser: opt(BrowserConfig),
  plugins: opt(PluginsConfig),
  logging: opt(LoggingConfig),
  env: opt(EnvConfig),
  tools: opt(ToolsConfig)
})
export type OpenClawConfig = typeof OpenClawConfig.Type
