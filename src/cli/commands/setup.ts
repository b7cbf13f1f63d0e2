import { Command, Options } from "@effect/cli"
import { Effect, Option, Record } from "effect"
import { PROVIDER_KEY_FLAGS } from "../../domain/setup/providerKeyFlags.js"
import { summaryOf } from "../commandSummaries.js"
import { optionalText as text } from "./optionKinds.js"

const gatewayOptions = {
  gatewayPort: Options.integer("gateway-port").pipe(Options.optional, Options.withDescription("Gateway port")),
  gatewayBind: Options.choice("gateway-bind", ["loopback", "tailnet", "lan", "auto", "custom"]).pipe(Options.optional, Options.withDescription("Gateway bind")),
  gatewayAuth: Options.choice("gateway-auth", ["token", "password"]).pipe(Options.optional, Options.withDescription("Gateway auth")),
  gatewayToken: Options.text("gateway-token").pipe(Options.optional, Options.withDescription("Gateway token (token auth; default: keep the configured one, else generate one)")),
  gatewayPassword: Options.text("gateway-password").pipe(Options.optional, Options.withDescription("Gateway password (password auth)")),
  gatewayTokenRefEnv: Options.text("gateway-token-ref-env").pipe(Options.optional, Options.withDescription("Store the gateway token as an env SecretRef to this variable (it must be set now)")),
  nonInteractive: Options.boolean("non-interactive").pipe(Options.withDescription("Run without prompts")),
  // The original spells it `--wizard`, which @effect/cli keeps for its own wizard: src/cli/originalArgs.ts renames it.
  interactive: Options.boolean("interactive").pipe(Options.withDescription("Run interactive onboarding (the original's --wizard; needs a terminal)")),
  installDaemon: Options.boolean("install-daemon", { negationNames: ["no-install-daemon"] }).pipe(Options.withDescription("Install the gateway service after setup (--no-install-daemon: do not; the default)")),
  daemonRuntime: Options.text("daemon-runtime").pipe(Options.optional, Options.withDescription("Runtime of the installed service (node; bun is not supported by this version)")),
  acceptRisk: Options.boolean("accept-risk").pipe(Options.withDescription("Acknowledge that agents are powerful and full system access is risky")),
  json: Options.boolean("json").pipe(Options.withDescription("Print a JSON summary"))
}

// The original's onboarding steps this version has nothing for: accepted so scripts written for it run.
const skipped = {
  skipDaemon: Options.boolean("skip-daemon").pipe(Options.withDescription("Skip gateway service install (this version never installs it here: openclaw gateway install)")),
  skipHealth: Options.boolean("skip-health").pipe(Options.withDescription("Skip the health check")),
  skipChannels: Options.boolean("skip-channels").pipe(Options.withDescription("Skip channel setup (no channels in this version)")),
  skipSkills: Options.boolean("skip-skills").pipe(Options.withDescription("Skip skills setup (no skills in this version)")),
  skipSearch: Options.boolean("skip-search").pipe(Options.withDescription("Skip search provider setup")),
  skipUi: Options.boolean("skip-ui").pipe(Options.withDescription("Skip Control UI prompts")),
  skipHooks: Options.boolean("skip-hooks").pipe(Options.withDescription("Skip hook setup")),
  skipBootstrap: Options.boolean("skip-bootstrap").pipe(Options.withDescription("Skip default workspace files")),
  authChoice: Options.text("auth-choice").pipe(Options.optional, Options.withDescription("Model auth choice: a provider's choice id (e.g. apiKey, openai-api-key, groq-api-key), token, custom-api-key or skip"))
}

// One option per provider credential flag of the original, all from one table; stored in the auth-profile store.
const providerKeyOptions = Options.all(Object.fromEntries(PROVIDER_KEY_FLAGS.map((row) => [row.flag, text(row.flag, row.description)])))

const authOptions = {
  providerKeys: providerKeyOptions,
  cloudflareAccountId: text("cloudflare-ai-gateway-account-id", "Cloudflare Account ID (with --cloudflare-ai-gateway-api-key)"),
  cloudflareGatewayId: text("cloudflare-ai-gateway-gateway-id", "Cloudflare AI Gateway ID (with --cloudflare-ai-gateway-api-key)"),
  secretInputMode: Options.choice("secret-input-mode", ["plaintext", "ref"]).pipe(Options.optional, Options.withDescription("Credential persistence mode: plaintext (default) stores the key; ref stores an env SecretRef to the provider's env var")),
  tokenProvider: text("token-provider", "Token provider id (with --auth-choice token)"),
  token: text("token", "Token value (with --auth-choice token)"),
  tokenProfileId: text("token-profile-id", "Auth profile id (default: <provider>:manual)"),
  tokenExpiresIn: text("token-expires-in", "Optional token expiry duration (e.g. 365d, 12h)")
}

