import type { EnvEntries } from "./environment.js"
import { escapeXml } from "./escapeXml.js"

/** What the LaunchAgent plist is rendered from. */
export interface LaunchdPlistInput {
  readonly label: string
  readonly description: string
  /** `/bin/sh`, the wrapper, the secrets env file, then the gateway program and its arguments. */
  readonly programArguments: ReadonlyArray<string>
  readonly stdoutPath: string
  readonly stderrPath: string
  /** Managed, non-secret environment. */
  readonly environment: EnvEntries
}

const str = (indent: string, value: string) => `${indent}<string>${escapeXml(value)}</string>`
const key = (indent: string, name: string) => `${indent}<key>${escapeXml(name)}</key>`

/**
 * The LaunchAgent plist, byte for byte: kept alive and started at load, restart throttled to 5 s,
 * 30 s to exit, stdout/stderr under `~/Library/Logs/openclaw/`, and only non-secret environment.
 */
export const renderLaunchdPlist = (input: LaunchdPlistInput): string =>
  [
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">",
    "<plist version=\"1.0\">",
    "<dict>",
    key("  ", "Label"),
    str("  ", input.label),
    key("  ", "Comment"),
    str("  ", input.description),
    key("  ", "ProgramArguments"),
    "  <array>",
    ...input.programArguments.map((arg) => str("    ", arg)),
    "  </array>",
    key("  ", "RunAtLoad"),
    "  <true/>",
    key("  ", "KeepAlive"),
    "  <true/>",
    key("  ", "ThrottleInterval"),
    "  <integer>5</integer>",
    key("  ", "ExitTimeOut"),
    "  <integer>30</integer>",
    key("  ", "StandardOutPath"),
    str("  ", input.stdoutPath),
    key("  ", "StandardErrorPath"),
    str("  ", input.stderrPath),
    key("  ", "EnvironmentVariables"),
    "  <dict>",
    ...input.environment.flatMap(([name, value]) => [key("    ", name), str("    ", value)]),
    "  </dict>",
    "</dict>",
    "</plist>",
    ""
  ].join("\n")

/**
 * The wrapper the plist runs: exports the secrets env file given as its first argument, then execs
 * the gateway command that follows, so no secret sits in the plist.
 */
export const LAUNCHD_WRAPPER_SCRIPT = [
  "#!/bin/sh",
  "# Managed by OpenClaw: loads the gateway service secrets, then runs the gateway.",
  "set -e",
  "if [ -f \"$1\" ]; then",
  "  set -a",
  "  . \"$1\"",
  "  set +a",
  "fi",
  "shift",
  "exec \"$@\"",
  ""
].join("\n")

/** A plist value in the subset launchd definitions use. */
export type PlistValue = string | number | boolean | ReadonlyArray<PlistValue> | { readonly [key: string]: PlistValue }

const unescapeXml = (value: string) =>
  value.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    switch (entity) {
      case "amp": return "&"
      case "lt": return "<"
      case "gt": return ">"
      case "quot": return "\""
      case "apos": return "'"
      default: return String.fromCodePoint(entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)))
    }
  })

type Token = { readonly tag: string; readonly close: boolean; readonly selfClosing: boolean; readonly text: string }

const tokenize = (xml: string): Array<Token> => {
  const tokens: Array<Token> = []
  const body = xml.replace(/<\?[\s\S]*?\?>/g, "").replace(/<!DOCTYPE[\s\S]*?>/gi, "").replace(/<!--[\s\S]*?-->/g, "")
  const pattern = /<(\/?)([A-Za-z]+)[^>]*?(\/?)>|([^<]+)/g
  for (const match of body.matchAll(pattern)) {
    if (match[4] !== undefined) tokens.push({ tag: "#text", close: false, selfClosing: false, text: match[4] })
    else tokens.push({ tag: match[2] ?? "", close: match[1] === "/", selfClosing: match[3] === "/", text: "" })
  }
  return tokens
}

