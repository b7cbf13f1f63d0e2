/** What the systemd user unit is rendered from. */
export interface SystemdUnitInput {
  readonly description: string
  /** Program and arguments, `--port` already pinned. */
  readonly programArguments: ReadonlyArray<string>
  /** `<stateDir>/gateway.systemd.env`: the only environment source (no inline secrets). */
  readonly environmentFile: string
}

const NEEDS_QUOTES = /[\s"'\\;]/

/**
 * One ExecStart word: `%` and `$` are doubled (systemd specifiers and variable expansion), words with
 * blanks, quotes, backslashes or `;` are double-quoted with `\` and `"` escaped.
 */
export const systemdExecArg = (value: string): string => {
  const escaped = value.replace(/%/g, "%%").replace(/\$/g, "$$$$")
  return value === "" || NEEDS_QUOTES.test(value) ? `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`)}"` : escaped
}

/** A path in a directive that takes one path (`EnvironmentFile=`): specifiers doubled, quoted when it has blanks. */
const systemdPathValue = (value: string) => {
  const escaped = value.replace(/%/g, "%%")
  return /\s/.test(value) ? `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`)}"` : escaped
}

/**
 * The user unit, byte for byte (spec 7): network-online ordering, start-rate limit, `Restart=always`
 * every 5 s except after exit 78 (invalid config), 30 s stop timeout, exit 143 (SIGTERM) counted as
 * success, the whole control group stopped, environment only from the 0600 env file.
 */
export const renderSystemdUnit = (input: SystemdUnitInput): string =>
  [
    "[Unit]",
    `Description=${input.description.replace(/%/g, "%%")}`,
    "After=network-online.target",
    "Wants=network-online.target",
    "StartLimitBurst=5",
    "StartLimitIntervalSec=60",
    "",
    "[Service]",
    `ExecStart=${input.programArguments.map(systemdExecArg).join(" ")}`,
    "Restart=always",
    "RestartSec=5",
    "RestartPreventExitStatus=78",
    "TimeoutStopSec=30",
    "SuccessExitStatus=0 143",
    "KillMode=control-group",
    `EnvironmentFile=${systemdPathValue(input.environmentFile)}`,
    "",
    "[Install]",
    "WantedBy=default.target",
    ""
  ].join("\n")

/** One `Key=value` line of a unit, with the section it sits in. */
export interface UnitDirective {
  readonly section: string
  readonly key: string
  readonly value: string
}

/** Splits unit text into directives: comments dropped, backslash line continuations joined. */
export const readUnitDirectives = (text: string): ReadonlyArray<UnitDirective> => {
  const directives: Array<UnitDirective> = []
  let section = ""
  let pending = ""
  for (const raw of text.split(/\r?\n/)) {
    const joined = pending + raw
    if (joined.endsWith("\\") && !joined.trimStart().startsWith("#")) {
      pending = `${joined.slice(0, -1)} `
      continue
    }
    pending = ""
    const line = joined.trim()
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue
    if (line.startsWith("[") && line.endsWith("]")) {
      section = line.slice(1, -1)
      continue
    }
    const eq = line.indexOf("=")
    if (eq <= 0) continue
    directives.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() })
  }
  return directives
}

/**
 * Splits a systemd value into words: double quotes (backslash escapes), single quotes (literal),
 * `%%` as `%`; with `dollars`, `$$` as `$` (ExecStart).
 */
export const splitSystemdWords = (value: string, dollars: boolean): Array<string> => {
  const words: Array<string> = []
  let current = ""
  let started = false
  let quote: "\"" | "'" | undefined
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string
    const next = value[i + 1]
    if (c === "%" && next === "%") {
      current += "%"
      started = true
      i++
    } else if (dollars && c === "$" && next === "$") {
      current += "$"
      started = true
      i++
    } else if (quote === "'") {
      if (c === "'") quote = undefined
      else current += c
    } else if (c === "\\" && next !== undefined && quote === "\"") {
      current += next
      i++
    } else if (quote === "\"") {
      if (c === "\"") quote = undefined
      else current += c
    } else if (c === "\"" || c === "'") {
      quote = c
      started = true
    } else if (c === "\\" && next !== undefined) {
      current += next
      started = true
      i++
    } else if (/\s/.test(c)) {
      if (started) words.push(current)
      current = ""
      started = false
    } else {
      current += c
      started = true
    }
  }
  if (started) words.push(current)
  return words
}

/** What the gateway audit and status need from an installed unit. */
export interface ParsedSystemdUnit {
  readonly directives: ReadonlyArray<UnitDirective>
  readonly programArguments: ReadonlyArray<string> | undefined
  /** `Environment=` assignments (inline in the unit). */
  readonly environment: Readonly<Record<string, string>>
  /** `EnvironmentFile=` paths (a leading `-` marks an optional file and is dropped). */
  readonly environmentFiles: ReadonlyArray<string>
}

/** Reads ExecStart, Environment= and EnvironmentFile= back from unit text. */
export const parseSystemdUnit = (text: string): ParsedSystemdUnit => {
  const directives = readUnitDirectives(text)
  const service = directives.filter((d) => d.section === "Service")
  const execStart = service.filter((d) => d.key === "ExecStart" && d.value !== "").at(-1)
  const environment: Record<string, string> = {}
  for (const directive of service.filter((d) => d.key === "Environment")) {
    for (const word of splitSystemdWords(directive.value, false)) {
      const eq = word.indexOf("=")
      if (eq > 0) environment[word.slice(0, eq)] = word.slice(eq + 1)
    }
  }
  const environmentFiles = service
    .filter((d) => d.key === "EnvironmentFile" && d.value !== "")
    .flatMap((d) => splitSystemdWords(d.value.replace(/^-/, ""), false))
  return {
    directives,
    // Prefix characters (`-`, `@`, `+`, `!`, `:`) change how systemd runs the program; they are not part of it.
    programArguments: execStart === undefined ? undefined : splitSystemdWords(execStart.value.replace(/^[-@:+!]+/, ""), true),
    environment,
    environmentFiles
  }
}

const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001, usec: 0.001, ms: 1, msec: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000
}

/** A systemd time span (`5`, `5s`, `1min 30s`, `500ms`) in milliseconds; `infinity` is Infinity, junk undefined. */
export const parseTimeSpanMs = (value: string): number | undefined => {
  const text = value.trim().toLowerCase()
  if (text === "infinity") return Infinity
  if (text === "") return undefined
  let total = 0
  const pattern = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/gy
  let consumed = 0
  for (const match of text.matchAll(pattern)) {
    const unit = match[2] === "" || match[2] === undefined ? "s" : match[2]
    const factor = UNIT_MS[unit]
    if (factor === undefined) return undefined
    total += Number(match[1]) * factor
    consumed += match[0].length
  }
  return consumed === text.length ? total : undefined
}
