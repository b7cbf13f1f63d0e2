import { Schema } from "effect"
import { opt } from "../opt.js"

export const Security = Schema.Literal("deny", "allowlist", "full")
export type Security = typeof Security.Type
export const Ask = Schema.Literal("off", "on-miss", "always")
export type Ask = typeof Ask.Type
export const AskFallback = Schema.Literal("deny", "allowlist", "full")
export type AskFallback = typeof AskFallback.Type
export const Decision = Schema.Literal("allow-once", "allow-always", "deny")
export type Decision = typeof Decision.Type

/** One allowlist entry: a path or bare-name glob, optionally bound to an argv shape. */
export const AllowlistEntry = Schema.Struct({
  id: opt(Schema.String),
  pattern: Schema.String,
  argPattern: opt(Schema.String),
  source: opt(Schema.String),
  lastUsedAt: opt(Schema.Number),
  lastUsedCommand: opt(Schema.String),
  lastResolvedPath: opt(Schema.String)
})
export type AllowlistEntry = typeof AllowlistEntry.Type

const PolicyFields = {
  security: opt(Security),
  ask: opt(Ask),
  askFallback: opt(AskFallback),
  autoAllowSkills: opt(Schema.Boolean)
}

export const AgentApprovals = Schema.Struct({ ...PolicyFields, allowlist: opt(Schema.Array(AllowlistEntry)) })
export type AgentApprovals = typeof AgentApprovals.Type

/** The per-host exec approvals document (`version: 1`). */
export const ApprovalsFile = Schema.Struct({
  version: Schema.Literal(1),
  socket: opt(Schema.Struct({ path: opt(Schema.String), token: opt(Schema.String) })),
  defaults: opt(Schema.Struct(PolicyFields)),
  agents: opt(Schema.Record({ key: Schema.String, value: AgentApprovals }))
})
export type ApprovalsFile = typeof ApprovalsFile.Type

/** The built-in defaults of a gateway or node host. */
export const BUILT_IN = { security: "full", ask: "off", askFallback: "deny", autoAllowSkills: false } as const

export const emptyApprovals = (): ApprovalsFile => ({ version: 1, defaults: {}, agents: {} })

/** The host policy for one agent: the agent's own fields, then `agents["*"]`, then `defaults`, then built-ins. */
export interface HostPolicy {
  readonly security: Security
  readonly ask: Ask
  readonly askFallback: AskFallback
  readonly autoAllowSkills: boolean
  readonly allowlist: ReadonlyArray<AllowlistEntry>
}

export const resolvedDefaults = (file: ApprovalsFile) => ({
  security: file.defaults?.security ?? BUILT_IN.security,
  ask: file.defaults?.ask ?? BUILT_IN.ask,
  askFallback: file.defaults?.askFallback ?? BUILT_IN.askFallback,
  autoAllowSkills: file.defaults?.autoAllowSkills ?? BUILT_IN.autoAllowSkills
})

export const hostPolicy = (file: ApprovalsFile, agentId: string): HostPolicy => {
  const own = file.agents?.[agentId]
  const any = agentId === "*" ? undefined : file.agents?.["*"]
  const base = resolvedDefaults(file)
  return {
    security: own?.security ?? any?.security ?? base.security,
    ask: own?.ask ?? any?.ask ?? base.ask,
    askFallback: own?.askFallback ?? any?.askFallback ?? base.askFallback,
    autoAllowSkills: own?.autoAllowSkills ?? any?.autoAllowSkills ?? base.autoAllowSkills,
    allowlist: [...(any?.allowlist ?? []), ...(own?.allowlist ?? [])]
  }
}

/** Adds an entry to one agent's allowlist unless the same pattern/argPattern is there. */
export const addAllowlistEntry = (file: ApprovalsFile, agentId: string, entry: AllowlistEntry): ApprovalsFile => {
  const agent = file.agents?.[agentId] ?? {}
  const list = agent.allowlist ?? []
  if (list.some((e) => e.pattern === entry.pattern && e.argPattern === entry.argPattern)) return file
  return { ...file, agents: { ...file.agents, [agentId]: { ...agent, allowlist: [...list, entry] } } }
}

/** Removes every entry with this pattern from one agent's allowlist; `removed` counts them. */
export const removeAllowlistPattern = (file: ApprovalsFile, agentId: string, pattern: string): { readonly file: ApprovalsFile; readonly removed: number } => {
  const agent = file.agents?.[agentId]
  const list = agent?.allowlist ?? []
  const kept = list.filter((e) => e.pattern !== pattern)
  if (agent === undefined || kept.length === list.length) return { file, removed: 0 }
  return { file: { ...file, agents: { ...file.agents, [agentId]: { ...agent, allowlist: kept } } }, removed: list.length - kept.length }
}

export const allowlistCount = (file: ApprovalsFile) =>
  Object.values(file.agents ?? {}).reduce((n, agent) => n + (agent.allowlist?.length ?? 0), 0)
