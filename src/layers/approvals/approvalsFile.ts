import { Effect, Either, ParseResult, Schema } from "effect"
import JSON5 from "json5"
import { createHash } from "node:crypto"
import { dirname, join } from "node:path"
import { type ApprovalsFile, ApprovalsFile as ApprovalsFileSchema, emptyApprovals, resolvedDefaults } from "../../domain/approvals/document.js"
import { InvalidRequest } from "../../domain/protocol/errors.js"
import type { ApprovalsSnapshot } from "../../domain/protocol/nodeMethods.js"
import type { StateFiles } from "../../services/StateFiles.js"

/** The per-host approvals document: `<state dir>/exec-approvals.json`, 0600. */
export const approvalsPath = (stateDir: string) => join(stateDir, "exec-approvals.json")
export const approvalsSocketPath = (stateDir: string) => join(stateDir, "exec-approvals.sock")

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

const decode = Schema.decodeUnknownEither(ApprovalsFileSchema, { errors: "all", onExcessProperty: "error" })

/** Decodes a document from outside (a file, `approvals set`, an RPC); the error names each bad path. */
export const parseApprovals = (value: unknown): Either.Either<ApprovalsFile, string> =>
  Either.mapLeft(decode(value), (error) =>
    ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; "))

/** JSON5 text to a document. */
export const parseApprovalsText = (text: string): Either.Either<ApprovalsFile, string> => {
  let value: unknown
  try {
    value = JSON5.parse(text)
  } catch (error) {
    return Either.left(`not JSON5: ${error instanceof Error ? error.message : String(error)}`)
  }
  return parseApprovals(value)
}

const LOCK = { timeout: "5 seconds", poll: "25 millis" } as const

/** Reads and replaces one host's approvals document; writes compare the hash first (`baseHash`). */
export const makeApprovalsFile = (files: StateFiles["Type"], stateDir: string, displayPath: string) => {
  const path = approvalsPath(stateDir)
  const snapshot = Effect.gen(function*() {
    const raw = yield* files.readIfExists(path)
    if (raw === undefined) {
      const file = emptyApprovals()
      return { path: displayPath, exists: false, hash: `missing:${sha256("")}`, file, resolvedDefaults: resolvedDefaults(file) } satisfies ApprovalsSnapshot
    }
    const parsed = parseApprovalsText(raw)
    // A document that no longer decodes is never used as "no rules": it denies until fixed.
    if (Either.isLeft(parsed)) {
      return yield* new InvalidRequest({ message: `exec approvals file ${path} is invalid: ${parsed.left}; fix it or replace it with openclaw approvals set --file <file>` })
    }
    return { path: displayPath, exists: true, hash: sha256(raw), file: parsed.right, resolvedDefaults: resolvedDefaults(parsed.right) } satisfies ApprovalsSnapshot
  })
  const locked = <A, E>(effect: Effect.Effect<A, E>) =>
    // A fresh host has no state dir yet: the lock file needs it.
    Effect.zipRight(files.ensurePrivateDir(dirname(path)), files.withLock(`${path}.lock`, LOCK, effect))
  const replace = (next: ApprovalsFile) =>
    Effect.gen(function*() {
      const withSocket: ApprovalsFile = { ...next, socket: { ...next.socket, path: next.socket?.path ?? approvalsSocketPath(stateDir) } }
      yield* files.atomicWrite(path, `${JSON.stringify(withSocket, null, 2)}\n`, undefined, { mode: 0o600 })
      return yield* snapshot
    })
  /** Replaces the document; with `baseHash`, only if nobody changed it since it was read. */
  const write = (next: ApprovalsFile, baseHash: string | undefined) =>
    locked(Effect.gen(function*() {
      const current = yield* snapshot.pipe(Effect.catchTag("InvalidRequest", () => Effect.succeed(undefined)))
      if (baseHash !== undefined && current !== undefined && current.hash !== baseHash) {
        return yield* new InvalidRequest({ message: "exec approvals changed since they were read; run openclaw approvals get and retry" })
      }
      return yield* replace(next)
    }))
  /** Read, change, write, all under the lock (allow-always entries on the node host). */
  const update = (change: (file: ApprovalsFile) => ApprovalsFile) =>
    locked(Effect.flatMap(snapshot, (current) => replace(change(current.file))))
  return { path, snapshot, write, update }
}

export type ApprovalsFileStore = ReturnType<typeof makeApprovalsFile>
