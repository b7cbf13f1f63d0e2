import { Options } from "@effect/cli"

// The option shapes most commands declare, each with its help line: one place instead of a copy per file.

/** An optional text option (`--name <value>`). */
export const optionalText = (name: string, description: string) => Options.text(name).pipe(Options.optional, Options.withDescription(description))

/** An optional integer option (`--name <n>`). */
export const optionalInteger = (name: string, description: string) => Options.integer(name).pipe(Options.optional, Options.withDescription(description))

/** A boolean flag (`--name`). */
export const flag = (name: string, description: string) => Options.boolean(name).pipe(Options.withDescription(description))
