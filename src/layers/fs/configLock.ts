import type { ConfigPolicy } from "../../services/ConfigPolicy.js"
import type { LockPolicy } from "../../services/StateFiles.js"

/** The config write lock of `openclaw.json` (or of the file it links to): `<file>.lock`, shared by every writer. */
export const configLockPath = (file: string) => `${file}.lock`

/** How config writers wait for that lock, from the config policy. */
export const configLockPolicy = (policy: ConfigPolicy["Type"]): LockPolicy => ({
  timeout: policy.lockTimeout,
  poll: policy.lockPoll,
  ...(policy.lockRaceWindow === undefined ? {} : { raceWindow: policy.lockRaceWindow })
})
