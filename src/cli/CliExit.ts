import { Data } from "effect"

/** Ends the command with an exit code after it has already printed what went wrong. */
export class CliExit extends Data.TaggedError("CliExit")<{ readonly code: number }> {}
