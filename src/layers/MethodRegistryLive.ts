import { Effect, Layer, Ref } from "effect"
import type { MethodSpec } from "../domain/protocol/methods.js"
import { type MethodHandler, MethodRegistry } from "../services/MethodRegistry.js"

interface Entry {
  readonly spec: MethodSpec
  readonly handler: MethodHandler<unknown, unknown>
}

/** An in-memory handler table. */
export const MethodRegistryLive = Layer.effect(
  MethodRegistry,
  Effect.gen(function*() {
    const table = yield* Ref.make(new Map<string, Entry>())
    return {
      register: <P, R>(spec: MethodSpec<P, R>, handler: MethodHandler<P, R>) =>
        Ref.update(table, (map) => new Map(map).set(spec.name, { spec: spec as MethodSpec, handler: handler as MethodHandler<unknown, unknown> })).pipe(
          Effect.withSpan("MethodRegistry.register", { attributes: { method: spec.name } })
        ),
      lookup: (name: string) => Effect.map(Ref.get(table), (map) => map.get(name)),
      names: Effect.map(Ref.get(table), (map) => [...map.keys()])
    }
  })
)
