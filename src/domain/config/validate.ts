import { Either, ParseResult, Schema } from "effect"
import type { ConfigIssue } from "../errors.js"
import { OpenClawConfig } from "./ConfigSchema.js"
import { findUnsupportedPaths, formatConfigIssues } from "./issues.js"

/** A config that passed validation, with the preserved paths we do not implement yet. */
export interface ValidConfig {
  readonly config: OpenClawConfig
  readonly unsupported: ReadonlyArray<string>
}

const decode = Schema.decodeUnknownEither(OpenClawConfig, { errors: "all", onExcessProperty: "error" })

/** Validates a parsed (and env-substituted) config against the schema. */
export const validateConfig = (raw: unknown): Either.Either<ValidConfig, ReadonlyArray<ConfigIssue>> =>
  Either.match(decode(raw), {
    onLeft: (error: ParseResult.ParseError) => Either.left(formatConfigIssues(error.issue)),
    onRight: (config) => Either.right({ config, unsupported: findUnsupportedPaths(raw) })
  })

/** The line reported once for a preserved section we do not implement. */
export const unsupportedNotice = (path: string) => `${path}: not supported by this version, ignored`
