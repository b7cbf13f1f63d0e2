import { Schema } from "effect"
import { ORIGINAL_KEYS } from "./originalKeys.js"
import { opt } from "../opt.js"

/** Optional field in the exact form the conventions require. */
/** A closed set of strings; the issue formatter lists the allowed values when one does not match. */
export const oneOf = <const L extends ReadonlyArray<string>>(...values: L) => Schema.Literal(...values)

export const PositiveInt = Schema.Int.pipe(Schema.positive()).annotations({ message: () => "Too small: expected an integer > 0" })
export const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative()).annotations({
  message: () => "Too small: expected an integer >= 0"
})
export const PortNumber = Schema.Int.pipe(Schema.between(1, 65535)).annotations({
  message: () => "Invalid port: expected an integer from 1 to 65535"
})
export const StringList = Schema.Array(Schema.String)
export const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A reference to a secret kept outside the config file. */
export const SecretRef = Schema.Struct({
  source: oneOf("env", "file", "exec", "store"),
  provider: Schema.String,
  id: Schema.String
})
export type SecretRef = typeof SecretRef.Type

/** A secret given inline or as a SecretRef. */
export const SecretInput = Schema.Union(Schema.String, SecretRef).annotations({
  description: "a string or a SecretRef object {source, provider, id}"
})

/** For each strict object (by path pattern), the keys the original accepts that Clawgate keeps but ignores. */
export const unsupportedKeysByPath = new Map<string, ReadonlyArray<string>>()

/**
 * A strict object for a section we implement: the fields we understand plus the keys the original
 * OpenClaw also accepts there, which we keep untouched and report as not supported yet.
 */
export const section = <F extends Schema.Struct.Fields>(path: string, fields: F) => {
  const unsupported = (ORIGINAL_KEYS[path] ?? []).filter((key) => !Object.hasOwn(fields, key))
  unsupportedKeysByPath.set(path, unsupported)
  const extra = Object.fromEntries(unsupported.map((key) => [key, opt(Schema.Unknown)]))
  return Schema.Struct<F>(Object.assign({}, extra, fields))
}