const moreOptions = {
  remoteUrl: text("remote-url", "Remote Gateway WebSocket URL (with --mode remote)"),
  remoteToken: text("remote-token", "Remote Gateway token (optional)"),
  remotePassword: text("remote-password", "Remote Gateway password (optional)"),
  workspace: text("workspace", "Agent workspace folder (stored as agents.defaults.workspace)"),
  reset: Options.boolean("reset").pipe(Options.withDescription("Reset config + credentials + sessions before onboarding (workspace only with --reset-scope full)")),
  resetScope: Options.choice("reset-scope", ["config", "config+creds+sessions", "full"]).pipe(Options.optional, Options.withDescription("Reset scope: config|config+creds+sessions|full")),
  agentName: text("agent-name", "Name for the first agent (this version has the one agent, main)"),
  team: Options.boolean("team").pipe(Options.withDescription("Create a coordinator with specialists (not in this version)")),
  suppressGatewayTokenOutput: Options.boolean("suppress-gateway-token-output").pipe(Options.withDescription("Print nothing about the gateway token or the Control UI handoff")),
  nodeManager: Options.choice("node-manager", ["npm", "pnpm", "bun"]).pipe(Options.optional, Options.withDescription("Node manager for skills: npm|pnpm|bun (no skills in this version)")),
  tailscale: Options.choice("tailscale", ["off", "serve", "funnel"]).pipe(Options.optional, Options.withDescription("Tailscale: off (serve and funnel are not in this version)")),
  importFrom: text("import-from", "Migration provider to run during onboarding (not in this version)"),
  importSource: text("import-source", "Source agent home for --import-from"),
  importSecrets: Options.boolean("import-secrets").pipe(Options.withDescription("Import supported secrets during onboarding migration")),
  classic: Options.boolean("classic").pipe(Options.withDescription("Use the classic multi-step setup wizard (interactive; not in this version)")),
  flow: Options.choice("flow", ["quickstart", "advanced", "manual", "import"]).pipe(Options.optional, Options.withDescription("Onboard flow: quickstart|advanced|manual (one non-interactive path here)|import")),
  tui: Options.boolean("tui").pipe(Options.withDescription("Use the terminal hatch instead of the browser handoff (not in this version)"))
}

const modeOption = Options.choice("mode", ["local", "remote"]).pipe(Options.optional, Options.withDescription("Onboard mode (this version: local)"))

// The original's custom provider flags: an OpenAI- or Anthropic-compatible endpoint becomes models.providers.<id>.
const customOptions = {
  customBaseUrl: Options.text("custom-base-url").pipe(Options.optional, Options.withDescription("Custom provider base URL")),
  customApiKey: Options.text("custom-api-key").pipe(Options.optional, Options.withDescription("Custom provider API key (optional; else CUSTOM_API_KEY; stored in the 0600 config)")),
  customModelId: Options.text("custom-model-id").pipe(Options.optional, Options.withDescription("Custom provider model ID")),
  customProviderId: Options.text("custom-provider-id").pipe(Options.optional, Options.withDescription("Custom provider ID (optional; derived from the URL by default)")),
  customCompatibility: Options.text("custom-compatibility").pipe(Options.optional, Options.withDescription("Custom provider API compatibility: openai|openai-responses|anthropic (default: openai)")),
  customImageInput: Options.boolean("custom-image-input").pipe(Options.withDescription("Mark the custom provider model as image-capable")),
  customTextInput: Options.boolean("custom-text-input").pipe(Options.withDescription("Mark the custom provider model as text-only"))
}

type GatewayArgs =
  & Command.Command.ParseConfig<typeof gatewayOptions>
  & Command.Command.ParseConfig<typeof customOptions>
  & Command.Command.ParseConfig<typeof authOptions>
  & Command.Command.ParseConfig<typeof moreOptions>
  & { readonly authChoice: Option.Option<string> }

/** Options only one of the two commands has. */
interface Extra {
  readonly modern?: boolean
  readonly message?: Option.Option<string>
  readonly yes?: boolean
}

