import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { Layer } from "effect"
import type { ProfileOptions } from "../domain/Paths.js"
import { AgentRunner } from "../services/AgentRunner.js"
import { AuthProfileStore } from "../services/AuthProfileStore.js"
import { Doctor } from "../services/Doctor.js"
import { DoctorPolicy } from "../services/DoctorPolicy.js"
import { GatewayClient } from "../services/GatewayClient.js"
import { GatewayLog } from "../services/GatewayLog.js"
import { GatewayProbe } from "../services/GatewayProbe.js"
import { GatewayStatus } from "../services/GatewayStatus.js"
import { ModelCatalog } from "../services/ModelCatalog.js"
import { ModelClient } from "../services/ModelClient.js"
import { ModelHealth } from "../services/ModelHealth.js"
import { NodeServiceManager, ServiceManager } from "../services/ServiceManager.js"
import { ConfigLive } from "./ConfigLive.js"
import { TerminalLive } from "./TerminalLive.js"
import { GatewayPolicyLive } from "./gateway/GatewayPolicyLive.js"
import { DoctorPolicyLive } from "./doctor/DoctorPolicyLive.js"
import { ModelPolicyLive } from "./models/ModelPolicyLive.js"
import { lazyServices, lazyTag, lazyUnit } from "./lazyServices.js"

/** The OS service manager on this host, loaded when a command first asks for it. */
export const loadServiceManager = () =>
  Promise.all([import("./supervisor/ServiceManagerLive.js"), import("./supervisor/CommandRunnerLive.js")])
    .then(([manager, runner]) => manager.ServiceManagerLive().pipe(Layer.provide(runner.CommandRunnerLive)))

/** The node host's OS service (`openclaw node install|status|...`), loaded on first use. */
export const loadNodeServiceManager = () =>
  Promise.all([import("./supervisor/ServiceManagerLive.js"), import("./supervisor/CommandRunnerLive.js")])
    .then(([manager, runner]) => manager.NodeServiceManagerLive().pipe(Layer.provide(runner.CommandRunnerLive)))

/** What differs between the real host and a test: the OS service managers and the doctor's timings. */
export interface CliHostParts<R> {
  readonly serviceManager: () => Promise<Layer.Layer<ServiceManager, never, R>>
  readonly nodeServiceManager: () => Promise<Layer.Layer<NodeServiceManager, never, R>>
  readonly doctorPolicy: Layer.Layer<DoctorPolicy>
}

/**
 * Every service a CLI command may use, over the config foundation: the gateway client, probe and
 * status, the service manager, the doctor, the model services, the agent runner and the CLI's view of
 * the gateway log. Each is imported and built on first use (`openclaw config get` loads none of them).
 */
export const CliServicesLive = <R>(parts: CliHostParts<R>) =>
  lazyServices(
    lazyUnit(parts.serviceManager, lazyTag(ServiceManager, { platform: "effect", status: "effect", install: "function", start: "effect", stop: "effect", stopAndDisable: "effect", restart: "effect", restartAsInstalled: "effect", uninstall: "effect", extraServices: "function" })),
    lazyUnit(parts.nodeServiceManager, lazyTag(NodeServiceManager, { platform: "effect", status: "effect", install: "function", start: "effect", stop: "effect", stopAndDisable: "effect", restart: "effect", restartAsInstalled: "effect", uninstall: "effect", extraServices: "function" })),
    lazyUnit(() => import("./client/GatewayClientLive.js").then((m) => m.GatewayClientLive), lazyTag(GatewayClient, { connect: "function", call: "function", callRaw: "function" })),
    lazyUnit(() => import("./probe/GatewayProbeLive.js").then((m) => m.GatewayProbeLive), lazyTag(GatewayProbe, { run: "function" })),
    lazyUnit(() => import("./status/GatewayStatusLive.js").then((m) => m.GatewayStatusLive), lazyTag(GatewayStatus, { collect: "function" })),
    lazyUnit(() => import("./doctor/DoctorLive.js").then((m) => m.DoctorLive), lazyTag(Doctor, { run: "function" })),
    lazyUnit(() => import("./AuthProfileStoreLive.js").then((m) => m.AuthProfileStoreLive), lazyTag(AuthProfileStore, { location: "effect", read: "effect", upsert: "function", remove: "effect" })),
    lazyUnit(
      () => import("./models/ModelsLive.js").then((m) => m.ModelsLive),
      lazyTag(ModelCatalog, { view: "effect", plan: "function" }),
      lazyTag(ModelClient, { complete: "function", stream: "stream" }),
      lazyTag(ModelHealth, { read: "effect", recordFailure: "function", recordSuccess: "function", recordFallback: "function" })
    ),
    // The CLI's own view of the gateway log: it reads the configured file and reports its warnings on stderr.
    lazyUnit(() => import("./CliGatewayLogLive.js").then((m) => m.CliGatewayLogLive), lazyTag(GatewayLog, { write: "function", unsafeWrite: "void", flush: "effect", tail: "function", currentFile: "effect" })),
    // The agent runtime in this process (`openclaw agent --local`), over the model services above.
    lazyUnit(() => import("./agent/AgentLive.js").then((m) => m.AgentRuntimeLive()), lazyTag(AgentRunner, { run: "function", start: "function", abort: "function", active: "effect" }))
  ).pipe(
    // Policy values are plain data (nothing to load lazily) and cheap to build.
    Layer.provideMerge(Layer.mergeAll(ModelPolicyLive, GatewayPolicyLive, parts.doctorPolicy))
  )

/** `NodeContext.layer` without its worker manager: no command uses it, and its modules cost every start. */
const NodePlatformLive = Layer.mergeAll(NodePath.layer, NodeCommandExecutor.layer, TerminalLive).pipe(Layer.provideMerge(NodeFileSystem.layer))

/** The CLI on the real host, provided once at the root of `openclaw`: config, platform and every service. */
export const CliLive = (options: ProfileOptions) =>
  CliServicesLive({ serviceManager: loadServiceManager, nodeServiceManager: loadNodeServiceManager, doctorPolicy: DoctorPolicyLive }).pipe(
    Layer.provideMerge(ConfigLive(options)),
    Layer.provideMerge(NodePlatformLive)
  )

/** Everything the CLI's commands may use. */
export type CliServices = Layer.Layer.Success<ReturnType<typeof CliLive>>
