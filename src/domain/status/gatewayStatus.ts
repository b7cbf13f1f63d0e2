import { Schema } from "effect"
import { ExtraService, ServiceStatus } from "../service/records.js"
import { Capability } from "../probe/report.js"

const Nullable = <S extends Schema.Schema.Any>(s: S) => Schema.NullOr(s)

/** Everything `openclaw gateway status` reports (spec 9); `--json` prints it as is. */
export const GatewayStatusReport = Schema.Struct({
  service: Schema.Struct({
    available: Schema.Boolean,
    /** Why the supervisor could not be inspected (`no supported service manager detected`). */
    unavailableReason: Nullable(Schema.String),
    status: Nullable(ServiceStatus)
  }),
  logFile: Schema.String,
  config: Schema.Struct({
    cli: Schema.Struct({ path: Schema.String, exists: Schema.Boolean, valid: Schema.Boolean, issues: Schema.Array(Schema.String) }),
    daemon: Nullable(Schema.String),
    mismatch: Schema.Boolean
  }),
  gateway: Schema.Struct({
    bindMode: Schema.String,
    bindHost: Schema.String,
    port: Schema.Number,
    portSource: Schema.String,
    probeUrl: Schema.String,
    dashboardUrl: Schema.String,
    version: Nullable(Schema.String)
  }),
  cli: Schema.Struct({ version: Schema.String, path: Schema.String }),
  /** The gateway process found through the supervisor or the state-dir lock. */
  runtime: Schema.Struct({
    status: Schema.Literal("running", "stopped", "unknown"),
    pid: Nullable(Schema.Number),
    source: Schema.Literal("service", "lock", "none"),
    detail: Nullable(Schema.String)
  }),
  rpc: Nullable(Schema.Struct({
    ok: Schema.Boolean,
    kind: Schema.Literal("connect", "read"),
    url: Schema.String,
    error: Nullable(Schema.String),
    errorCode: Nullable(Schema.String),
    capability: Capability,
    authWarning: Nullable(Schema.String),
    latencyMs: Nullable(Schema.Number)
  })),
  port: Schema.Struct({
    listening: Schema.Boolean,
    owners: Schema.Array(Schema.Struct({ pid: Schema.Number, command: Schema.String })),
    /** Held by something that is not the gateway of this state dir. */
    conflict: Schema.Boolean
  }),
  extraServices: Schema.Array(ExtraService),
  clients: Nullable(Schema.Array(Schema.Unknown)),
  /** `--deep`: local processes connected to the gateway port (pid and command line where /proc allows). */
  connections: Nullable(Schema.Struct({
    established: Schema.Array(Schema.Struct({
      pid: Nullable(Schema.Number),
      direction: Schema.Literal("client"),
      address: Schema.String,
      commandLine: Nullable(Schema.String)
    }))
  })),
  lastError: Nullable(Schema.String)
})
export type GatewayStatusReport = typeof GatewayStatusReport.Type
