import { Schema } from "effect"
import { ExtraService, ServiceStatus } from "../supervisor/records.js"
import { Capability } from "../probe/report.js"

const Nullable = <S extends Schema.Schema.Any>(s: S) => Schema.NullOr(s)

/** Everything `openclaw gateway status` reports (spec 9); `--json` prints it as is. */
export const GatewayStatusReport = Schema.Struct({
  service: Schema.Struct({
    available: Schema.Boolean,
    /** Why the supervisor could not be inspected (`no supported service manager detected`). */
    unavailableReason: Nullable(Schema.String),
    status: Nullable(ServiceStatus),
    /** The original's fields, for scripts written against it: supervisor label and whether it is loaded. */
    label: Schema.String,
    loaded: Schema.Boolean
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
    /** Where `probeUrl` came from: `--url`, `gateway.remote.url` (remote mode) or the local port. */
    probeUrlSource: Schema.Literal("explicit", "remote-config", "local"),
    /** Null while no Control UI page is served there (this version serves none yet). */
    dashboardUrl: Nullable(Schema.String),
    /** The original's names for the same links and the loopback note. */
    controlUiLinks: Schema.Struct({ httpUrl: Schema.String, wsUrl: Schema.String }),
    probeNote: Nullable(Schema.String),
    version: Nullable(Schema.String)
  }),
  /** `entrypoint` is the original's name for `path`. */
  cli: Schema.Struct({ version: Schema.String, path: Schema.String, entrypoint: Schema.String }),
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
    latencyMs: Nullable(Schema.Number),
    /** As the original reports them: what the gateway granted and who answered. */
    auth: Schema.Struct({ role: Nullable(Schema.String), scopes: Schema.Array(Schema.String), capability: Capability }),
    server: Schema.Struct({ version: Nullable(Schema.String), connId: Nullable(Schema.String) })
  })),
  port: Schema.Struct({
    listening: Schema.Boolean,
    owners: Schema.Array(Schema.Struct({ pid: Schema.Number, command: Schema.String })),
    /** Held by something that is not the gateway of this state dir. */
    conflict: Schema.Boolean,
    /** The original's view of the same facts: `busy`/`free` and the listening processes. */
    port: Schema.Number,
    status: Schema.Literal("busy", "free"),
    listeners: Schema.Array(Schema.Struct({ pid: Schema.Number, commandLine: Schema.String }))
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
