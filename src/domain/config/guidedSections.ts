import { Option } from "effect"
import { getAtPath } from "../ConfigPath.js"
import { redactSecrets } from "./redact.js"

/** The guided-setup sections of `openclaw config --section <section>`, in the original's order. */
export const GUIDED_SECTIONS = ["workspace", "model", "web", "gateway", "daemon", "channels", "plugins", "skills", "health"] as const
export type GuidedSection = typeof GUIDED_SECTIONS[number]

interface SectionGuide {
  readonly title: string
  /** Config paths this section edits. */
  readonly paths: ReadonlyArray<string>
  /** The commands that make the changes the wizard would. */
  readonly next: ReadonlyArray<string>
  /** What this version does not run, said plainly. */
  readonly note?: string
}

const GUIDES: Readonly<Record<GuidedSection, SectionGuide>> = {
  workspace: { title: "Workspace", paths: ["agents.defaults.workspace"], next: ["openclaw config set agents.defaults.workspace <dir>"] },
  model: {
    title: "Model",
    paths: ["agents.defaults.model", "models.providers"],
    next: ["openclaw config set agents.defaults.model <provider/model>", "openclaw models status"]
  },
  web: { title: "Web tools", paths: ["tools.web"], next: ["openclaw config get tools.web"], note: "this version runs no web search or fetch tools; a tools.web section is kept as written" },
  gateway: {
    title: "Gateway",
    paths: ["gateway.mode", "gateway.port", "gateway.bind", "gateway.auth.mode", "gateway.auth.token"],
    next: ["openclaw config set gateway.mode local", "openclaw config set gateway.port <port>", "openclaw doctor --generate-gateway-token"]
  },
  daemon: { title: "Gateway service", paths: [], next: ["openclaw gateway status", "openclaw gateway install", "openclaw gateway restart"] },
  channels: { title: "Channels", paths: ["channels"], next: ["openclaw channels list", "openclaw channels add <telegram|discord|slack> --token <token>"] },
  plugins: {
    title: "Plugins",
    paths: ["plugins"],
    next: ["openclaw config set plugins.allow '[\"browser\"]' --strict-json"],
    note: "this version runs no plugin host; the plugins section is validated and kept"
  },
  skills: { title: "Skills", paths: ["skills"], next: ["openclaw config get skills"], note: "this version runs no skills; a skills section is kept as written" },
  health: { title: "Health", paths: [], next: ["openclaw doctor", "openclaw health", "openclaw status"] }
}

/** `--section` values checked against the list; the unknown ones, if any. */
export const unknownSections = (sections: ReadonlyArray<string>): ReadonlyArray<string> =>
  sections.filter((section) => !GUIDED_SECTIONS.some((known) => known === section))

const valueText = (config: unknown, dotted: string): string => {
  const found = getAtPath(config, dotted.split("."))
  if (Option.isNone(found)) return "(not set)"
  const value = redactSecrets(found.value, dotted.split(".").pop() ?? "")
  return typeof value === "string" ? value : JSON.stringify(value)
}

/**
 * What `openclaw config [--section ...]` prints: for each section (all when none is given), the config
 * values it covers (secrets as `***`) and the commands that change them. Clawgate has no interactive
 * wizard, so this is the guided view the original's wizard would walk through.
 */
export const guidedSectionLines = (config: unknown, configPath: string, sections: ReadonlyArray<GuidedSection>): ReadonlyArray<string> => {
  const chosen = sections.length === 0 ? GUIDED_SECTIONS : GUIDED_SECTIONS.filter((section) => sections.includes(section))
  const lines = [`Config: ${configPath}`, "Clawgate has no interactive setup wizard: each section shows its current values and the commands that change them."]
  for (const section of chosen) {
    const guide = GUIDES[section]
    lines.push("", `${guide.title} (--section ${section})`)
    for (const path of guide.paths) lines.push(`  ${path}: ${valueText(config, path)}`)
    if (guide.note !== undefined) lines.push(`  Note: ${guide.note}`)
    for (const command of guide.next) lines.push(`  Run: ${command}`)
  }
  if (sections.length === 0) lines.push("", "Subcommands: file, get, set, unset, patch, validate, schema (openclaw config --help)")
  return lines
}
