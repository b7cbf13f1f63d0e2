import { Effect, Option } from "effect"
import * as fs from "node:fs/promises"
import { GatewayStartBlocked } from "../../domain/gateway/startGuards.js"
import { AgentFeatureLive } from "../../layers/agent/AgentFeature.js"
import { GatewayPolicyLive } from "../../layers/gateway/GatewayPolicyLive.js"
import { runGateway } from "../../layers/gateway/runGateway.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import type { Host } from "../../services/Host.js"
import type { Paths } from "../../services/Paths.js"

/** `openclaw gateway run`: flags to RunOptions, then the gateway until Ctrl-C. */
export const gatewayRun = (args: {
  readonly port: Option.Option<string>
  readonly bind: Option.Option<string>
  readonly token: Option.Option<string>
  readonly auth: Option.Option<string>
  readonly password: Option.Option<string>
  readonly passwordFile: Option.Option<string>
  readonly allowUnconfigured: boolean
  readonly dev: boolean
  readonly force: boolean
  readonly tailscale: Option.Option<string>
}) =>
  Effect.gen(function*() {
    const tailscale = Option.getOrUndefined(args.tailscale)
    if (tailscale !== undefined && tailscale !== "off") {
      return yield* new GatewayStartBlocked({ code: "GATEWAY_BIND_UNAVAILABLE", message: `--tailscale ${tailscale} is not available on this host (no Tailscale found); use --tailscale off.`, exitCode: 1 })
    }
    const passwordFile = Option.getOrUndefined(args.passwordFile)
    const password = passwordFile !== undefined
      ? (yield* Effect.tryPromise({
        try: () => fs.readFile(passwordFile, "utf8"),
        catch: (e) => new GatewayStartBlocked({ code: "GATEWAY_INVALID_OPTION", message: `Could not read --password-file: ${e instanceof Error ? e.message : String(e)}`, exitCode: 1 })
      })).trim()
      : Option.getOrUndefined(args.password)
    const context = yield* Effect.context<ConfigStore | Paths | Host>()
    return yield* runGateway({
      features: [AgentFeatureLive(context)],
      port: Option.getOrUndefined(args.port),
      bind: Option.getOrUndefined(args.bind),
      token: Option.getOrUndefined(args.token),
      password,
      auth: Option.getOrUndefined(args.auth),
      allowUnconfigured: args.allowUnconfigured,
      force: args.force,
      dev: args.dev
    }).pipe(Effect.provide(GatewayPolicyLive))
  })
