import { Effect, Layer } from "effect"
import { ServiceManager, ServiceManagerUnavailable } from "../../services/ServiceManager.js"

// TEMPORARY until the live service layers land: behaves as a host without a supervisor.
const unavailable = new ServiceManagerUnavailable({ message: "no supported service manager detected" })

/** The service manager the read-only CLI commands (`status`, `gateway status`) inspect. */
export const CliServiceManagerLive = Layer.succeed(ServiceManager, {
  platform: Effect.fail(unavailable),
  status: Effect.fail(unavailable),
  install: () => Effect.fail(unavailable),
  start: Effect.fail(unavailable),
  stop: Effect.fail(unavailable),
  restart: Effect.fail(unavailable),
  uninstall: Effect.fail(unavailable),
  extraServices: () => Effect.succeed([])
})
