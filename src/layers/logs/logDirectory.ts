import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import * as os from "node:os"
import { defaultLogDir, fallbackLogDir, isUnsafeLogDir } from "../../domain/logFile.js"
import { isAlreadyExists } from "../fs/platformErrors.js"

const ownUid = () => (typeof process.getuid === "function" ? process.getuid() : undefined)

// The documented default is the fixed root temp dir, deliberately not os.tmpdir() (which follows $TMPDIR).
const ROOT_TMP = "/tmp"

/** `/tmp/openclaw` when it is (or can be made) a private, writable directory of ours; otherwise the user-scoped fallback. */
export const resolveDefaultLogDir = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const fallback = fallbackLogDir(os.tmpdir(), ownUid())
  if (process.platform === "win32") return fallback
  const preferred = defaultLogDir(ROOT_TMP)
  const created = yield* fs.makeDirectory(preferred, { mode: 0o700 }).pipe(
    Effect.as(true),
    Effect.catchIf(isAlreadyExists, () => Effect.succeed(true)),
    Effect.orElseSucceed(() => false)
  )
  if (!created) return fallback
  // FileSystem has no lstat: a path readLink can read is a symbolic link.
  const isSymbolicLink = yield* fs.readLink(preferred).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
  const usable = yield* Effect.gen(function*() {
    const stat = yield* fs.stat(preferred)
    const facts = { isSymbolicLink, isDirectory: stat.type === "Directory", uid: Option.getOrUndefined(stat.uid) ?? -1, mode: stat.mode }
    if (isUnsafeLogDir(facts, ownUid())) return false
    yield* fs.access(preferred, { writable: true })
    return true
  }).pipe(Effect.orElseSucceed(() => false))
  return usable ? preferred : fallback
})
