import type * as FileSystem from "@effect/platform/FileSystem"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type HostFacts, resolvePaths } from "../../src/domain/Paths.js"
import { ConfigStoreLive } from "../../src/layers/ConfigStoreLive.js"
import { DoctorLive } from "../../src/layers/doctor/DoctorLive.js"
import { HostFrom } from "../../src/layers/HostLive.js"
import { PathsLive } from "../../src/layers/PathsLive.js"
import type { ConfigPolicy } from "../../src/services/ConfigPolicy.js"
import type { ConfigStore } from "../../src/services/ConfigStore.js"
import type { Doctor } from "../../src/services/Doctor.js"
import { DoctorPolicy } from "../../src/services/DoctorPolicy.js"
import type { Host } from "../../src/services/Host.js"
import type { Paths } from "../../src/services/Paths.js"
import { ConfigPolicyTest, configTestLayer, type ConfigTestEnv, DiskFilesTest } from "./configTestLayer.js"
import { type FakeServiceState, fakeServiceState, ServiceManagerTest } from "./serviceManagerTest.js"

/** Short probes for tests: a port probe gives up after 500 ms; ownerless locks count as stale at once. */
export const DoctorPolicyTest = Layer.succeed(DoctorPolicy, { probeTimeout: "500 millis", malformedLockAge: "0 millis" })

export interface DoctorTestEnv {
  readonly dir: string
  readonly stateDir: string
  readonly configPath: string
  /** The fake supervisor's script and call log (undefined with `services: "none"`). */
  readonly services: FakeServiceState | undefined
  readonly layer: Layer.Layer<Doctor | ConfigStore | Paths | Host | ConfigPolicy>
}

export interface DoctorTestOptions {
  readonly env?: Readonly<Record<string, string>>
  /** `none` builds the doctor without any ServiceManager in context. */
  readonly services?: FakeServiceState | "none"
  /** Use the canonical `<home>/.openclaw` layout (needed for service repairs) instead of `OPENCLAW_STATE_DIR`. */
  readonly canonical?: boolean
  /** Another FileSystem under the whole stack (a faulty one), for fault tests; not with `canonical`. */
  readonly fileSystem?: Layer.Layer<FileSystem.FileSystem>
}

const canonicalBase = (env: Readonly<Record<string, string>>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-doctor-"))
  const facts: HostFacts = { env: { HOME: dir, ...env }, osHome: dir, cwd: dir }
  const { configPath } = resolvePaths(facts)
  fs.mkdirSync(path.dirname(configPath), { mode: 0o700 })
  const host = HostFrom(facts)
  const base = Layer.mergeAll(host, PathsLive().pipe(Layer.provide(host)), ConfigPolicyTest, DiskFilesTest)
  return { dir, configPath, layer: ConfigStoreLive.pipe(Layer.provideMerge(base)) }
}

const withFileSystem = (env: ConfigTestEnv, fileSystem: Layer.Layer<FileSystem.FileSystem> | undefined) =>
  fileSystem === undefined ? env : { ...env, layer: env.withFileSystem(fileSystem) }

/**
 * The live doctor over a throwaway install (never the real home): real ConfigStore and files, a fake
 * ServiceManager, short probe timings. The state dir exists with mode 0700.
 */
export const doctorTestLayer = (options: DoctorTestOptions = {}): DoctorTestEnv => {
  const base = options.canonical === true ? canonicalBase(options.env ?? {}) : withFileSystem(configTestLayer(options.env ?? {}), options.fileSystem)
  const services = options.services === "none" ? undefined : options.services ?? fakeServiceState()
  const extras = services === undefined ? DoctorPolicyTest : Layer.merge(DoctorPolicyTest, ServiceManagerTest(services))
  const layer = DoctorLive.pipe(Layer.provide(extras), Layer.provideMerge(base.layer))
  return { dir: base.dir, stateDir: path.dirname(base.configPath), configPath: base.configPath, services, layer }
}
