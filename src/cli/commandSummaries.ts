/**
 * The top-level commands in the order `openclaw --help` lists them, with the one line each shows there
 * and in its own `--help`. One source for both, so the fast root help cannot drift from the tree.
 */
export const COMMAND_SUMMARIES = [
  ["setup", "Interactive onboarding (--wizard), or the baseline config and folders (--baseline)"],
  ["onboard", "The same onboarding; for scripts: openclaw onboard --mode local --non-interactive"],
  ["status", "Show gateway, service, channels and what to run next"],
  ["gateway", "Run the gateway (default), call or probe it, and manage its OS service"],
  ["health", "Check that the gateway answers and is healthy"],
  ["logs", "Show the gateway's log (from the gateway, or the file when it is down)"],
  ["doctor", "Check config, state, auth and the gateway service; --fix repairs what it safely can"],
  ["dashboard", "Open the Control UI in a browser (or print its URL)"],
  ["devices", "Manage paired devices, pairing requests and device tokens"],
  ["channels", "Manage connected chat channels and accounts"],
  ["pairing", "Secure DM pairing (approve inbound requests)"],
  ["config", "Read and edit openclaw.json (get, set, unset, patch, file, validate, schema)"],
  ["models", "Model selection, fallbacks and provider auth status"],
  ["agent", "Run one agent turn through the gateway (--local: in this process) and print the reply"],
  ["infer", "Headless provider-backed inference (model run)"],
  ["capability", "Alias of `openclaw infer`"],
  ["daemon", "The gateway OS service: status, install, start, stop, restart, uninstall"],
  ["cron", "Manage automations (via Gateway): status, list, add, run, runs, ..."],
  ["automations", "Alias of `openclaw cron`"],
  ["system", "System tools (events, heartbeat)"],
  ["browser", "Manage OpenClaw's dedicated browser (Chrome/Chromium)"],
  ["nodes", "Manage gateway-owned nodes (pairing, status, describe, invoke)"],
  ["node", "Run the headless node host (system.run, system.which) against a gateway"],
  ["approvals", "Exec approvals: policy, allowlists, pending requests (alias: exec-approvals)"]
] as const

export type CommandName = (typeof COMMAND_SUMMARIES)[number][0]

export const summaryOf = (name: CommandName): string => COMMAND_SUMMARIES.find(([n]) => n === name)?.[1] ?? name
