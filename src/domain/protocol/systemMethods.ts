import { Schema } from "effect"
import { opt } from "../opt.js"
import { defineMethod } from "./defineMethod.js"

/**
 * Host, diagnostics, config-schema, update, setup, channel-pairing and preference reads the original
 * Control UI makes in its settings, debug and devices views, with the original 2026.9.6's names,
 * params and scopes.
 */
const spec = defineMethod

const NonEmpty = Schema.String.pipe(Schema.minLength(1))
const AnyRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A preference key, as the original's (`^.{1,256}$`). */
export const PrefKey = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256), Schema.pattern(/^.{1,256}$/))
const PrefEntries = Schema.Record({ key: PrefKey, value: Schema.Unknown })
/** At most 32 entries per write, as the original's. */
const PrefSetEntries = PrefEntries.pipe(Schema.filter((entries) => Object.keys(entries).length <= 32 || "must have at most 32 entries"))

export const SystemInfoResult = Schema.Struct({
  machineName: Schema.String,
  hostname: Schema.String,
  platform: Schema.String,
  release: Schema.String,
  arch: Schema.String,
  osLabel: Schema.String,
  port: Schema.Number,
  nodeVersion: Schema.String,
  pid: Schema.Number,
  processInstanceId: Schema.String,
  uptimeMs: Schema.Number,
  cpuCount: Schema.Number,
  cpuModel: Schema.String,
  loadAverage: Schema.Array(Schema.Number),
  memoryTotalBytes: Schema.Number,
  memoryFreeBytes: Schema.Number,
  processMemory: Schema.Struct({ rssBytes: Schema.Number, heapUsedBytes: Schema.Number, heapTotalBytes: Schema.Number, externalBytes: Schema.Number, arrayBuffersBytes: Schema.Number }),
  disks: Schema.Array(Schema.Struct({ path: Schema.String, totalBytes: Schema.Number, availableBytes: Schema.Number })),
  diskTotalBytes: opt(Schema.Number),
  diskAvailableBytes: opt(Schema.Number),
  diskPath: Schema.String
})
export type SystemInfoResult = typeof SystemInfoResult.Type

export const Lane = Schema.Struct({
  lane: Schema.String,
  queuedCount: Schema.Number,
  activeCount: Schema.Number,
  maxConcurrent: Schema.Number,
  draining: Schema.Boolean,
  generation: Schema.Number,
  blockedBy: Schema.NullOr(Schema.String)
})

export const SystemMethods = {
  systemInfo: spec("system.info", "operator.read", Schema.Struct({}), SystemInfoResult),
  diagnosticsLanes: spec("diagnostics.lanes", "operator.read", Schema.Struct({}), Schema.Struct({ ts: Schema.Number, lanes: Schema.Array(Lane), dynamic: Schema.Null })),
  configSchema: spec("config.schema", "operator.read", Schema.Struct({}), Schema.Struct({ schema: AnyRecord, uiHints: AnyRecord, version: Schema.String, generatedAt: Schema.String })),
  updateStatus: spec(
    "update.status",
    "operator.admin",
    Schema.Struct({ refreshCheckout: opt(Schema.Boolean) }),
    Schema.Struct({ sentinel: Schema.Null, updateAvailable: Schema.Null, effectiveChannel: Schema.String, schedule: Schema.Struct({ channel: Schema.String, autoEnabled: Schema.Boolean }) })
  ),
  setupDetect: spec(
    "openclaw.setup.detect",
    "operator.admin",
    Schema.Struct({ agentId: opt(NonEmpty) }),
    Schema.Struct({
      manualProviders: Schema.Array(Schema.Unknown),
      authOptions: Schema.Array(Schema.Unknown),
      prepareOptions: Schema.Array(Schema.Unknown),
      nativeSessionCatalogs: Schema.Array(Schema.Unknown),
      nativeSessionCatalogPreferenceRequired: Schema.Boolean,
      workspace: Schema.String,
      setupComplete: Schema.Boolean,
      candidates: Schema.Array(Schema.Unknown),
      unavailableCandidates: Schema.Array(Schema.Unknown),
      recommendedInstalls: Schema.Array(Schema.Unknown)
    })
  ),
  environmentsList: spec(
    "environments.list",
    "operator.read",
    Schema.Struct({ runtimeId: opt(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128))), projection: opt(Schema.Literal("profiles")), includeDesktopSetup: opt(Schema.Boolean) }),
    Schema.Struct({ environments: Schema.Array(AnyRecord) })
  ),
  channelsPairingList: spec(
    "channels.pairing.list",
    "operator.pairing",
    Schema.Struct({ channel: opt(NonEmpty), accountId: opt(NonEmpty) }),
    Schema.Struct({ accounts: Schema.Array(AnyRecord), requests: Schema.Array(AnyRecord), commandOwnerConfigured: Schema.Boolean, limits: Schema.Struct({ pendingPerAccount: Schema.Number, ttlMs: Schema.Number }) })
  ),
  channelsPairingApprove: spec(
    "channels.pairing.approve",
    "operator.pairing",
    Schema.Struct({ channel: NonEmpty, accountId: NonEmpty, requestId: NonEmpty, notify: opt(Schema.Boolean), bootstrapCommandOwner: opt(Schema.Boolean) }),
    Schema.Struct({
      requestId: Schema.String,
      senderId: Schema.String,
      notification: Schema.Literal("not-requested", "sent", "unsupported", "failed"),
      commandOwnerBootstrap: Schema.Literal("not-requested", "configured", "already-configured", "unavailable")
    })
  ),
  channelsPairingDismiss: spec(
    "channels.pairing.dismiss",
    "operator.pairing",
    Schema.Struct({ channel: NonEmpty, accountId: NonEmpty, requestId: NonEmpty }),
    Schema.Struct({ requestId: Schema.String, senderId: Schema.String })
  ),
  usersPrefsGet: spec(
    "users.prefs.get",
    "operator.read",
    Schema.Struct({ keys: opt(Schema.Array(PrefKey).pipe(Schema.maxItems(32), Schema.filter((keys) => new Set(keys).size === keys.length || "must not repeat a key"))) }),
    Schema.Struct({ status: Schema.Literal("ok"), entries: AnyRecord })
  ),
  usersPrefsSet: spec(
    "users.prefs.set",
    "operator.write",
    Schema.Struct({ entries: PrefSetEntries, expectedEntries: opt(PrefSetEntries) }),
    Schema.Struct({ status: Schema.Literal("ok", "conflict") })
  )
} as const
