import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { RequestFrame, requestFrameOf } from "../../src/domain/protocol/frames.js"

const decode = Schema.decodeUnknownEither(RequestFrame)

/** Field values near every bound the schema checks, and of every JSON type. */
const fieldValue = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.constantFrom("", "x", "a".repeat(128), "a".repeat(129), "a".repeat(256), "a".repeat(257), "req", "cancel"),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 })
)
/** Objects shaped like frames: each of the schema's keys present or not, with any value, plus strangers. */
const frameLike = fc.record(
  {
    type: fc.oneof(fc.constant("req"), fieldValue),
    id: fieldValue,
    method: fieldValue,
    params: fieldValue,
    traceparent: fieldValue,
    extra: fieldValue
  },
  { requiredKeys: [] }
)

describe("requestFrameOf: the request frame's schema in plain code", () => {
  it("accepts exactly what the schema accepts, with the same decoded value", () => {
    fc.assert(
      fc.property(fc.oneof(frameLike, fieldValue), (value) => {
        const fast = requestFrameOf(value)
        const schema = decode(value)
        if (Either.isRight(schema)) expect(fast).toEqual(schema.right)
        else expect(fast).toBeUndefined()
      }),
      { numRuns: 5000 }
    )
  })

  it("keeps params as sent (null included) and drops unknown keys, as the schema does", () => {
    expect(requestFrameOf({ type: "req", id: "1", method: "health", params: null, bogus: 1 })).toEqual({ type: "req", id: "1", method: "health", params: null })
    expect(requestFrameOf({ type: "req", id: "1", method: "health" })).toEqual({ type: "req", id: "1", method: "health" })
    expect(requestFrameOf({ type: "req", id: "", method: "health" })).toBeUndefined()
    expect(requestFrameOf([{ type: "req", id: "1", method: "health" }])).toBeUndefined()
  })
})
