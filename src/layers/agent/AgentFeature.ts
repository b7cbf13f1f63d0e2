import type * as FileSystem from "@effect/platform/FileSystem"
import { Context, Effect, Layer } from "effect"
import { AgentRunner } from "../../services/AgentRunner.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import { GatewayLog } from "../../services/GatewayLog.js"
import type { Host } from "../../services/Host.js"
import { ModelCatalog } from "../../services/ModelCatalog.js"
import type { Paths } from "../../services/Paths.js"
import { SessionStore } from "../../services/SessionStore.js"
import type { StateFiles } from "../../services/StateFiles.js"
import { ToolRegistry } from "../../services/ToolRegistry.js"
import { AgentMethodsLive } from "../gateway/methods/agentMethods.js"
import type { AgentStackOptions } from "./AgentLive.js"

type Stack = AgentRunner | SessionStore | ModelCatalog | ToolRegistry

/** What the agent stack is built over: the caller's config, paths, host and state files. */
export type AgentStackContext = ConfigStore | Paths | Host | StateFiles | FileSystem.FileSystem

/**
 * The agent stack (runner, model clients, session store) is loaded and built on the first agent or
 * chat call, in the gateway's scope: a gateway nobody chats with keeps neither its code nor its
 * memory. The methods see ordinary services that wait for that one build.
 */
export const LazyAgentStackLive = (context: Context.Context<AgentStackContext>, options: AgentStackOptions) =>
  Layer.scopedContext(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const log = yield* GatewayLog
    const stack = yield* Effect.cached(
      Effect.promise(() => import("./AgentLive.js")).pipe(
        Effect.flatMap((m) =>
          Layer.buildWithScope(
            m.AgentStackLive(options).pipe(Layer.provide(Layer.succeedContext(Context.add(context, GatewayLog, log)))),
            scope
          )
        ),
        Effect.orDie
      )
    )
    const use = <I extends Stack, S>(tag: Context.Tag<I, S>) => Effect.map(stack, (built: Context.Context<Stack>) => Context.get(built as Context.Context<I>, tag))
    const runner = use(AgentRunner)
    const store = use(SessionStore)
    const catalog = use(ModelCatalog)
    const registry = use(ToolRegistry)
    return Context.make(AgentRunner, {
      run: (request) => Effect.flatMap(runner, (s) => s.run(request)),
      start: (request) => Effect.flatMap(runner, (s) => s.start(request)),
      abort: (input) => Effect.flatMap(runner, (s) => s.abort(input)),
      active: Effect.flatMap(runner, (s) => s.active)
    }).pipe(
      Context.add(SessionStore, {
        open: (key, options) => Effect.flatMap(store, (s) => s.open(key, options)),
        find: (key) => Effect.flatMap(store, (s) => s.find(key)),
        findById: (sessionId) => Effect.flatMap(store, (s) => s.findById(sessionId)),
        append: (session, message) => Effect.flatMap(store, (s) => s.append(session, message)),
        messages: (session) => Effect.flatMap(store, (s) => s.messages(session)),
        preview: (session) => Effect.flatMap(store, (s) => s.preview(session)),
        recordRun: (key, update) => Effect.flatMap(store, (s) => s.recordRun(key, update)),
        list: Effect.flatMap(store, (s) => s.list)
      }),
      Context.add(ModelCatalog, {
        view: Effect.flatMap(catalog, (s) => s.view),
        plan: (request) => Effect.flatMap(catalog, (s) => s.plan(request))
      }),
      // Cron scripts call the agent's tools directly.
      Context.add(ToolRegistry, {
        specs: Effect.flatMap(registry, (s) => s.specs),
        invoke: (call, context) => Effect.flatMap(registry, (s) => s.invoke(call, context))
      })
    )
  }))

/**
 * The gateway feature serving agent and chat methods, with its agent stack built (on first use) over
 * the caller's config, paths and host; the gateway's GatewayLog receives the runner's log lines.
 */
export const AgentFeatureLive = (context: Context.Context<AgentStackContext>, options: AgentStackOptions = {}) =>
  AgentMethodsLive.pipe(Layer.provide(LazyAgentStackLive(context, options)))
