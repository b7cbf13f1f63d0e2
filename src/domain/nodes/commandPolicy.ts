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

/** Why a node command is refused before dispatch (the original's reasons). */
export type CommandRejection = "command not declared by node" | "command not allowlisted" | "node did not declare commands"

/**
 * The original's refusal message for a command outside the usable set: what the node lacks, what the
 * gateway policy blocks, or that its commands still wait for an operator's approval.
 */
export const commandRejectionMessage = (
  reason: CommandRejection,
  command: string,
  platform: string | undefined,
  config: CommandConfig,
  declared: ReadonlyArray<string>
): string => {
  const on = platform ?? "unknown"
  switch (reason) {
    case "command not declared by node":
      return `node command not allowed: the node (platform: ${on}) does not support "${command}"`
    case "command not allowlisted":
      if (config.deny.some((entry) => entry.trim() === command)) return `node command not allowed: "${command}" is blocked by gateway.nodes.commands.deny`
      if (DANGEROUS_NODE_COMMANDS.includes(command)) return `node command not allowed: "${command}" requires explicit gateway.nodes.commands.allow opt-in`
      return `node command not allowed: "${command}" is not in the allowlist for platform "${on}"`
    case "node did not declare commands":
      return declared.includes(command)
        ? "node command not allowed: the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`"
        : "node command not allowed: the node did not declare any supported commands"
  }
}
