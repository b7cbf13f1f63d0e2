import { Effect, Layer } from "effect"
import { type ProfileOptions, resolvePaths } from "../domain/Paths.js"
import { Host } from "../services/Host.js"
import { Paths } from "../services/Paths.js"

/** Resolves the install's paths from the host and the root `--profile`/`--dev` options. */
export const PathsLive = (options: ProfileOptions = {}) =>
  Layer.effect(Paths, Effect.map(Host, (host) => resolvePaths(host, options)))
