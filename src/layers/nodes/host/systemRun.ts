import { Effect, Either, Schema } from "effect"
import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { accessSync, constants, statSync } from "node:fs"
import { delimiter, isAbsolute, join, resolve as resolvePath } from "node:path"
import { addAllowlistEntry, Ask, type Decision, hostPolicy, Security } from "../../../domain/approvals/document.js"
import { afterPrompt, effectivePolicy, evaluateRun, exactArgvPattern } from "../../../domain/approvals/policy.js"
import { analyzeArgvCommand } from "../../../domain/approvals/shellAnalysis.js"
import { opt } from "../../../domain/opt.js"
import type { RunPlan } from "../../../domain/protocol/nodeMethods.js"
import type { ApprovalsFileStore } from "../../approvals/approvalsFile.js"

/** `system.run` params as the gateway's exec tool (and the original's) send them. */
export const SystemRunParams = Schema.Struct({
  command: Schema.Array(Schema.String).pipe(Schema.minItems(1)),
  rawCommand: opt(Schema.String),
  cwd: opt(Schema.String),
  env: opt(Schema.Record({ key: Schema.String, value: Schema.String })),
  timeoutMs: opt(Schema.Number.pipe(Schema.positive())),
  agentId: opt(Schema.String),
  sessionKey: opt(Schema.String),
  security: opt(Security),
  ask: opt(Ask),
  strictInlineEval: opt(Schema.Boolean),
  needsScreenRecording: opt(Schema.Boolean)
})
export type SystemRunParams = typeof SystemRunParams.Type

/** A node command's failure, sent back verbatim as `{code, message}`. */
export class NodeCommandError extends Schema.TaggedError<NodeCommandError>()("NodeCommandError", {
  code: Schema.String,
  message: Schema.String
}) {}

const MAX_OUTPUT_BYTES = 256 * 1024
const DEFAULT_RUN_TIMEOUT_MS = 120_000
// Variables that change which binary runs or what the shell loads first.
const LOADER_ENV = /^(PATH|LD_.*|DYLD_.*|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|IFS|PS4|NODE_OPTIONS|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|RUBYOPT)$/

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** Where argv0 would be found: a path relative to `cwd`, or the first executable on PATH. */
export const resolveBinary = (argv0: string, cwd: string, pathEnv: string | undefined): string | undefined => {
  if (argv0.includes("/")) {
    const file = isAbsolute(argv0) ? argv0 : resolvePath(cwd, argv0)
    return isExecutable(file) ? file : undefined
  }
  for (const dir of (pathEnv ?? "").split(delimiter)) {
    if (dir.length === 0) continue
    const file = join(dir, argv0)
    if (isExecutable(file)) return file
  }
  return undefined
}

export interface RunOutcome {
  readonly exitCode: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
  readonly success: boolean
  readonly truncated: boolean
}

/** Runs the plan exactly: its resolved binary, its argv, its cwd; interruption kills the child. */
export const runPlan = (plan: RunPlan, env: Readonly<Record<string, string>>, timeoutMs: number) =>
  Effect.async<RunOutcome, NodeCommandError>((resume) => {
    const [argv0, ...args] = plan.argv
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(plan.resolvedPath ?? argv0 ?? "", args, { cwd: plan.cwd, env: { ...process.env, ...env }, argv0, stdio: ["ignore", "pipe", "pipe"] })
    } catch (error) {
      resume(Effect.fail(new NodeCommandError({ code: "UNAVAILABLE", message: `spawn failed: ${error instanceof Error ? error.message : String(error)}` })))
      return
    }
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    let sizes = { out: 0, err: 0 }
    let truncated = false
    let timedOut = false
    child.stdout?.on("data", (chunk: Buffer) => {
      if (sizes.out + chunk.length > MAX_OUTPUT_BYTES) truncated = true
      else out.push(chunk)
      sizes = { ...sizes, out: sizes.out + chunk.length }
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      if (sizes.err + chunk.length > MAX_OUTPUT_BYTES) truncated = true
      else err.push(chunk)
      sizes = { ...sizes, err: sizes.err + chunk.length }
    })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill("SIGKILL")
    }, timeoutMs)
    child.once("error", (error) => {
      clearTimeout(timer)
      resume(Effect.fail(new NodeCommandError({ code: "UNAVAILABLE", message: `spawn failed: ${error.message}` })))
    })
    child.once("close", (code, signal) => {
      clearTimeout(timer)
      resume(Effect.succeed({
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        success: code === 0 && !timedOut,
        truncated
      }))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      child.kill("SIGKILL")
    })
  })

