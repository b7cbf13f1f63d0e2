import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type HostFacts, resolvePaths } from "../../src/domain/Paths.js"
import { ConfigEditorLive } from "../../src/layers/ConfigEditorLive.js"
import { ConfigStoreLive } from "../../src/layers/ConfigStoreLive.js"
import { HostFrom } from "../../src/layers/HostLive.js"
import { PathsLive } from "../../src/layers/PathsLive.js"
import { StateFilesLive } from "../../src/layers/StateFilesLive.js"
import type { StateFiles } from "../../src/services/StateFiles.js"
import type { ConfigEditor } from "../../src/services/ConfigEditor.js"
import { ConfigPolicy } from "../../src/services/ConfigPolicy.js"
import type { ConfigStore } from "../../src/services/ConfigStore.js"
import type { Host } from "../../src/services/Host.js"
import type { Paths } from "../../src/services/Paths.js"

/** Fast store timings for tests: short lock wait, quick poll, short watch debounce. */
export const ConfigPolicyTest = Layer.succeed(ConfigPolicy, {
  lockTimeout: "2 seconds",
  lockPoll: "5 millis",
  watchDebounce: "50 millis",
  watchMissingRetries: 2
})

/** StateFiles and the platform FileSystem on the real disk (tests point them at temp dirs). */
export const DiskFilesTest = StateFilesLive.pipe(Layer.provideMerge(NodeFileSystem.layer))

/** A throwaway install: its temp dir, the resolved config path and the live config layers over it. */
export interface ConfigTestEnv {
  readonly dir: string
  readonly configPath: string
  readonly layer: Layer.Layer<ConfigStore | ConfigEditor | Paths | Host | ConfigPolicy | StateFiles | FileSystem.FileSystem>
  /** The same install over another FileSystem (a faulty one, a scripted watch), for fault and reload tests. */
  readonly withFileSystem: (
    fileSystem: Layer.Layer<FileSystem.FileSystem>
  ) => Layer.Layer<ConfigStore | ConfigEditor | Paths | Host | ConfigPolicy | StateFiles | FileSystem.FileSystem>
}

/**
 * Builds the real ConfigStore/ConfigEditor over a fresh temp dir that stands in for home, state dir
 * and cwd, so nothing ever touches the real home directory. `extraEnv` may override `OPENCLAW_STATE_DIR`.
 */
export const configTestLayer = (extraEnv: Readonly<Record<string, string>> = {}, options: { readonly canonical?: boolean } = {}): ConfigTestEnv => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-config-"))
  // Canonical: the temp dir is the OS home and the state is its `.openclaw` (service repairs need that layout).
  const env = options.canonical === true ? { HOME: dir, ...extraEnv } : { OPENCLAW_STATE_DIR: dir, ...extraEnv }
  const facts: HostFacts = { env, osHome: dir, cwd: dir }
  const { configPath } = resolvePaths(facts)
  if (options.canonical === true) fs.mkdirSync(path.dirname(configPath), { recursive: true, mode: 0o700 })
  const host = HostFrom(facts)
  const withFileSystem = (fileSystem: Layer.Layer<FileSystem.FileSystem>) => {
    const files = StateFilesLive.pipe(Layer.provideMerge(fileSystem))
    const base = Layer.mergeAll(host, PathsLive().pipe(Layer.provide(host)), ConfigPolicyTest, files)
    const store = ConfigStoreLive.pipe(Layer.provideMerge(base))
    return ConfigEditorLive.pipe(Layer.provideMerge(store))
  }
  return { dir, configPath, layer: withFileSystem(NodeFileSystem.layer), withFileSystem }
}
