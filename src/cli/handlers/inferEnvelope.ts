import { Console, Schema } from "effect"
import { InferEnvelope } from "../../domain/models/infer.js"

const encode = Schema.encodeSync(InferEnvelope)

/** Prints an `infer model run --json` envelope (local or through the gateway) as one JSON line. */
export const printEnvelope = (envelope: InferEnvelope) => Console.log(JSON.stringify(encode(envelope)))
