import { Effect, Layer } from "effect"
import type { MethodSpec } from "../domain/protocol/methods.js"
import { type MethodHandler, MethodRegistry, type RegisteredMethod } from "../services/MethodRegistry.js"

/** An in-memory handler table. */
export const MethodRegistryLive = Layer.effect(
  MethodRegistry,
  Effect.gen(function*() {
    // A plain map: every request looks its method up, in plain code.
    const table = new Map<string, RegisteredMethod>()
    // Every hello-ok lists them: built once per change of the table, not once per connect.
    let names: ReadonlyArray<string> | undefined
    return {
      register: <P, R>(spec: MethodSpec<P, R>, handler: MethodHandler<P, R>) =>
        Effect.sync(() => {
          table.set(spec.name, { spec: spec as MethodSpec, handler: handler as MethodHandler<unknown, unknown> })
          names = undefined
        }).pipe(
          Effect.withSpan("MethodRegistry.register", { attributes: { method: spec.name } })
        ),
      find: (name: string) => table.get(name),
      names: Effect.sync(() => (names ??= [...table.keys()]))
    }
  })
)
