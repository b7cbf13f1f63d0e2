import { SystemError, type SystemErrorReason } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Layer } from "effect"

/** Which operation on which path fails, and how (the OS's words in `description`). */
export interface Fault {
  readonly method: "open" | "write" | "rename" | "makeDirectory" | "writeFileString" | "readFileString"
  readonly path: (path: string) => boolean
  readonly reason: SystemErrorReason
  readonly description: string
}

/** ENOSPC as Node reports it. */
export const diskFull = (method: Fault["method"], path: Fault["path"]): Fault => ({ method, path, reason: "Unknown", description: "ENOSPC: no space left on device, write" })
/** EACCES as Node reports it. */
export const permissionDenied = (method: Fault["method"], path: Fault["path"]): Fault => ({ method, path, reason: "PermissionDenied", description: "EACCES: permission denied" })

const failure = (fault: Fault, method: string, path: string) =>
  new SystemError({ reason: fault.reason, module: "FileSystem", method, pathOrDescriptor: path, description: fault.description })

/**
 * The real Node FileSystem with injected failures: disk full on a write, permission denied on an
 * open, ... Everything not matched by a fault goes to the disk as usual.
 */
export const FaultyFileSystem = (faults: ReadonlyArray<Fault>) =>
  Layer.effect(FileSystem.FileSystem, Effect.gen(function*() {
    const real = yield* FileSystem.FileSystem
    const find = (method: Fault["method"], path: string) => faults.find((f) => f.method === method && f.path(path))
    return {
      ...real,
      open: (path, options) => {
        const fault = find("open", path)
        if (fault !== undefined) return Effect.fail(failure(fault, "open", path))
        const writeFault = find("write", path)
        if (writeFault === undefined) return real.open(path, options)
        // The File keeps its methods on its prototype: derive from it rather than spreading it.
        return Effect.map(real.open(path, options), (file): FileSystem.File => Object.assign(Object.create(file) as FileSystem.File, {
          write: () => Effect.fail(failure(writeFault, "write", path)),
          writeAll: () => Effect.fail(failure(writeFault, "writeAll", path))
        }))
      },
      rename: (from, to) => {
        const fault = find("rename", to)
        return fault === undefined ? real.rename(from, to) : Effect.fail(failure(fault, "rename", to))
      },
      makeDirectory: (path, options) => {
        const fault = find("makeDirectory", path)
        return fault === undefined ? real.makeDirectory(path, options) : Effect.fail(failure(fault, "makeDirectory", path))
      },
      writeFileString: (path, data, options) => {
        const fault = find("writeFileString", path) ?? find("write", path)
        return fault === undefined ? real.writeFileString(path, data, options) : Effect.fail(failure(fault, "writeFile", path))
      },
      readFileString: (path, encoding) => {
        const fault = find("readFileString", path)
        return fault === undefined ? real.readFileString(path, encoding) : Effect.fail(failure(fault, "readFile", path))
      }
    } satisfies FileSystem.FileSystem
  })).pipe(Layer.provide(NodeFileSystem.layer))
