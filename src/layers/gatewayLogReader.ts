import type { OpenClawConfig } from "../domain/config/ConfigSchema.js"
import { GatewayLogLive } from "./GatewayLogLive.js"

/** The gateway's file log as configured, opened read-only (no directory creation, no pruning). */
export const GatewayLogReaderLive = (config: OpenClawConfig | undefined, profile: string | undefined) =>
  GatewayLogLive({
    file: config?.logging?.file,
    maxFileBytes: config?.logging?.maxFileBytes,
    redactPatterns: config?.logging?.redactPatterns,
    profile,
    readOnly: true
  })
