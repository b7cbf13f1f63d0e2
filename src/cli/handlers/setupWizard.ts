import { Prompt } from "@effect/cli"
import * as Terminal from "@effect/platform/Terminal"
import { Effect, Either, Option, Redacted } from "effect"
import {
  parsePort,
  remoteUrlProblem,
  WIZARD_BINDS,
  WIZARD_PROVIDERS,
  type WizardAnswers,
  type WizardBind,
  type WizardDefaults,
  wizardSummary
} from "../../domain/setup/wizardAnswers.js"

const BIND_HELP: Record<WizardBind, string> = {
  loopback: "this machine only (127.0.0.1)",
  lan: "every interface: reachable from the local network",
  tailnet: "the Tailscale address",
  auto: "loopback, or every interface in a container"
}

const check = (problem: (value: string) => string | undefined) => (value: string) => {
  const found = problem(value)
  return found === undefined ? Effect.succeed(value) : Effect.fail(found)
}

const secret = (message: string, problem: (value: string) => string | undefined) =>
  Prompt.run(Prompt.password({ message, validate: check(problem) })).pipe(Effect.map((value) => Redacted.value(value).trim()))

const askLocal = (defaults: WizardDefaults) =>
  Effect.gen(function*() {
    const portText = yield* Prompt.run(Prompt.text({
      message: "Gateway port",
      default: String(defaults.port),
      validate: check((value) => Either.getLeft(parsePort(value)).pipe(Option.getOrUndefined))
    }))
    const port = Either.getOrElse(parsePort(portText), () => defaults.port)
    const bind = yield* Prompt.run(Prompt.select({
      message: "Gateway bind",
      choices: WIZARD_BINDS.map((value) => ({ title: value, value, description: BIND_HELP[value], selected: value === defaults.bind }))
    }))
    const auth = yield* Prompt.run(Prompt.select({
      message: "Gateway auth",
      choices: [
        { title: "token", value: "token" as const, description: defaults.hasToken ? "keep the configured token" : "generate one", selected: defaults.auth === "token" },
        { title: "password", value: "password" as const, description: "a password you choose", selected: defaults.auth === "password" }
      ]
    }))
    const password = auth === "password"
      ? yield* secret(defaults.hasPassword ? "Gateway password (blank keeps the configured one)" : "Gateway password", (value) =>
        value.trim() === "" && !defaults.hasPassword ? "Enter a password." : undefined)
      : ""
    const provider = yield* Prompt.run(Prompt.select({
      message: "Model provider API key",
      choices: [
        { title: "skip", value: undefined, description: "add one later: openclaw onboard --non-interactive --<provider>-api-key ...", selected: true },
        ...WIZARD_PROVIDERS.map((p) => ({ title: p.title, value: p.row, description: `stored in the auth-profile store as ${p.row.profileId}` }))
      ]
    }))
    const key = provider === undefined ? undefined : yield* secret(provider.description, (value) => (value.trim() === "" ? "Enter the key, or press Ctrl-C to stop." : undefined))
    return {
      mode: "local",
      port,
      bind,
      auth,
      password: password === "" ? undefined : password,
      providerKey: provider === undefined || key === undefined ? undefined : { flag: provider.flag, key }
    } satisfies WizardAnswers
  })

const askRemote = (defaults: WizardDefaults) =>
  Effect.gen(function*() {
    const url = yield* Prompt.run(Prompt.text({ message: "Remote gateway URL (ws:// or wss://)", default: defaults.remoteUrl, validate: check(remoteUrlProblem) }))
    const token = yield* secret("Remote gateway token (blank for none)", () => undefined)
    return { mode: "remote", url, token: token === "" ? undefined : token } satisfies WizardAnswers
  })

/**
 * The interactive onboarding's questions, a summary, and a confirmation. `None` when the person declines
 * or quits (Ctrl-C): then nothing may be written.
 */
export const askOnboarding = (defaults: WizardDefaults) =>
  Effect.gen(function*() {
    const mode = yield* Prompt.run(Prompt.select({
      message: "Gateway mode",
      choices: [
        { title: "local", value: "local" as const, description: "run the gateway on this machine", selected: defaults.mode === "local" },
        { title: "remote", value: "remote" as const, description: "use a gateway running elsewhere", selected: defaults.mode === "remote" }
      ]
    }))
    const answers: WizardAnswers = mode === "local" ? yield* askLocal(defaults) : yield* askRemote(defaults)
    // On the terminal with the questions, so `--json` output stays the only thing on standard output.
    const terminal = yield* Terminal.Terminal
    yield* Effect.orDie(terminal.display(["", "Onboarding summary:", ...wizardSummary(answers, defaults).map((line) => `  ${line}`), "", ""].join("\n")))
    const confirmed = yield* Prompt.run(Prompt.confirm({ message: "Write this configuration?", initial: true }))
    return confirmed ? Option.some(answers) : Option.none()
  }).pipe(Effect.catchTag("QuitException", () => Effect.succeed(Option.none<WizardAnswers>())))
