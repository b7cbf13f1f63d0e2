import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { acquireGatewayLocks, readGatewayLockOwner } from "../../src/layers/gateway/GatewayLock.js"
import { diskFull, FaultyFileSystem, permissionDenied } from "../support/faultyFileSystem.js"

const locks = (stateDir: string) =>
  acquireGatewayLocks({ stateDir, configPath: path.join(stateDir, "openclaw.json"), port: 1, allowMulti: false, poll: Schedule.spaced("10 millis"), timeout: "50 millis" })

describe("gateway locks on the platform FileSystem", () => {
  it.scoped("taken, readable by status, released with the scope", () =>
    Effect.gen(function*() {
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-lock-"))
      yield* Effect.scoped(Effect.gen(function*() {
        yield* locks(stateDir)
        const owner = yield* readGatewayLockOwner(stateDir)
        expect(owner?.pid).toBe(process.pid)
      }))
      expect(yield* readGatewayLockOwner(stateDir)).toBeUndefined()
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("permission denied or a full disk: a StateIoError naming the lock file, nothing left behind", () =>
    Effect.gen(function*() {
      for (const fault of [permissionDenied("writeFileString", (p) => p.endsWith(".lock")), diskFull("writeFileString", (p) => p.endsWith(".lock"))]) {
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "clawgate-lock-"))
        const error = yield* Effect.scoped(locks(stateDir)).pipe(Effect.flip, Effect.provide(FaultyFileSystem([fault])))
        expect(error._tag).toBe("StateIoError")
        expect(error.message).toMatch(/^taking lock .*gateway\.state\.lock failed: /)
        expect(yield* readGatewayLockOwner(stateDir).pipe(Effect.provide(NodeFileSystem.layer))).toBeUndefined()
      }
    }))
})