const run = (command: "setup" | "onboard", args: GatewayArgs, baseline: boolean, mode: Option.Option<"local" | "remote">, extra: Extra) =>
  Effect.flatMap(Effect.promise(() => import("../handlers/setup.js")), (m) =>
    m.setup({
      command,
      baseline,
      nonInteractive: args.nonInteractive,
      interactive: args.interactive,
      mode: Option.getOrUndefined(mode),
      json: args.json,
      gateway: {
        port: Option.getOrUndefined(args.gatewayPort),
        bind: Option.getOrUndefined(args.gatewayBind),
        auth: Option.getOrUndefined(args.gatewayAuth),
        token: Option.getOrUndefined(args.gatewayToken),
        password: Option.getOrUndefined(args.gatewayPassword),
        tokenRefEnv: Option.getOrUndefined(args.gatewayTokenRefEnv)
      },
      custom: {
        baseUrl: Option.getOrUndefined(args.customBaseUrl),
        apiKey: Option.getOrUndefined(args.customApiKey),
        modelId: Option.getOrUndefined(args.customModelId),
        providerId: Option.getOrUndefined(args.customProviderId),
        compatibility: Option.getOrUndefined(args.customCompatibility),
        imageInput: args.customTextInput ? false : args.customImageInput ? true : undefined
      },
      customInputConflict: args.customImageInput && args.customTextInput,
      installDaemon: args.installDaemon,
      authChoice: Option.getOrUndefined(args.authChoice),
      daemonRuntime: Option.getOrUndefined(args.daemonRuntime),
      providerAuth: {
        keys: Record.map(args.providerKeys, Option.getOrUndefined),
        cloudflareAccountId: Option.getOrUndefined(args.cloudflareAccountId),
        cloudflareGatewayId: Option.getOrUndefined(args.cloudflareGatewayId),
        authChoice: Option.getOrUndefined(args.authChoice),
        secretInputMode: Option.getOrUndefined(args.secretInputMode),
        tokenProvider: Option.getOrUndefined(args.tokenProvider),
        token: Option.getOrUndefined(args.token),
        tokenProfileId: Option.getOrUndefined(args.tokenProfileId),
        tokenExpiresIn: Option.getOrUndefined(args.tokenExpiresIn)
      },
      remote: { url: Option.getOrUndefined(args.remoteUrl), token: Option.getOrUndefined(args.remoteToken), password: Option.getOrUndefined(args.remotePassword) },
      workspace: Option.getOrUndefined(args.workspace),
      reset: args.reset,
      resetScope: Option.getOrUndefined(args.resetScope),
      agentName: Option.getOrUndefined(args.agentName),
      suppressTokenOutput: args.suppressGatewayTokenOutput,
      nodeManager: Option.getOrUndefined(args.nodeManager),
      tailscale: Option.getOrUndefined(args.tailscale),
      flow: Option.getOrUndefined(args.flow),
      notBuilt: [
        ...(args.team ? ["--team"] : []),
        ...(Option.isSome(args.importFrom) || Option.isSome(args.importSource) || args.importSecrets ? ["--import-from"] : []),
        ...(Option.getOrUndefined(args.flow) === "import" ? ["--flow import"] : []),
        ...(args.classic ? ["--classic"] : []),
        ...(args.tui ? ["--tui"] : []),
        ...(extra.message !== undefined && Option.isSome(extra.message) ? ["--message"] : [])
      ]
    }))

/** `openclaw setup`: interactive onboarding at a terminal (`--wizard`), or the baseline config, workspace and session folders. */
export const setupCommand = Command.make(
  "setup",
  {
    baseline: Options.boolean("baseline").pipe(Options.withDescription("Create the baseline config, workspace and session folders")),
    mode: modeOption,
    ...gatewayOptions,
    ...customOptions,
    ...skipped,
    ...authOptions,
    ...moreOptions,
    message: Options.text("message").pipe(Options.withAlias("m"), Options.optional, Options.withDescription("Run one OpenClaw request (not here: openclaw agent --local --message <text>)")),
    yes: Options.boolean("yes").pipe(Options.withDescription("Approve persistent config writes for one --message request"))
  },
  (args) => run("setup", args, args.baseline, args.mode, { message: args.message, yes: args.yes })
).pipe(Command.withDescription(summaryOf("setup")))

/** `openclaw onboard`: the same onboarding; `--mode local --non-interactive` for scripts written against the original. */
export const onboardCommand = Command.make(
  "onboard",
  {
    mode: modeOption,
    ...gatewayOptions,
    ...customOptions,
    ...skipped,
    ...authOptions,
    ...moreOptions,
    modern: Options.boolean("modern").pipe(Options.withDescription("Kept for compatibility (the one onboarding path here)"))
  },
  (args) => run("onboard", args, false, args.mode, { modern: args.modern })
).pipe(Command.withDescription(summaryOf("onboard")))
