import { Context } from "effect"
import type { ResolvedPaths } from "../domain/Paths.js"

/** Where this install keeps its config and state (home, state dir, config path, profile). */
export class Paths extends Context.Tag("openclaw/Paths")<Paths, ResolvedPaths>() {}
