import type { AgentInputInvalid, AgentRunFailed } from "../domain/agent/errors.js"
import type { AuthStoreInvalid } from "../domain/auth/authProfiles.js"
import type { DoctorConfigUnrecoverable } from "../domain/doctor/errors.js"
import type { ConfigError, StateIoError } from "../domain/errors.js"
import type { InvalidProfileName } from "../domain/Paths.js"
import type { ModelNotAllowed, NoModelConfigured, UnknownModel } from "../domain/models/errors.js"
import type { InferGatewayForbidden, InferInputInvalid, ModelRunFailed } from "../domain/models/infer.js"
import type { GatewayStartBlocked } from "../domain/gateway/startGuards.js"
import type { GatewayClientError } from "../domain/protocol/clientErrors.js"
import { SERVICE_MANAGER_UNAVAILABLE_HINT } from "../domain/supervisor/report.js"
import type { ServiceActionFailed, ServiceManagerUnavailable } from "../services/ServiceManager.js"

/** How a failure reads to a person: the message, the next command to run, and the exit code. */
export interface RenderedError {
  readonly lines: ReadonlyArray<string>
  readonly exitCode: number
}

const next = (command: string) => `Next: ${command}`

/** Model and `infer` errors that reach the CLI edge. */
type ModelCliError = UnknownModel | NoModelConfigured | ModelNotAllowed | ModelRunFailed | InferInputInvalid | InferGatewayForbidden

/** Every typed error a CLI command can end with. */
export type CliError = ConfigError | StateIoError | InvalidProfileName | GatewayClientError | GatewayStartBlocked | DoctorConfigUnrecoverable | ServiceManagerUnavailable | ServiceActionFailed | ModelCliError | AgentInputInvalid | AgentRunFailed | AuthStoreInvalid

const authNext = (step: string, retryAfterMs: number | undefined) => {
  switch (step) {
    case "update_auth_configuration":
      return next("set gateway.auth.token (or gateway.remote.token for a remote gateway), or pass --token")
    // The one device-token retry already ran (or was not allowed, e.g. with --url): the shared token is wrong.
    case "update_auth_credentials":
    case "retry_with_device_token":
      return next("pass the gateway's token with --token, or set gateway.remote.token to match gateway.auth.token")
    case "wait_then_retry":
      return next(`wait ${Math.ceil((retryAfterMs ?? 60_000) / 1000)}s, then retry with the right credentials`)
    default:
      return next("openclaw gateway status, then review gateway.auth in openclaw config get gateway.auth")
  }
}

/** Turns any typed CLI error into the lines a person sees and an exit code. */
export const renderError = (error: CliError): RenderedError => {
  const head = `error[${error.code}]: ${error.message}`
  switch (error._tag) {
    case "ConfigParseError":
      return {
        // The parser's message has the line and column; the file is named so the reader knows which one.
        lines: [`error[${error.code}]: ${error.path}: ${error.message}`, next(`fix the JSON5 syntax by hand, or run \`openclaw doctor --fix\`; then \`openclaw config validate\``)],
        exitCode: 1
      }
    case "ConfigInvalid":
      return {
        lines: [
          // A refused write already names its issues; an invalid file on disk lists them one per line.
          `error[${error.code}]: ${error.stage === "write" ? error.message : `OpenClaw config is invalid: ${error.path}`}`,
          ...(error.stage === "write" ? [] : error.issues.map((issue) => `  × ${issue.path}: ${issue.message}`)),
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
    case "AuthStoreInvalid":
      return { lines: [head, next(`move ${error.path} aside (its keys are in it), then re-run onboarding`)], exitCode: 1 }
    case "ConfigIoError":
    case "StateIoError":
      return { lines: [head, next("check the file's permissions and free disk space, then re-run")], exitCode: 1 }
    // A usage mistake, like a bad flag value: exit 2.
    case "InvalidProfileName":
      return { lines: [head, next("pick a plain name, e.g. `openclaw --profile work <command>` (state in ~/.openclaw-work)")], exitCode: 2 }
    case "VersionGuardBlocked":
      return { lines: [`error[${error.code}]: ${error.message}`], exitCode: error.serviceMode ? 78 : 1 }
    case "GatewayStartBlocked":
      return { lines: error.message.split("\n"), exitCode: error.exitCode }
    case "GatewayConnectFailed":
    case "GatewayTimeout":
      return { lines: [head, next("start it with `openclaw gateway run` (or check --url / gateway.remote.url), then `openclaw gateway status`")], exitCode: 1 }
    case "GatewayAuthError":
      return { lines: [head, authNext(error.recommendedNextStep, error.retryAfterMs)], exitCode: 1 }
    case "PairingRequired":
      return {
        lines: [`error[${error.code}]: ${error.message} (requestId: ${error.requestId})`, next(`on the gateway host, run: openclaw devices approve ${error.requestId}`)],
        exitCode: 1
      }
    case "DeviceAuthError":
      return { lines: [head, next("check this machine's clock; if it persists, remove the identity folder under the state dir and reconnect")], exitCode: 1 }
    case "GatewayRpcError":
      return { lines: [head], exitCode: 1 }
    case "GatewayResultInvalid":
      return { lines: [head, next(`the gateway answers ${error.method} in a shape this CLI does not know: compare \`openclaw --version\` with the gateway's version; \`openclaw gateway call ${error.method}\` shows the raw answer`)], exitCode: 1 }
    case "ServiceManagerUnavailable":
      return { lines: [head, next(SERVICE_MANAGER_UNAVAILABLE_HINT)], exitCode: 1 }
    case "ServiceActionFailed":
      return { lines: error.hint === undefined ? [head] : [head, next(error.hint)], exitCode: 1 }
    case "DoctorConfigUnrecoverable":
      return { lines: [head, next("openclaw config validate")], exitCode: 1 }
    case "UnknownModel":
      return { lines: [head, next(error.hint ?? "openclaw models list, then pass --model provider/model")], exitCode: 1 }
    case "ModelNotAllowed":
      return { lines: [head, next(`openclaw config get agents.defaults.modelPolicy.allow, then add "${error.ref}" there or pick an allowed model`)], exitCode: 1 }
    case "NoModelConfigured":
      return { lines: [head, next("openclaw config set agents.defaults.model.primary <provider/model>")], exitCode: 1 }
    case "ModelRunFailed":
      return { lines: [head, next(error.hint ?? "openclaw models status --probe, then openclaw logs --follow")], exitCode: 1 }
    case "InferInputInvalid":
      return { lines: [head], exitCode: 1 }
    case "InferGatewayForbidden":
      return {
        lines: [
          head,
          next("connect with the gateway's token (--token, or gateway.remote.token) or a device approved for operator.admin; or drop --model to use the gateway's configured model, or run it here with --local")
        ],
        exitCode: 1
      }
    case "AgentInputInvalid":
      return { lines: [head, next("openclaw agent --agent main --message \"...\" (see openclaw agent --help)")], exitCode: 1 }
    case "AgentRunFailed":
      return {
        lines: [head, next(error.hint ?? (error.cause === "AGENT_TIMEOUT" ? "raise --timeout, or check the model with openclaw models status --probe" : "openclaw models status --probe, then openclaw logs --follow"))],
        exitCode: 1
      }
  }
}
