import { Option } from "effect"
import { formatConfigPath, getAtPath, type PathSegment, setAtPath, unsetAtPath } from "../ConfigPath.js"
import { isRecord } from "../isRecord.js"

/** One retired key found in a config, and what `doctor --fix` does about it. */
export interface LegacyMigration {
  /** The legacy path as people write it (`gateway.token`). */
  readonly path: string
  /** What is wrong, for the finding. */
  readonly message: string
  /** What the rewrite did; undefined when the key must be migrated by hand. */
  readonly change: string | undefined
  /** The key makes the config invalid for the current schema (the gateway refuses to start). */
  readonly blocking: boolean
}

/** The migrated config and every migration that applied, in rule order. */
export interface LegacyPlan {
  readonly next: unknown
  readonly migrations: ReadonlyArray<LegacyMigration>
}

type Rule = (raw: unknown) => LegacyPlan

const get = (raw: unknown, path: ReadonlyArray<PathSegment>) => Option.getOrUndefined(getAtPath(raw, path))
const has = (raw: unknown, path: ReadonlyArray<PathSegment>) => Option.isSome(getAtPath(raw, path))
const remove = (raw: unknown, path: ReadonlyArray<PathSegment>) => Option.getOrElse(unsetAtPath(raw, path), () => raw)
const none = (raw: unknown): LegacyPlan => ({ next: raw, migrations: [] })
const show = (path: ReadonlyArray<PathSegment>) => formatConfigPath(path)
const FIX_HINT_SUFFIX = "doctor --fix rewrites it."

/** A key that moved: copied to its new path when that is unset, otherwise just dropped. */
const renamedKey = (from: ReadonlyArray<PathSegment>, to: ReadonlyArray<PathSegment>, blocking: boolean, why?: string): Rule => (raw) => {
  if (!has(raw, from)) return none(raw)
  const value = get(raw, from)
  const without = remove(raw, from)
  const message = `${show(from)} is a legacy key${why === undefined ? "" : ` (${why})`}; use ${show(to)}. ${FIX_HINT_SUFFIX}`
  if (has(raw, to)) {
    return { next: without, migrations: [{ path: show(from), message, change: `Removed ${show(from)} (${show(to)} is already set).`, blocking }] }
  }
  return { next: setAtPath(without, to, value), migrations: [{ path: show(from), message, change: `Moved ${show(from)} → ${show(to)}.`, blocking }] }
}

/** A retired enum value mapped to its replacement. */
const retiredValue = (path: ReadonlyArray<PathSegment>, retired: ReadonlyArray<string>, replacement: string): Rule => (raw) => {
  const value = get(raw, path)
  if (typeof value !== "string" || !retired.includes(value)) return none(raw)
  return {
    next: setAtPath(raw, path, replacement),
    migrations: [{
      path: show(path),
      message: `${show(path)} "${value}" is retired; doctor maps it to "${replacement}".`,
      change: `Set ${show(path)} "${value}" → "${replacement}".`,
      blocking: true
    }]
  }
}

/** A key that no longer exists anywhere. */
const retiredKey = (path: ReadonlyArray<PathSegment>, why: string): Rule => (raw) =>
  has(raw, path)
    ? { next: remove(raw, path), migrations: [{ path: show(path), message: `${show(path)} is retired (${why}). ${FIX_HINT_SUFFIX}`, change: `Removed ${show(path)}.`, blocking: true }] }
    : none(raw)

/** `meta.lastTouchedAt` was a file stamp up to 2026.6.x; it is machine state now and leaves the file. */
const metaLastTouchedAt: Rule = (raw) =>
  has(raw, ["meta", "lastTouchedAt"])
    ? {
      next: remove(raw, ["meta", "lastTouchedAt"]),
      migrations: [{
        path: "meta.lastTouchedAt",
        message: `meta.lastTouchedAt is no longer stored in openclaw.json (it is machine state now). ${FIX_HINT_SUFFIX}`,
        change: "Removed meta.lastTouchedAt from openclaw.json (machine state, not a file stamp).",
        blocking: false
      }]
    }
    : none(raw)

/** `models.providers.<id>.api: "openai"` (and per-model `api`) → `"openai-completions"`. */
const providerApiOpenAi: Rule = (raw) => {
  const providers = get(raw, ["models", "providers"])
  if (!isRecord(providers)) return none(raw)
  let next = raw
  const migrations: Array<LegacyMigration> = []
  const mapApi = (path: ReadonlyArray<PathSegment>) => {
    if (get(next, path) !== "openai") return
    next = setAtPath(next, path, "openai-completions")
    migrations.push({
      path: show(path),
      message: `${show(path)} "openai" is retired; doctor maps it to "openai-completions".`,
      change: `Set ${show(path)} "openai" → "openai-completions".`,
      blocking: true
    })
  }
  for (const [id, provider] of Object.entries(providers)) {
    mapApi(["models", "providers", id, "api"])
    const models = isRecord(provider) ? provider["models"] : undefined
    if (Array.isArray(models)) models.forEach((_, index) => mapApi(["models", "providers", id, "models", index, "api"]))
  }
  return { next, migrations }
}

