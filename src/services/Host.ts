import { Context } from "effect"
import type { HostFacts } from "../domain/Paths.js"

/** The process environment, OS home and working directory, captured once so everything else is pure. */
export class Host extends Context.Tag("openclaw/Host")<Host, HostFacts>() {}
