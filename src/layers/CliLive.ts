import * as NodeContext from "@effect/platform-node/NodeContext"
import { Layer } from "effect"
import type { ProfileOptions } from "../domain/Paths.js"
import { AgentRunner } from "../services/AgentRunner.js"
import { Doctor } from "../services/Doctor.js"
import { DoctorPolicy } from "../services/DoctorPolicy.js"
import { GatewayClient } from "../services/GatewayClient.js"
import { GatewayLog } from "../services/GatewayLog.js"
import { GatewayProbe } from "../services/GatewayProbe.js"
import { GatewayStatus } from "../services/GatewayStatus.js"
import { ModelCatalog } from "../services/ModelCatalog.js"
import { ModelClient } from "../services/ModelClient.js"
import { ModelHealth } from "../services/ModelHealth.js"
import { ServiceManager } from "../services/ServiceManager.js"
import { ConfigLive } from "./ConfigLive.js"
import { GatewayPolicyLive } from "./gateway/GatewayPolicyLive.js"
import { DoctorPolicyLive } from "./doctor/DoctorPolicyLive.js"
import { ModelPolicyLive } from "./models/ModelPolicyLive.js"
import { lazyLayer, lazyTag } from "./lazyLayer.js"

// Every service below is imported and built on first use: `openclaw config get` must not load the
// gateway client, the model stack or the service manager.

const ServiceManagerLazy = lazyLayer(
  () => Promise.all([import("./supervisor/ServiceManagerLive.js"), import("./supervisor/CommandRunnerLive.js")])
    .then(([manager, runner]) => manager.ServiceManagerLive().pipe(Layer.provide(runner.CommandRunnerLive))),
  lazyTag(ServiceManager, { platform: "effect", status: "effect", install: "function", start: "effect", stop: "effect", restart: "effect", uninstall: "effect", extraServices: "function" })
)

const GatewayClientLazy = lazyLayer(
  () => import("./client/GatewayClientLive.js").then((m) => m.GatewayClientLive),
  lazyTag(GatewayClient, { connect: "function", call: "function", callRaw: "function" })
)

const GatewayProbeLazy = lazyLayer(
  () => import("./probe/GatewayProbeLive.js").then((m) => m.GatewayProbeLive),
  lazyTag(GatewayProbe, { run: "function" })
).pipe(Layer.provide(GatewayClientLazy))

/** What differs between the real host and a test: the OS service manager and the doctor's timings. */
export interface CliHostParts<R> {
  readonly serviceManager: Layer.Layer<ServiceManager, never, R>
  readonly doctorPolicy: Layer.Layer<DoctorPolicy>
}

/**
 * Every service a CLI command may use, over the config foundation: the gateway client, probe and
 * status, the doctor, the model services, the agent runner and the CLI's view of the gateway log.
 * Each is imported and built on first use.
 */
export const CliServicesLive = <R>(parts: CliHostParts<R>) => {
  const status = lazyLayer(
    () => import("./status/GatewayStatusLive.js").then((m) => m.GatewayStatusLive),
    lazyTag(GatewayStatus, { collect: "function" })
  ).pipe(Layer.provide(Layer.merge(GatewayProbeLazy, parts.serviceManager)))
  const doctor = lazyLayer(
    () => import("./doctor/DoctorLive.js").then((m) => m.DoctorLive),
    lazyTag(Doctor, { run: "function" })
  ).pipe(Layer.provide(Layer.merge(parts.serviceManager, parts.doctorPolicy)))
  return Layer.mergeAll(GatewayClientLazy, GatewayProbeLazy, status, parts.serviceManager, doctor, ModelsLazy, GatewayLogLazy, AgentRunnerLazy).pipe(
    // Policy values are plain data (nothing to load lazily) and cheap to build.
    Layer.provideMerge(Layer.merge(ModelPolicyLive, GatewayPolicyLive))
  )
}

const ModelsLazy = lazyLayer(
  () => import("./models/ModelsLive.js").then((m) => m.ModelsLive),
  lazyTag(ModelCatalog, { view: "effect", plan: "function" }),
  lazyTag(ModelClient, { complete: "function", stream: "stream" }),
  lazyTag(ModelHealth, { read: "effect", recordFailure: "function", recordSuccess: "function", recordFallback: "function" })
)

/** The CLI's own view of the gateway log: it reads the configured file and reports its warnings on stderr. */
const GatewayLogLazy = lazyLayer(
  () => import("./CliGatewayLogLive.js").then((m) => m.CliGatewayLogLive),
  lazyTag(GatewayLog, { write: "function", flush: "effect", tail: "function", currentFile: "effect" })
)

/** The agent runtime in this process (`openclaw agent --local`), over the same model services. */
const AgentRunnerLazy = lazyLayer(
  () => import("./agent/AgentLive.js").then((m) => m.AgentStackLive({ models: ModelsLazy })),
  lazyTag(AgentRunner, { run: "function", start: "function", abort: "function", active: "effect" })
).pipe(Layer.provide(GatewayLogLazy))

/** The CLI on the real host, provided once at the root of `openclaw`: config, platform and every service. */
export const CliLive = (options: ProfileOptions) =>
  CliServicesLive({ serviceManager: ServiceManagerLazy, doctorPolicy: DoctorPolicyLive }).pipe(
    Layer.provideMerge(ConfigLive(options)),
    Layer.provideMerge(NodeContext.layer)
  )

/** Everything the CLI's commands may use. */
export type CliServices = Layer.Layer.Success<ReturnType<typeof CliLive>>
