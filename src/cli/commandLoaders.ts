import type { agentCommand } from "./commands/agent.js"
import type { approvalsCommand } from "./commands/approvals.js"
import type { browserCommand } from "./commands/browser.js"
import type { channelsCommand } from "./commands/channels.js"
import type { configCommand } from "./commands/config.js"
import type { automationsCommand, cronCommand } from "./commands/cron.js"
import type { dashboardCommand } from "./commands/dashboard.js"
import type { devicesCommand } from "./commands/devices.js"
import type { doctorCommand } from "./commands/doctor.js"
import type { gatewayCommand } from "./commands/gateway.js"
import type { healthCommand } from "./commands/health.js"
import type { capabilityCommand, inferCommand } from "./commands/infer.js"
import type { logsCommand } from "./commands/logs.js"
import type { modelsCommand } from "./commands/models.js"
import type { nodeCommand } from "./commands/node.js"
import type { nodesCommand } from "./commands/nodes.js"
import type { pairingCommand } from "./commands/pairing.js"
import type { daemonCommand } from "./commands/service.js"
import type { onboardCommand, setupCommand } from "./commands/setup.js"
import type { statusCommand } from "./commands/status.js"
import type { systemCommand } from "./commands/system.js"
import { COMMAND_SUMMARIES, type CommandName } from "./commandSummaries.js"

/** A top-level command of the tree. */
export type TopCommand =
  | typeof setupCommand | typeof onboardCommand | typeof configCommand | typeof gatewayCommand | typeof healthCommand
  | typeof devicesCommand | typeof statusCommand | typeof logsCommand | typeof dashboardCommand | typeof doctorCommand
  | typeof daemonCommand | typeof modelsCommand | typeof inferCommand | typeof capabilityCommand | typeof agentCommand
  | typeof channelsCommand | typeof pairingCommand | typeof cronCommand | typeof automationsCommand | typeof systemCommand
  | typeof browserCommand | typeof nodesCommand | typeof nodeCommand | typeof approvalsCommand

/**
 * Each top-level command's module, imported when a command line names it: evaluating all 24 (their
 * options, schemas and the domain modules they pull in) cost every command 5-15 ms of its start, and
 * the gateway process 6 MiB of memory.
 */
export const COMMAND_LOADERS: { readonly [Name in CommandName]: () => Promise<TopCommand> } = {
  setup: () => import("./commands/setup.js").then((m) => m.setupCommand),
  onboard: () => import("./commands/setup.js").then((m) => m.onboardCommand),
  status: () => import("./commands/status.js").then((m) => m.statusCommand),
  gateway: () => import("./commands/gateway.js").then((m) => m.gatewayCommand),
  health: () => import("./commands/health.js").then((m) => m.healthCommand),
  logs: () => import("./commands/logs.js").then((m) => m.logsCommand),
  doctor: () => import("./commands/doctor.js").then((m) => m.doctorCommand),
  dashboard: () => import("./commands/dashboard.js").then((m) => m.dashboardCommand),
  devices: () => import("./commands/devices.js").then((m) => m.devicesCommand),
  channels: () => import("./commands/channels.js").then((m) => m.channelsCommand),
  pairing: () => import("./commands/pairing.js").then((m) => m.pairingCommand),
  config: () => import("./commands/config.js").then((m) => m.configCommand),
  models: () => import("./commands/models.js").then((m) => m.modelsCommand),
  agent: () => import("./commands/agent.js").then((m) => m.agentCommand),
  infer: () => import("./commands/infer.js").then((m) => m.inferCommand),
  capability: () => import("./commands/infer.js").then((m) => m.capabilityCommand),
  daemon: () => import("./commands/service.js").then((m) => m.daemonCommand),
  cron: () => import("./commands/cron.js").then((m) => m.cronCommand),
  automations: () => import("./commands/cron.js").then((m) => m.automationsCommand),
  system: () => import("./commands/system.js").then((m) => m.systemCommand),
  browser: () => import("./commands/browser.js").then((m) => m.browserCommand),
  nodes: () => import("./commands/nodes.js").then((m) => m.nodesCommand),
  node: () => import("./commands/node.js").then((m) => m.nodeCommand),
  approvals: () => import("./commands/approvals.js").then((m) => m.approvalsCommand)
}

/** Every top-level command's name, in the order the root help lists them. */
export const COMMAND_NAMES: ReadonlyArray<CommandName> = COMMAND_SUMMARIES.map(([name]) => name)

export const isCommandName = (word: string | undefined): word is CommandName => word !== undefined && Object.hasOwn(COMMAND_LOADERS, word)
