import { Effect, Either, FiberSet, Queue, Schema } from "effect"
import { spawn } from "node:child_process"
import * as vm from "node:vm"
import type { ScriptCompletion, ScriptFailure } from "../../domain/cron/script.js"

/**
 * The child's program (CommonJS, run with `node -e`). The user's script runs in a fresh vm context of
 * this throwaway process, never in the gateway's: its globals are the agent's tools (each an async
 * function whose call goes to the gateway over IPC), `json(value)`, `text(value)`, `console`, timers and
 * the deeply frozen `trigger` ({ state, streamBatch? }). Top-level `await` and `return` work.
 */
const CHILD_PROGRAM = String.raw`"use strict";
const vm = require("node:vm");
const pending = new Map();
let nextId = 0;
const messageOf = (e) => (e !== null && typeof e === "object" && typeof e.message === "string") ? (typeof e.name === "string" && e.name !== "" ? e.name + ": " : "") + e.message : String(e);
const finish = (message) => { process.send(message, () => process.exit(0)); };
const jsonCopy = (value) => { const s = JSON.stringify(value); return s === undefined ? undefined : JSON.parse(s); };
process.on("unhandledRejection", (e) => finish({ type: "failed", error: messageOf(e) }));
process.on("disconnect", () => process.exit(0));
process.on("message", (m) => {
  if (m && m.type === "toolResult") {
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value); else p.reject(new Error(m.error));
    return;
  }
  if (!m || m.type !== "start") return;
  const output = [];
  const context = vm.createContext({});
  const deepFreeze = vm.runInContext("(function f(v) { if (v !== null && typeof v === 'object') { Object.freeze(v); for (const k of Object.keys(v)) f(v[k]); } return v; })", context);
  const parse = vm.runInContext("JSON.parse", context);
  const call = (name, args) => new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve: (v) => resolve(v === undefined ? undefined : parse(JSON.stringify(v))), reject });
    process.send({ type: "tool", id, name, args: jsonCopy(args === undefined ? {} : args) });
  });
  const globals = {
    json: (value) => { output.push(jsonCopy(value)); },
    text: (value) => { output.push(String(value)); },
    console: { log() {}, info() {}, warn() {}, error() {}, debug() {} },
    setTimeout: (fn, ms, ...args) => setTimeout(fn, ms, ...args),
    clearTimeout: (t) => clearTimeout(t),
    trigger: deepFreeze(parse(m.trigger))
  };
  for (const name of m.tools) if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !(name in globals)) globals[name] = (args) => call(name, args);
  for (const [key, value] of Object.entries(globals)) Object.defineProperty(context, key, { value, enumerable: true });
  let script;
  try {
    script = new vm.Script("(async () => {\n" + m.source + "\n})()", { filename: "cron-script.js", lineOffset: -1 });
  } catch (e) {
    finish({ type: "failed", error: messageOf(e) });
    return;
  }
  Promise.resolve().then(() => script.runInContext(context)).then(
    (value) => { let v; try { v = jsonCopy(value); } catch { v = undefined; } finish({ type: "done", value: v, output }); },
    (e) => finish({ type: "failed", error: messageOf(e) })
  );
});
`

/** What the child sends: a tool call, its result, or its failure. */
const ChildMessage = Schema.Union(
  Schema.Struct({ type: Schema.Literal("tool"), id: Schema.Int, name: Schema.String, args: Schema.Unknown }),
  Schema.Struct({ type: Schema.Literal("done"), value: Schema.Unknown, output: Schema.Array(Schema.Unknown) }),
  Schema.Struct({ type: Schema.Literal("failed"), error: Schema.String })
)
const decodeChildMessage = Schema.decodeUnknownOption(ChildMessage)

type ChildEvent =
  | { readonly type: "message"; readonly message: unknown }
  | { readonly type: "exit"; readonly code: number | null; readonly signal: string | null }
  | { readonly type: "spawn-error"; readonly message: string }

/** One script run: the source, what it sees as `trigger`, its limits, and the tools it may call. */
export interface ScriptRunRequest {
  /** "cron trigger evaluation" or "cron script payload": the subject of its error messages. */
  readonly label: string
  readonly source: string
  readonly trigger: { readonly state?: unknown; readonly streamBatch?: string | undefined }
  readonly wallClockMs: number
  readonly maxToolCalls: number
  /** Tool names exposed as global functions. */
  readonly tools: ReadonlyArray<string>
  /** Runs one tool call in the gateway; a failure is the message the script's promise rejects with. */
  readonly callTool: (name: string, args: unknown) => Effect.Effect<unknown, string>
}