/** Reads an XML plist (the subset: dict, array, string, integer, real, true, false, date, data). */
export const parsePlist = (xml: string): PlistValue | undefined => {
  const tokens = tokenize(xml)
  let i = 0
  const skipBlank = () => {
    while (i < tokens.length && tokens[i]?.tag === "#text" && tokens[i]?.text.trim() === "") i++
  }
  const textUntilClose = (tag: string): string | undefined => {
    let text = ""
    while (i < tokens.length) {
      const t = tokens[i++] as Token
      if (t.tag === "#text") text += t.text
      else if (t.close && t.tag === tag) return unescapeXml(text)
      else return undefined
    }
    return undefined
  }
  const value = (): PlistValue | undefined => {
    skipBlank()
    const t = tokens[i++]
    if (t === undefined || t.close || t.tag === "#text") return undefined
    switch (t.tag) {
      case "true": return t.selfClosing ? true : textUntilClose("true") === undefined ? undefined : true
      case "false": return t.selfClosing ? false : textUntilClose("false") === undefined ? undefined : false
      case "string":
      case "date":
      case "data":
        return t.selfClosing ? "" : textUntilClose(t.tag)
      case "integer":
      case "real": {
        const text = textUntilClose(t.tag)
        return text === undefined || Number.isNaN(Number(text.trim())) ? undefined : Number(text.trim())
      }
      case "array": {
        if (t.selfClosing) return []
        const items: Array<PlistValue> = []
        for (;;) {
          skipBlank()
          const next = tokens[i]
          if (next === undefined) return undefined
          if (next.close && next.tag === "array") {
            i++
            return items
          }
          const item = value()
          if (item === undefined) return undefined
          items.push(item)
        }
      }
      case "dict": {
        if (t.selfClosing) return {}
        const entries: Record<string, PlistValue> = {}
        for (;;) {
          skipBlank()
          const next = tokens[i++]
          if (next === undefined) return undefined
          if (next.close && next.tag === "dict") return entries
          if (next.tag !== "key" || next.close) return undefined
          const name = next.selfClosing ? "" : textUntilClose("key")
          if (name === undefined) return undefined
          const item = value()
          if (item === undefined) return undefined
          entries[name] = item
        }
      }
      case "plist": {
        const inner = value()
        skipBlank()
        const end = tokens[i++]
        return end?.close === true && end.tag === "plist" ? inner : undefined
      }
      default:
        return undefined
    }
  }
  return value()
}

const isDict = (value: PlistValue | undefined): value is { readonly [key: string]: PlistValue } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** What status and the audit need from an installed plist. */
export interface ParsedLaunchdPlist {
  readonly label: string | undefined
  /** The gateway program and arguments (the wrapper, if any, removed). */
  readonly programArguments: ReadonlyArray<string> | undefined
  /** The secrets env file the wrapper loads, when the plist uses our wrapper. */
  readonly environmentFile: string | undefined
  readonly environment: Readonly<Record<string, string>>
  readonly keepAlive: boolean
  readonly runAtLoad: boolean
}

/** Reads a LaunchAgent plist back; `wrapperPath` recognises our env wrapper in ProgramArguments. */
export const parseLaunchdPlist = (xml: string, wrapperPath: string): ParsedLaunchdPlist | undefined => {
  const root = parsePlist(xml)
  if (!isDict(root)) return undefined
  const args = Array.isArray(root["ProgramArguments"]) ? (root["ProgramArguments"] as ReadonlyArray<PlistValue>).filter((a): a is string => typeof a === "string") : undefined
  const wrapped = args !== undefined && args[0] === "/bin/sh" && args[1] === wrapperPath
  const envDict = root["EnvironmentVariables"]
  const environment: Record<string, string> = {}
  if (isDict(envDict)) for (const [name, v] of Object.entries(envDict)) if (typeof v === "string") environment[name] = v
  const keepAlive = root["KeepAlive"]
  return {
    label: typeof root["Label"] === "string" ? root["Label"] : undefined,
    programArguments: args === undefined ? typeof root["Program"] === "string" ? [root["Program"]] : undefined : wrapped ? args.slice(3) : args,
    environmentFile: wrapped ? args[2] : undefined,
    environment,
    // A KeepAlive dictionary (conditions) also keeps the job alive.
    keepAlive: keepAlive === true || isDict(keepAlive),
    runAtLoad: root["RunAtLoad"] === true
  }
}
