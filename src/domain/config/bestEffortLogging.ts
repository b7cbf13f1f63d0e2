import { Option, Schema } from "effect"
import { isRecord } from "../isRecord.js"
import { LoggingConfig, type OpenClawConfig } from "./ConfigSchema.js"

const decodeLogging = Schema.decodeUnknownOption(LoggingConfig, { onExcessProperty: "error" })

/**
 * The `logging` section of a config that failed validation elsewhere, when that section alone is
 * valid: readers of the log (`logs`, `gateway status`) still find the file the gateway writes.
 */
export const bestEffortLogging = (authored: unknown): OpenClawConfig | undefined => {
  if (!isRecord(authored)) return undefined
  return Option.getOrUndefined(Option.map(decodeLogging(authored["logging"]), (logging) => ({ logging })))
}
