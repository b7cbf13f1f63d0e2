import { Schema } from "effect"
import { opt } from "../opt.js"

/** The supervisors Clawgate can manage. */
export const ServicePlatform = Schema.Literal("systemd", "launchd", "schtasks")
export type ServicePlatform = typeof ServicePlatform.Type

/** One finding of the service audit (spec 7), e.g. `gateway-port-mismatch`. */
export const ServiceAuditIssue = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  detail: opt(Schema.String),
  level: Schema.Literal("recommended", "aggressive")
})
export type ServiceAuditIssue = typeof ServiceAuditIssue.Type

/** The supervisor's view of the gateway process. */
export const ServiceRuntime = Schema.Struct({
  status: Schema.Literal("running", "stopped", "unknown"),
  pid: opt(Schema.Number),
  state: opt(Schema.String),
  subState: opt(Schema.String),
  lastExitStatus: opt(Schema.Number),
  detail: opt(Schema.String)
})
export type ServiceRuntime = typeof ServiceRuntime.Type

/** The installed gateway service as read back from the platform (what `gateway status` prints). */
export const ServiceStatus = Schema.Struct({
  platform: ServicePlatform,
  /** `systemd user`, `LaunchAgent`, `Scheduled Task`. */
  label: Schema.String,
  /** Unit name, launchd label or task name. */
  identity: Schema.String,
  installed: Schema.Boolean,
  /** `enabled`/`disabled`, `loaded`/`not loaded`, `registered`/`missing`. */
  loadedText: Schema.String,
  definitionPath: Schema.String,
  /** Program and arguments as installed. */
  command: opt(Schema.Array(Schema.String)),
  /** Environment the service gets (secrets redacted). */
  env: opt(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** Config path the service will use, derived from its env. */
  configPath: opt(Schema.String),
  /** `--port` pinned in the definition. */
  port: opt(Schema.Number),
  runtime: ServiceRuntime,
  audit: Schema.Array(ServiceAuditIssue)
})
export type ServiceStatus = typeof ServiceStatus.Type

/** A gateway-like service that is not ours (other profile units are not extra). */
export const ExtraService = Schema.Struct({
  label: Schema.String,
  /** `user`, `system`. */
  scope: Schema.String,
  detail: Schema.String,
  legacy: Schema.Boolean
})
export type ExtraService = typeof ExtraService.Type
