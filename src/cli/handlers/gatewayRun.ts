import * as FileSystem from "@effect/platform/FileSystem"
import { Context, Effect, Layer, Option } from "effect"
import { GatewayStartBlocked } from "../../domain/gateway/startGuards.js"
import { LazyAgentStackLive } from "../../layers/agent/AgentFeature.js"
import { ChannelMethodsLive, ChannelsStackLive } from "../../layers/channels/ChannelsFeature.js"
import { automationsTool, makePacingProposals } from "../../layers/cron/automationsTool.js"
import { CronFeatureLive } from "../../layers/cron/CronFeature.js"
import { AgentMethodsLive } from "../../layers/gateway/methods/agentMethods.js"
import { ControlUiMethodsLive } from "../../layers/gateway/methods/controlUiFeature.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { runGatewayRestarting } from "../../layers/gateway/runGateway.js"
import { ConfigEditor } from "../../services/ConfigEditor.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { Host } from "../../services/Host.js"
import { Paths } from "../../services/Paths.js"
import { StateFiles } from "../../services/StateFiles.js"
import { browserSurface } from "../../layers/browser/BrowserFeature.js"
import { makeNodeFeature } from "../../layers/nodes/NodeFeature.js"

/** `openclaw gateway run`: flags to RunOptions, then the gateway until Ctrl-C. */
export const gatewayRun = (args: {
  readonly port: Option.Option<number>
  readonly bind: Option.Option<string>
  readonly token: Option.Option<string>
  readonly auth: Option.Option<string>
  readonly password: Option.Option<string>
  readonly passwordFile: Option.Option<string>
  readonly allowUnconfigured: boolean
  readonly dev: boolean
  readonly force: boolean
  readonly tailscale: Option.Option<"off" | "serve" | "funnel">
}) =>
  Effect.gen(function*() {
    const tailscale = Option.getOrUndefined(args.tailscale)
    if (tailscale !== undefined && tailscale !== "off") {
      return yield* new GatewayStartBlocked({ code: "GATEWAY_BIND_UNAVAILABLE", message: `--tailscale ${tailscale} is not available on this host (no Tailscale found); use --tailscale off.`, exitCode: 1 })
    }
    const passwordFile = Option.getOrUndefined(args.passwordFile)
    const password = passwordFile !== undefined
      ? (yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(passwordFile)).pipe(
        Effect.mapError((error) => new GatewayStartBlocked({ code: "GATEWAY_INVALID_OPTION", message: `Could not read --password-file: ${describePlatformError(error)}`, exitCode: 1 }))
      )).trim()
      : Option.getOrUndefined(args.password)
    const context = yield* Effect.context<ConfigStore | ConfigEditor | Paths | Host | StateFiles | FileSystem.FileSystem>()
    // The browser plugin's method and tool come as a unit, or not at all (plugins.allow, spec 5.1).
    const loaded = yield* Effect.option(Effect.flatMap(ConfigStore, (store) => store.load))
    const browser = browserSurface(context, Option.getOrUndefined(loaded)?.config)
    // Nodes bring the agent's exec tool (host=node) with their methods.
    const nodes = makeNodeFeature(context)
    // One agent stack (built on first use) serves the agent methods, the channels' turns and cron/heartbeat;
    // the channel stack is one layer value too, so cron and heartbeat deliver through its ChannelDelivery.
    // A paced automation's turn proposes its next check through the `automations` tool.
    const pacingProposals = makePacingProposals()
    const agentStack = LazyAgentStackLive(context, { tools: [...browser.tools, ...nodes.tools, automationsTool(pacingProposals)] })
    // Only the host services: the CLI's context also holds its own GatewayLog, which must not shadow the gateway's.
    const hostContext = Context.pick(Paths, Host, StateFiles, FileSystem.FileSystem)(context)
    const channels = ChannelsStackLive().pipe(Layer.provide(agentStack), Layer.provide(Layer.succeedContext(hostContext)))
    return yield* runGatewayRestarting({
      features: [
        // Its replies go out through the channels (`agent --deliver`).
        AgentMethodsLive.pipe(Layer.provide(agentStack), Layer.provide(channels)),
        ChannelMethodsLive.pipe(Layer.provide(channels)),
        CronFeatureLive({ pacingProposals }).pipe(Layer.provide(agentStack), Layer.provide(channels), Layer.provide(Layer.succeedContext(context))),
        nodes.feature,
        // The original Control UI's boot and view reads (sessions and models from the same agent stack).
        // Approving a DM pairing from the UI may name the command owner: the same config store and editor as the CLI's.
        ControlUiMethodsLive.pipe(Layer.provide(agentStack), Layer.provide(Layer.succeedContext(Context.merge(hostContext, Context.pick(ConfigStore, ConfigEditor)(context))))),
        ...browser.features
      ],
      port: Option.map(args.port, String).pipe(Option.getOrUndefined),
      bind: Option.getOrUndefined(args.bind),
      token: Option.getOrUndefined(args.token),
      password,
      auth: Option.getOrUndefined(args.auth),
      allowUnconfigured: args.allowUnconfigured,
      force: args.force,
      dev: args.dev
    })
  })
