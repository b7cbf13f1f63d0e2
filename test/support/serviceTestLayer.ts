import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { HostFacts } from "../../src/domain/Paths.js"
import { ConfigStoreLive } from "../../src/layers/ConfigStoreLive.js"
import { HostFrom } from "../../src/layers/HostLive.js"
import { PathsLive } from "../../src/layers/PathsLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import { type ServiceManagerOptions, ServiceManagerLive } from "../../src/layers/supervisor/ServiceManagerLive.js"
import type { ServiceManager } from "../../src/services/ServiceManager.js"
import { ConfigPolicyTest } from "./configTestLayer.js"
import { CommandRunnerTest, type RecordingRunner, type Script } from "./RecordingCommandRunner.js"

/** A throwaway home with a fake node and openclaw entry, the live ServiceManager over it, and the recorder. */
export interface ServiceTestEnv {
  readonly home: string
  readonly stateDir: string
  readonly configPath: string
  readonly nodePath: string
  readonly entryPath: string
  readonly runner: RecordingRunner
  readonly layer: Layer.Layer<ServiceManager>
  /** The same home and recorder over another FileSystem (a faulty one), for fault tests. */
  readonly withFileSystem: (fileSystem: Layer.Layer<FileSystem.FileSystem>) => Layer.Layer<ServiceManager>
  /** Writes `openclaw.json` (as JSON) into the state dir. */
  readonly writeConfig: (config: unknown) => void
}

const homes: Array<string> = []

/** Removes every home made by `serviceTestEnv` (call from afterAll). */
export const cleanupServiceHomes = () => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true })
}

/**
 * Builds the real ServiceManagerLive (platform pinned or detected) with the real ConfigStore over a
 * fresh temp home; supervisor commands go to a CommandRunnerTest answering from `scripts`.
 */
export const serviceTestEnv = (input: {
  readonly scripts: ReadonlyArray<Script>
  readonly env?: Readonly<Record<string, string>>
  readonly options?: ServiceManagerOptions
}): ServiceTestEnv => {
  const home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-service-")))
  homes.push(home)
  const nodePath = path.join(home, "bin", "node")
  const entryPath = path.join(home, "app", "openclaw.mjs")
  for (const file of [nodePath, entryPath]) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, "")
  }
  const facts: HostFacts = { env: { HOME: home, ...input.env }, osHome: home, cwd: home }
  const stateDir = path.join(home, ".openclaw")
  const host = HostFrom(facts)
  const runner = CommandRunnerTest(...input.scripts)
  const withFileSystem = (fileSystem: Layer.Layer<FileSystem.FileSystem>) => {
    const files = StateFilesLive.pipe(Layer.provideMerge(fileSystem))
    const base = Layer.mergeAll(host, PathsLive().pipe(Layer.provide(host)), ConfigPolicyTest, files)
    const store = ConfigStoreLive.pipe(Layer.provideMerge(base))
    return ServiceManagerLive({
      nodePath,
      entryPath,
      memoryBytes: 8 * 1024 * 1024 * 1024,
      uid: 501,
      systemRoot: path.join(home, "sysroot"),
      userId: "HOST\\ada",
      // The temp home lives under os.tmpdir(); point the "temporary path" check elsewhere.
      tmpDir: path.join(home, "not-tmp"),
      ...input.options
    }).pipe(Layer.provide(Layer.merge(runner.layer, store)))
  }
  const configPath = path.join(stateDir, "openclaw.json")
  return {
    home,
    stateDir,
    configPath,
    nodePath,
    entryPath,
    runner,
    layer: withFileSystem(NodeFileSystem.layer),
    withFileSystem,
    writeConfig: (config) => {
      fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 })
      fs.writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
    }
  }
}
