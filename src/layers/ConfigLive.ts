import { Layer } from "effect"
import type { HostFacts, ProfileOptions } from "../domain/Paths.js"
import { ConfigEditorLive } from "./ConfigEditorLive.js"
import { ConfigPolicyLive } from "./ConfigPolicyLive.js"
import { ConfigStoreLive } from "./ConfigStoreLive.js"
import { HostFrom, HostLive } from "./HostLive.js"
import { PathsLive } from "./PathsLive.js"
import { StateFilesLive } from "./StateFilesLive.js"

/**
 * Host, Paths, StateFiles, ConfigStore and ConfigEditor wired together: the config foundation for the CLI
 * and for embedders, over the platform FileSystem the caller provides (`NodeContext.layer` on Node).
 * Pass `host` to run against a fixed environment (tests, sandboxes) instead of the process.
 */
export const ConfigLive = (options: ProfileOptions & { readonly host?: HostFacts } = {}) => {
  const host = options.host === undefined ? HostLive : HostFrom(options.host)
  const paths = PathsLive(options).pipe(Layer.provide(host))
  const base = Layer.mergeAll(host, paths, ConfigPolicyLive, StateFilesLive)
  const store = ConfigStoreLive.pipe(Layer.provide(base))
  const editor = ConfigEditorLive.pipe(Layer.provide(Layer.merge(store, host)))
  return Layer.mergeAll(base, store, editor)
}
