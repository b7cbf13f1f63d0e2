import { Schema } from "effect"
import { isRecord } from "../isRecord.js"

const Absent = Schema.transform(Schema.Unknown, Schema.Undefined, { strict: true, decode: () => undefined, encode: () => undefined })

/**
 * `schema`, or `undefined` for anything else: OpenAI-compatible backends and proxies omit, null or
 * mistype fields, and a field they get wrong reads as absent rather than failing the whole turn.
 */
export const orAbsent = <A, I>(schema: Schema.Schema<A, I>) => Schema.Union(schema, Absent)

/** An optional provider field read with `orAbsent`. */
export const tolerant = <A, I>(schema: Schema.Schema<A, I>) => Schema.optional(orAbsent(schema))

/** A JSON object (not null, not an array), such as tool-call arguments. */
export const JsonObject = Schema.declare((value: unknown): value is Record<string, unknown> => isRecord(value), { identifier: "JsonObject" })
