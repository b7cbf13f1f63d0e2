import type { ConfigError } from "../domain/errors.js"

/** How a failure reads to a person: the message, the next command to run, and the exit code. */
export interface RenderedError {
  readonly lines: ReadonlyArray<string>
  readonly exitCode: number
}

const next = (command: string) => `Next: ${command}`

/** Turns any typed error of the config foundation into the lines a person sees and an exit code. */
export const renderError = (error: ConfigError): RenderedError => {
  const head = `error[${error.code}]: ${error.message}`
  switch (error._tag) {
    case "ConfigParseError":
      return {
        lines: [head, next(`fix the JSON5 syntax by hand, or run \`openclaw doctor --fix\`; then \`openclaw config validate\``)],
        exitCode: 1
      }
    case "ConfigInvalid":
      return {
        lines: [
          `error[${error.code}]: ${error.message.startsWith("Config validation failed") ? error.message : `OpenClaw config is invalid: ${error.path}`}`,
          ...(error.message.startsWith("Config validation failed") ? [] : error.issues.map((issue) => `  × ${issue.path}: ${issue.message}`)),
          next("`openclaw config validate` to list the problems, or `openclaw doctor --fix` to repair")
        ],
        exitCode: 1
      }
    case "InvalidConfigPath":
      return { lines: [head, next("quote bracket paths, e.g. openclaw config get 'channels.telegram.groups[\"*\"]'")], exitCode: 1 }
    case "ConfigPathNotFound":
      return { lines: [head, next("`openclaw config get <parent path>` to see what is set")], exitCode: 1 }
    case "ConfigValueInvalid":
      return { lines: [head], exitCode: 1 }
    case "ConfigProtectedPath":
      return { lines: [head, next(`re-run with --merge to add entries, or --replace to replace ${error.configPath} entirely`)], exitCode: 1 }
    case "ConfigWriteRejected":
      return {
        lines: [head, next(`inspect ${error.rejectedPath}, then apply only the intended keys with \`openclaw config set\`; \`openclaw config validate\``)],
        exitCode: 1
      }
    case "ConfigWriteConflict":
      return { lines: [head, next("re-run the same command")], exitCode: 1 }
    case "ConfigWriteBlocked":
      return { lines: [head, next("openclaw doctor --fix")], exitCode: 1 }
    case "ConfigIoError":
      return { lines: [head, next("check the file's permissions and free disk space, then re-run")], exitCode: 1 }
    case "VersionGuardBlocked":
      return { lines: [`error[${error.code}]: ${error.message}`], exitCode: error.serviceMode ? 78 : 1 }
  }
}