/** `agents.list: [{id, ...}]` → keyed `agents.entries: {<id>: {...}}`. */
const agentsList: Rule = (raw) => {
  const list = get(raw, ["agents", "list"])
  if (list === undefined) return none(raw)
  const message = `agents.list is a legacy key; agents are keyed under agents.entries. ${FIX_HINT_SUFFIX}`
  const existing = get(raw, ["agents", "entries"])
  const entries: Record<string, unknown> = isRecord(existing) ? { ...existing } : {}
  const movable = Array.isArray(list) && (existing === undefined || isRecord(existing)) && list.every((item) => {
    const id = isRecord(item) ? item["id"] : undefined
    if (!isRecord(item) || typeof id !== "string" || id.trim() === "" || Object.hasOwn(entries, id)) return false
    entries[id] = Object.fromEntries(Object.entries(item).filter(([key]) => key !== "id"))
    return true
  })
  if (!movable) {
    return {
      next: raw,
      migrations: [{ path: "agents.list", message: "agents.list must be moved to agents.entries by hand (an entry has no unique id, or agents.entries already names it).", change: undefined, blocking: true }]
    }
  }
  return {
    next: setAtPath(remove(raw, ["agents", "list"]), ["agents", "entries"], entries),
    migrations: [{ path: "agents.list", message, change: "Moved agents.list → agents.entries (keyed by id).", blocking: true }]
  }
}

/**
 * The retired `cron.failureDestination` block: its destination fields (mode, channel, to, accountId) are
 * merged into `cron.failureAlert`, whose own fields win.
 */
const cronFailureDestination: Rule = (raw) => {
  if (!has(raw, ["cron", "failureDestination"])) return none(raw)
  const legacy = get(raw, ["cron", "failureDestination"])
  const current = get(raw, ["cron", "failureAlert"])
  const fields = isRecord(legacy) ? Object.fromEntries(["mode", "channel", "to", "accountId"].flatMap((k) => (legacy[k] === undefined ? [] : [[k, legacy[k]]]))) : {}
  const merged = { ...fields, ...(isRecord(current) ? current : {}) }
  const without = remove(raw, ["cron", "failureDestination"])
  return {
    next: Object.keys(merged).length === 0 ? without : setAtPath(without, ["cron", "failureAlert"], merged),
    migrations: [{
      path: "cron.failureDestination",
      message: `cron.failureDestination is retired; its destination belongs in cron.failureAlert (mode, channel, to, accountId). ${FIX_HINT_SUFFIX}`,
      change: "Merged cron.failureDestination into cron.failureAlert.",
      blocking: true
    }]
  }
}

/** Rules in the order they apply; each sees the result of the ones before. */
const RULES: ReadonlyArray<Rule> = [
  renamedKey(["gateway", "token"], ["gateway", "auth", "token"], true, "ignored by the gateway"),
  retiredValue(["gateway", "reload", "mode"], ["hot", "restart"], "hybrid"),
  retiredValue(["logging", "consoleStyle"], ["compact"], "pretty"),
  metaLastTouchedAt,
  providerApiOpenAi,
  agentsList,
  renamedKey(["defaultModel"], ["agents", "defaults", "model"], true),
  renamedKey(["channels", "telegram", "requireMention"], ["channels", "telegram", "groups", "*", "requireMention"], true),
  renamedKey(["browser", "ssrfPolicy", "allowPrivateNetwork"], ["browser", "ssrfPolicy", "dangerouslyAllowPrivateNetwork"], false),
  retiredKey(["cron", "webhook"], "webhook delivery is set per cron job"),
  cronFailureDestination,
  retiredKey(["gateway", "webchat"], "WebChat is retired"),
  retiredKey(["channels", "webchat"], "WebChat is retired"),
  retiredKey(["gateway", "controlUi", "chatMessageMaxWidth"], "chat width is a browser-local preference"),
  retiredKey(["gateway", "controlUi", "allowInsecureAuth"], "browsers always sign with a device identity"),
  retiredKey(["browser", "relayBindHost"], "legacy Chrome extension relay setting"),
  retiredKey(["tui"], "the TUI footer uses the compact default")
]

/** Runs every legacy rule over a parsed (authored) config: the rewrite plan and what it found. */
export const planLegacyMigration = (raw: unknown): LegacyPlan =>
  RULES.reduce<LegacyPlan>((plan, rule) => {
    const step = rule(plan.next)
    return { next: step.next, migrations: [...plan.migrations, ...step.migrations] }
  }, none(raw))
