import { Context, type Effect } from "effect"
import type { HostFacts } from "../domain/Paths.js"

/** The process environment, OS home and working directory, captured once so everything else is pure. */
export class Host extends Context.Tag("openclaw/Host")<Host, HostFacts & {
  /**
   * Running in a container: the gateway then defaults to bind=auto (0.0.0.0) for port forwarding.
   * Detected on first use (only the gateway's bind and a few diagnostics ask), then remembered.
   */
  readonly inContainer: Effect.Effect<boolean>
}>() {}
