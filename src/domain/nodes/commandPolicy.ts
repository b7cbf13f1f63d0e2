/**
 * The usable-command rule (spec 4.1): declared ∩ (platform defaults + `gateway.nodes.commands.allow`)
 * − `gateway.nodes.commands.deny`, and only what an operator approved. Dangerous commands are never a
 * default: they need an explicit allow entry.
 */

/** What the gateway lets any approved node run unless denied. */
export const DEFAULT_NODE_COMMANDS: ReadonlyArray<string> = [
  "system.run", "system.run.prepare", "system.which", "system.notify", "system.execApprovals.get", "system.execApprovals.set",
  "device.info", "device.status", "location.get", "camera.list",
  "canvas.present", "canvas.hide", "canvas.navigate", "canvas.eval", "canvas.snapshot", "canvas.a2ui.push", "canvas.a2ui.reset"
]

/** Privacy- or cost-sensitive commands: usable only when listed in `gateway.nodes.commands.allow`. */
export const DANGEROUS_NODE_COMMANDS: ReadonlyArray<string> = [
  "camera.snap", "camera.clip", "screen.record", "sms.send", "contacts.add", "calendar.add", "reminders.add", "photos.latest"
]

/** Approving these needs `operator.admin` on top of `operator.pairing` (spec 5). */
export const adminOnlyCommand = (command: string) =>
  command.startsWith("system.run") || command === "system.which" || command.startsWith("browser.proxy") || command === "fs.listDir" || command.startsWith("system.execApprovals.")

/** `nodes invoke` refuses these: shell goes through the `exec` tool with `host=node`. */
export const shellCommand = (command: string) => command.startsWith("system.run")

export interface CommandConfig {
  readonly allow: ReadonlyArray<string>
  readonly deny: ReadonlyArray<string>
}

const strings = (value: unknown): ReadonlyArray<string> => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [])

/** `gateway.nodes.commands` from a config of any shape (the section is kept as the user wrote it). */
export const commandConfig = (config: unknown): CommandConfig => {
  const commands = (config as { gateway?: { nodes?: { commands?: { allow?: unknown; deny?: unknown } } } } | undefined)?.gateway?.nodes?.commands
  return { allow: strings(commands?.allow), deny: strings(commands?.deny) }
}

/** What the gateway policy permits for a declared command, before operator approval. */
export const policyAllows = (command: string, config: CommandConfig): boolean => {
  if (config.deny.includes(command)) return false
  if (config.allow.includes(command)) return true
  return DEFAULT_NODE_COMMANDS.includes(command) && !DANGEROUS_NODE_COMMANDS.includes(command)
}

/** Usable now: declared, allowed by policy and approved by an operator. */
export const usableCommands = (declared: ReadonlyArray<string>, approved: ReadonlyArray<string>, config: CommandConfig): ReadonlyArray<string> =>
  declared.filter((c) => approved.includes(c) && policyAllows(c, config))

/** Declared and allowed by policy, but not approved yet: an approval would make these usable. */
export const pendingCommands = (declared: ReadonlyArray<string>, approved: ReadonlyArray<string>, config: CommandConfig): ReadonlyArray<string> =>
  declared.filter((c) => !approved.includes(c) && policyAllows(c, config))
