import { Effect, Layer } from "effect"
import type { ExtraService, ServiceStatus } from "../../src/domain/supervisor/records.js"
import { type InstallOptions, NodeServiceManager, ServiceManager, ServiceManagerUnavailable } from "../../src/services/ServiceManager.js"

/** The scripted state of the fake supervisor; tests read `calls` to see what was asked of it. */
export interface FakeServiceState {
  status: ServiceStatus
  /** When set, every call fails with ServiceManagerUnavailable carrying this message. */
  unavailable: string | undefined
  extra: ReadonlyArray<ExtraService>
  readonly calls: Array<string>
}

/** A systemd-user status record; override what the test is about. */
export const fakeStatus = (overrides: Partial<ServiceStatus> = {}): ServiceStatus => ({
  platform: "systemd",
  label: "systemd user",
  identity: "openclaw-gateway.service",
  installed: true,
  loadedText: "enabled",
  definitionPath: "/home/test/.config/systemd/user/openclaw-gateway.service",
  runtime: { status: "running", pid: 4242 },
  audit: [],
  ...overrides
})

export const fakeServiceState = (overrides: Partial<Omit<FakeServiceState, "calls">> = {}): FakeServiceState => ({
  status: fakeStatus(),
  unavailable: undefined,
  extra: [],
  calls: [],
  ...overrides
})

/**
 * A ServiceManager that answers from `state` and records every call: `install` marks the service
 * installed and running, `start` marks it running.
 */
export const ServiceManagerTest = (state: FakeServiceState) => {
  const gate = <A>(name: string, effect: Effect.Effect<A>) =>
    Effect.suspend(() => {
      state.calls.push(name)
      return state.unavailable === undefined ? effect : Effect.fail(new ServiceManagerUnavailable({ message: state.unavailable }))
    })
  const done = (action: "install" | "start" | "stop" | "restart" | "uninstall", message: string) =>
    Effect.sync(() => ({ action, result: "done" as const, message, status: state.status }))
  return Layer.succeed(ServiceManager, {
    platform: gate("platform", Effect.succeed(state.status.platform)),
    status: gate("status", Effect.sync(() => state.status)),
    install: (options: InstallOptions) =>
      gate(`install:${options.port ?? "default"}`, Effect.sync(() => {
        state.status = { ...state.status, installed: true, runtime: { status: "running", pid: 4343 } }
      })).pipe(Effect.zipRight(done("install", `Installed ${state.status.identity}.`))),
    start: gate("start", Effect.sync(() => {
      state.status = { ...state.status, runtime: { status: "running", pid: 4444 } }
    })).pipe(Effect.zipRight(done("start", `Started ${state.status.identity}.`))),
    stop: gate("stop", done("stop", "Stopped.")),
    stopAndDisable: gate("stopAndDisable", done("stop", "Stopped and disabled.")),
    restart: gate("restart", done("restart", "Restarted.")),
    restartAsInstalled: gate("restartAsInstalled", done("restart", "Restarted as installed.")),
    uninstall: gate("uninstall", done("uninstall", "Uninstalled.")),
    extraServices: (deep: boolean) =>
      Effect.sync(() => {
        state.calls.push(`extraServices:${deep}`)
        return state.extra
      })
  })
}

/** The same fake, answering as the node host's service manager. */
export const NodeServiceManagerTest = (state: FakeServiceState) =>
  Layer.effect(NodeServiceManager, ServiceManager).pipe(Layer.provide(ServiceManagerTest(state)))
