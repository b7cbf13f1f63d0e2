import { Context, Data, type Effect } from "effect"

/** What a finished child process left behind. */
export interface CommandResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The program could not be started at all (not on PATH, not executable). */
export class CommandUnavailable extends Data.TaggedError("CommandUnavailable")<{ readonly command: string; readonly message: string }> {}

/**
 * Runs platform programs (`systemctl --user`, `launchctl`, `schtasks`, `ps`, `ss`) and reports their
 * output. A non-zero exit is a result, not a failure: callers decide what it means. Tests swap in a
 * recording fake that answers from a script.
 */
export class CommandRunner extends Context.Tag("openclaw/CommandRunner")<CommandRunner, {
  readonly run: (
    command: string,
    args: ReadonlyArray<string>,
    options?: { readonly env?: Readonly<Record<string, string>>; readonly timeoutMs?: number }
  ) => Effect.Effect<CommandResult, CommandUnavailable>
}>() {}
