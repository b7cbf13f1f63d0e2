import { Console, Effect } from "effect"
import * as path from "node:path"
import { makeIdentityStore } from "../../layers/client/DeviceIdentityStore.js"
import { Paths } from "../../services/Paths.js"

/**
 * `openclaw node identity [--json]`: the node host's own device (`<state dir>/node-host/identity/`, made
 * on first use as `node run` would), as the original prints it: device id and public key.
 */
export const nodeIdentity = (json: boolean) =>
  Effect.gen(function*() {
    const paths = yield* Paths
    const store = yield* makeIdentityStore(path.join(paths.stateDir, "node-host"))
    const identity = yield* store.ensure
    yield* Console.log(json
      ? JSON.stringify({ deviceId: identity.deviceId, publicKey: identity.publicKey })
      : `deviceId:  ${identity.deviceId}\npublicKey: ${identity.publicKey}`)
  })