const STDERR_KEPT = 2048
/** The child's heap: a runaway script fails alone instead of growing without bound. */
const CHILD_HEAP_MB = 256

const failure = (error: string, code: ScriptFailure["code"]): ScriptFailure => ({ kind: "error", code, error })

/**
 * Runs a script in its own Node process and answers how it ended: completed (its return value and its
 * `json(...)` output) or failed (threw, bad syntax, wall clock or tool budget exhausted, crashed). The
 * process is SIGKILLed when the run ends for any reason, an infinite loop included.
 */
export const runScript = (request: ScriptRunRequest): Effect.Effect<(ScriptCompletion & { readonly kind: "completed" }) | ScriptFailure> =>
  Effect.scoped(Effect.gen(function*() {
    const inbox = yield* Queue.unbounded<ChildEvent>()
    let stderr = ""
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        // No gateway environment (tokens, keys) in the child: it only evaluates and asks over IPC.
        spawn(process.execPath, [`--max-old-space-size=${CHILD_HEAP_MB}`, "-e", CHILD_PROGRAM], { stdio: ["ignore", "ignore", "pipe", "ipc"], env: {} })
      ),
      (c) => Effect.sync(() => {
        if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
      })
    )
    child.on("message", (message) => Queue.unsafeOffer(inbox, { type: "message", message }))
    child.on("exit", (code, signal) => Queue.unsafeOffer(inbox, { type: "exit", code, signal }))
    child.on("error", (error) => Queue.unsafeOffer(inbox, { type: "spawn-error", message: error.message }))
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.toString("utf8")
    })
    const send = (message: unknown) => {
      if (child.connected) child.send(message as never, () => {})
    }
    send({ type: "start", source: request.source, trigger: JSON.stringify(request.trigger), tools: request.tools })

    // Tool calls run as fibers of this scope: they are interrupted when the script ends or times out.
    const calls = yield* FiberSet.make<void, never>()
    let count = 0
    const loop: Effect.Effect<(ScriptCompletion & { readonly kind: "completed" }) | ScriptFailure> = Effect.gen(function*() {
      for (;;) {
        const event = yield* Queue.take(inbox)
        if (event.type === "spawn-error") return failure(`${request.label} could not start: ${event.message}`, "internal_error")
        if (event.type === "exit") {
          const detail = stderr.trim().split("\n").slice(-3).join(" ").slice(0, 300)
          return failure(`${request.label} process exited unexpectedly (${event.signal ?? `code ${event.code}`})${detail === "" ? "" : `: ${detail}`}`, "internal_error")
        }
        const decoded = decodeChildMessage(event.message)
        if (decoded._tag === "None") return failure(`${request.label} sent an unreadable message`, "internal_error")
        const message = decoded.value
        if (message.type === "failed") return failure(message.error, "script_error")
        if (message.type === "done") return { kind: "completed" as const, value: message.value, output: message.output }
        count += 1
        if (count > request.maxToolCalls) return failure(`${request.label} tool budget exceeded (${request.maxToolCalls} calls)`, "tool_budget")
        const { id, name, args } = message
        const answer: Effect.Effect<Either.Either<unknown, string>> = request.tools.includes(name)
          ? Effect.either(request.callTool(name, args))
          : Effect.succeed(Either.left(`unknown tool: ${name}`))
        yield* FiberSet.run(calls, Effect.flatMap(answer, (result) =>
          Effect.sync(() => send(Either.isRight(result) ? { type: "toolResult", id, ok: true, value: result.right } : { type: "toolResult", id, ok: false, error: result.left }))))
      }
    })
    const seconds = Math.round(request.wallClockMs / 100) / 10
    return yield* loop.pipe(
      Effect.timeoutTo({ duration: request.wallClockMs, onTimeout: () => failure(`${request.label} timed out after ${seconds}s`, "timeout"), onSuccess: (result) => result })
    )
  }))

/**
 * A script's syntax error (`message (line N)`), or `undefined`. The source is only compiled here, as the
 * child will wrap it, never run: a job with a typo is refused when it is saved rather than failing later.
 */
export const scriptSyntaxProblem = (source: string): string | undefined => {
  try {
    new vm.Script(`(async () => {\n${source}\n})()`, { filename: "cron-script.js", lineOffset: -1 })
    return undefined
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const line = error instanceof Error ? /cron-script\.js:(\d+)/.exec(error.stack ?? "")?.[1] : undefined
    return line === undefined ? message : `${message} (line ${line})`
  }
}
