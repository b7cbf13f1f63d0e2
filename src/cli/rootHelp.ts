import { COMMAND_SUMMARIES } from "./commandSummaries.js"

/** `openclaw --help` (and `openclaw` alone): what the CLI does, its commands and the root options. */
export const rootHelp = (version: string): string => {
  const width = Math.max(...COMMAND_SUMMARIES.map(([name]) => name.length))
  return [
    `OpenClaw ${version} (clawgate): the OpenClaw gateway and its operator CLI`,
    "",
    "Usage: openclaw [--profile <name> | --dev] <command> [options]",
    "",
    "Commands:",
    ...COMMAND_SUMMARIES.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    "",
    "Options:",
    "  --profile <name>   use ~/.openclaw-<name> for state and config",
    "  --dev              use ~/.openclaw-dev and gateway port 19001",
    "  -V, --version      print the version",
    "  -h, --help         this help; `openclaw <command> --help` shows a command's options",
    "",
    "Something wrong? Start with `openclaw status`, then `openclaw gateway status` and `openclaw doctor`.",
    ""
  ].join("\n")
}
