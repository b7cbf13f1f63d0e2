import { Effect, Either, Schema } from "effect"
import { join } from "node:path"
import { NodePaired, NodePairRequest } from "../../domain/protocol/nodeMethods.js"
import type { StateFiles } from "../../services/StateFiles.js"

/** Node command approvals on disk: `<state dir>/nodes/nodes.json` (0600), owned by the gateway process. */
export const NodesFile = Schema.Struct({
  paired: Schema.Record({ key: Schema.String, value: NodePaired }),
  pending: Schema.Record({ key: Schema.String, value: NodePairRequest })
})
export type NodesFile = typeof NodesFile.Type

const decode = Schema.decodeUnknownEither(Schema.parseJson(NodesFile))

export const makeNodeStore = (files: StateFiles["Type"], stateDir: string) => {
  const dir = join(stateDir, "nodes")
  const path = join(dir, "nodes.json")
  const load = Effect.gen(function*() {
    const raw = yield* files.readIfExists(path)
    if (raw === undefined) return { paired: {}, pending: {} } satisfies NodesFile
    const parsed = decode(raw)
    if (Either.isRight(parsed)) return parsed.right
    // Kept aside, never silently replaced: the next save writes a fresh file beside the copy.
    yield* files.atomicWrite(`${path}.corrupt`, raw, undefined, { mode: 0o600 })
    return { paired: {}, pending: {} } satisfies NodesFile
  })
  const save = (state: NodesFile) =>
    Effect.zipRight(files.ensurePrivateDir(dir), files.atomicWrite(path, `${JSON.stringify(state, null, 2)}\n`, undefined, { mode: 0o600 }))
  return { path, load, save }
}
