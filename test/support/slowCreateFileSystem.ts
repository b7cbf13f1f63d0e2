import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { type Duration, Effect, Layer } from "effect"

/**
 * The real Node FileSystem on a slow disk: an exclusive create (`flag: "wx"`) makes the file empty,
 * waits `delay`, then writes the bytes, as a create and a write that land apart would. A reader in
 * between sees the file exist, empty.
 */
export const SlowCreateFileSystem = (delay: Duration.DurationInput) =>
  Layer.effect(FileSystem.FileSystem, Effect.map(FileSystem.FileSystem, (real) => ({
    ...real,
    writeFileString: (path, data, options) =>
      options?.flag !== "wx"
        ? real.writeFileString(path, data, options)
        : real.writeFileString(path, "", options).pipe(
          Effect.zipRight(Effect.sleep(delay)),
          Effect.zipRight(real.writeFileString(path, data, { ...options, flag: "w" }))
        )
  } satisfies FileSystem.FileSystem))).pipe(Layer.provide(NodeFileSystem.layer))
