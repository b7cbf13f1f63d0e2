import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"

const gatewayOptions = {
  gatewayPort: Options.integer("gateway-port").pipe(Options.optional, Options.withDescription("Gateway port")),
  gatewayBind: Options.choice("gateway-bind", ["loopback", "tailnet", "lan", "auto", "custom"]).pipe(Options.optional, Options.withDescription("Gateway bind")),
  gatewayAuth: Options.choice("gateway-auth", ["token", "password"]).pipe(Options.optional, Options.withDescription("Gateway auth")),
  gatewayToken: Options.text("gateway-token").pipe(Options.optional, Options.withDescription("Gateway token (token auth; default: keep the configured one, else generate one)")),
  gatewayPassword: Options.text("gateway-password").pipe(Options.optional, Options.withDescription("Gateway password (password auth)")),
  gatewayTokenRefEnv: Options.text("gateway-token-ref-env").pipe(Options.optional, Options.withDescription("Store the gateway token as an env SecretRef to this variable (it must be set now)")),
  nonInteractive: Options.boolean("non-interactive").pipe(Options.withDescription("Run without prompts")),
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
  authChoice: Options.text("auth-choice").pipe(Options.optional, Options.withDescription("Model auth choice: skip, or custom-api-key with the --custom-* flags (provider key stores are not in this version)"))
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

type GatewayArgs = Command.Command.ParseConfig<typeof gatewayOptions> & Command.Command.ParseConfig<typeof customOptions> & { readonly authChoice: Option.Option<string> }

const run = (command: "setup" | "onboard", args: GatewayArgs, baseline: boolean, mode: Option.Option<"local" | "remote">) =>
  Effect.flatMap(Effect.promise(() => import("../handlers/setup.js")), (m) =>
    m.setup({
      command,
      baseline,
      nonInteractive: args.nonInteractive,
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
      daemonRuntime: Option.getOrUndefined(args.daemonRuntime)
    }))

/** `openclaw setup`: the baseline config, workspace and session folders a local gateway needs. */
export const setupCommand = Command.make(
  "setup",
  { baseline: Options.boolean("baseline").pipe(Options.withDescription("Create the baseline config, workspace and session folders")), mode: modeOption, ...gatewayOptions, ...customOptions, ...skipped },
  (args) => run("setup", args, args.baseline, args.mode)
).pipe(Command.withDescription(summaryOf("setup")))

/** `openclaw onboard --mode local --non-interactive`: the same baseline, for scripts written against the original. */
export const onboardCommand = Command.make(
  "onboard",
  { mode: modeOption, ...gatewayOptions, ...customOptions, ...skipped },
  (args) => run("onboard", args, true, args.mode)
).pipe(Command.withDescription(summaryOf("onboard")))
