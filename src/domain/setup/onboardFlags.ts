import { Either } from "effect"
import type { EditOp } from "../config/edits.js"
import { nonEmpty } from "../text/nonEmpty.js"
import { valueAt } from "../valueAt.js"

/** `--reset-scope`: what `--reset` removes before onboarding. */
export type ResetScope = "config" | "config+creds+sessions" | "full"

/** The parts a reset scope covers (the original's: workspace only with `full`). */
export const resetParts = (scope: ResetScope) => ({
  config: true,
  creds: scope !== "config",
  sessions: scope !== "config",
  workspace: scope === "full"
})

/** `--remote-url`, `--remote-token`, `--remote-password`. */
export interface RemoteFlags {
  readonly url?: string | undefined
  readonly token?: string | undefined
  readonly password?: string | undefined
}

type SetOp = Extract<EditOp, { readonly _tag: "Set" }>

const set = (path: ReadonlyArray<string>, value: unknown): SetOp => ({ _tag: "Set", path, value, mode: "plain" })

/**
 * `onboard --mode remote`: this machine's CLI talks to a gateway elsewhere. Writes `gateway.mode remote`
 * and `gateway.remote.{url,token,password}`; nothing of the local baseline (no local token, no workspace).
 */
export const planRemote = (flags: RemoteFlags): Either.Either<{ readonly ops: ReadonlyArray<SetOp>; readonly paths: ReadonlyArray<string>; readonly auth: "token" | "password" | "none" }, string> => {
  const url = nonEmpty(flags.url)
  if (url === undefined) return Either.left("Missing --remote-url (required for --mode remote). Example: --remote-url wss://gateway.example.com:18789")
  let protocol = ""
  try {
    protocol = new URL(url).protocol
  } catch {
    return Either.left(`Invalid --remote-url "${url}". Use a WebSocket URL such as wss://gateway.example.com:18789.`)
  }
  if (protocol !== "ws:" && protocol !== "wss:") return Either.left(`Invalid --remote-url "${url}". Use ws:// or wss://.`)
  const token = nonEmpty(flags.token)
  const password = nonEmpty(flags.password)
  const ops = [
    set(["gateway", "mode"], "remote"),
    set(["gateway", "remote", "url"], url),
    ...(token === undefined ? [] : [set(["gateway", "remote", "token"], token)]),
    ...(password === undefined ? [] : [set(["gateway", "remote", "password"], password)])
  ]
  return Either.right({ ops, paths: ops.map((op) => op.path.join(".")), auth: token !== undefined ? "token" : password !== undefined ? "password" : "none" })
}

/** Remote flags given without `--mode remote`. */
export const remoteFlagsWithoutMode = (flags: RemoteFlags): ReadonlyArray<string> =>
  [["--remote-url", flags.url], ["--remote-token", flags.token], ["--remote-password", flags.password]]
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name ?? "")

/** The `agents.defaults.workspace` edit, when it changes. */
export const workspaceOp = (authored: unknown, dir: string): SetOp | undefined =>
  valueAt(authored, "agents", "defaults", "workspace") === dir ? undefined : set(["agents", "defaults", "workspace"], dir)

/** `--tailscale off` turns a configured Tailscale exposure off; serve and funnel are not in this version. */
export const planTailscale = (authored: unknown, mode: "off" | "serve" | "funnel" | undefined): Either.Either<SetOp | undefined, string> => {
  if (mode === undefined) return Either.right(undefined)
  if (mode !== "off") return Either.left(`--tailscale ${mode}: Tailscale exposure is not in this version. Use --tailscale off (or leave it out) and reach the gateway over loopback, a LAN bind with auth, or an SSH tunnel.`)
  const current = valueAt(authored, "gateway", "tailscale", "mode")
  return Either.right(current === undefined || current === "off" ? undefined : set(["gateway", "tailscale", "mode"], "off"))
}

/** Why `--agent-name` cannot be used: this version runs the one agent, `main`. */
export const agentNameProblem = (name: string | undefined): string | undefined => {
  const value = nonEmpty(name)
  if (value === undefined || value.toLowerCase() === "main") return undefined
  return `--agent-name ${value}: named agents are not in this version (the agent is "main" and keeps that name). Leave --agent-name out, or pass --agent-name main.`
}

/** The clear refusal for a flag that only steers a part this version does not have. */
export const notBuiltMessage = (flag: string): string => {
  switch (flag) {
    case "--team":
      return "--team: multi-agent teams (a coordinator with specialists) are not in this version. Onboard without --team; the one agent is \"main\"."
    case "--import-from":
    case "--flow import":
      return `${flag}: onboarding migrations (--import-from/--import-source/--import-secrets) are not in this version. Onboard without them and copy settings with openclaw config set.`
    case "--message":
      return "--message: setup does not run agent requests in this version. Run it with: openclaw agent --local --message \"<text>\""
    default:
      return `${flag}: the original's full setup wizard is not in this version. Use the short one at a terminal (openclaw setup --wizard) or the non-interactive path: openclaw onboard --non-interactive --accept-risk [--anthropic-api-key ... | --auth-choice ...] [--gateway-auth token] ...`
  }
}
