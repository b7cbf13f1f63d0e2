import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import { GatewayStartBlocked } from "../../domain/gateway/startGuards.js"
import { AgentFeatureLive } from "../../layers/agent/AgentFeature.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"
import { runGateway } from "../../layers/gateway/runGateway.js"
import { makeNodeFeature } from "../../layers/nodes/NodeFeature.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import type { Host } from "../../services/Host.js"
import type { Paths } from "../../services/Paths.js"
import type { StateFiles } from "../../services/StateFiles.js"

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
    const context = yield* Effect.context<ConfigStore | Paths | Host | StateFiles | FileSystem.FileSystem>()
    const nodes = makeNodeFeature(context)
    return yield* runGateway({
      features: [nodes.feature, AgentFeatureLive(context, { tools: nodes.tools })],
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
