import { Schema } from "effect"

/** An optional struct field that is absent rather than `undefined` (fits exactOptionalPropertyTypes). */
export const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