const denied = (message: string) => {
  const [code, ...rest] = message.split(": ")
  return new NodeCommandError({ code: code ?? "SYSTEM_RUN_DENIED", message: rest.join(": ") })
}

export interface SystemRunDeps {
  readonly approvals: ApprovalsFileStore
  readonly home: string
  readonly cwd: string
  /** Asks the operators through the gateway; `undefined` when no decision came (timeout, gateway gone). */
  readonly ask: (plan: RunPlan, params: SystemRunParams) => Effect.Effect<Decision | undefined>
  readonly now: Effect.Effect<number>
}

/**
 * `system.run`: canonical plan (argv, cwd, the binary argv0 resolves to, env keys), the host document
 * and the requested policy (stricter wins), a prompt when needed, then the plan as built.
 */
export const systemRun = (raw: unknown, deps: SystemRunDeps) =>
  Effect.gen(function*() {
    const decoded = Schema.decodeUnknownEither(SystemRunParams, { errors: "all", onExcessProperty: "ignore" })(raw)
    if (Either.isLeft(decoded)) return yield* new NodeCommandError({ code: "INVALID_REQUEST", message: "system.run needs command: string[]" })
    const params = decoded.right
    const cwd = params.cwd ?? deps.cwd
    const env = params.env ?? {}
    const snapshot = yield* deps.approvals.snapshot.pipe(
      Effect.catchAll((error) => Effect.fail(new NodeCommandError({ code: "SYSTEM_RUN_DENIED", message: `approvals unreadable (${error.message})` })))
    )
    const agentId = params.agentId ?? "main"
    const policy = effectivePolicy(
      { security: params.security ?? "full", ask: params.ask ?? "off", strictInlineEval: params.strictInlineEval === true },
      hostPolicy(snapshot.file, agentId)
    )
    const blockedEnv = Object.keys(env).filter((key) => LOADER_ENV.test(key))
    if (policy.security !== "full" && blockedEnv.length > 0) {
      return yield* new NodeCommandError({ code: "SYSTEM_RUN_DENIED", message: `env override not allowed: ${blockedEnv.join(", ")}` })
    }
    const pathEnv = env["PATH"] ?? process.env["PATH"]
    const resolve = (argv0: string) => resolveBinary(argv0, cwd, pathEnv)
    const plan: RunPlan = {
      argv: params.command,
      cwd,
      ...(resolve(params.command[0] as string) === undefined ? {} : { resolvedPath: resolve(params.command[0] as string) as string }),
      envKeys: Object.keys(env).sort(),
      ...(params.rawCommand === undefined ? {} : { rawCommand: params.rawCommand })
    }
    if (plan.resolvedPath === undefined) return yield* new NodeCommandError({ code: "INVALID_REQUEST", message: `command not found: ${params.command[0]}` })
    const analysis = analyzeArgvCommand(params.command)
    const verdict = evaluateRun(analysis, resolve, policy, deps.home)
    if (verdict.kind === "deny") return yield* denied(verdict.message)
    if (verdict.kind === "ask") {
      const decision = yield* deps.ask(plan, params)
      const after = afterPrompt(decision, policy.askFallback, verdict.allowlistSatisfied)
      if (after.kind === "deny") return yield* denied(after.message)
      if (after.persist && analysis.ok) {
        const now = yield* deps.now
        // Argv-bound entries, one per segment; inline code is never made durable.
        yield* deps.approvals.update((file) =>
          analysis.segments.filter((s) => !s.inlineEval).reduce((doc, segment) => {
            const resolved = resolve(segment.argv[0] ?? "")
            return resolved === undefined ? doc : addAllowlistEntry(doc, agentId, {
              id: randomUUID(),
              pattern: resolved,
              argPattern: exactArgvPattern(segment.argv.slice(1)),
              source: "allow-always",
              lastUsedAt: now,
              lastResolvedPath: resolved
            })
          }, file)
        ).pipe(Effect.ignore)
      }
    }
    return yield* runPlan(plan, env, params.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS)
  })

/** `system.which {bins}`: each name found on PATH, as `{bins: {name: path}}`. */
export const systemWhich = (raw: unknown) =>
  Effect.gen(function*() {
    const decoded = Schema.decodeUnknownEither(Schema.Struct({ bins: Schema.Array(Schema.String) }), { onExcessProperty: "ignore" })(raw)
    if (Either.isLeft(decoded)) return yield* new NodeCommandError({ code: "INVALID_REQUEST", message: "system.which needs bins: string[]" })
    const found: Record<string, string> = {}
    for (const bin of decoded.right.bins) {
      if (bin.includes("/")) continue
      const path = resolveBinary(bin, process.cwd(), process.env["PATH"])
      if (path !== undefined) found[bin] = path
    }
    return { bins: found }
  })
