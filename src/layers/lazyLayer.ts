import { Context, Effect, Layer, Stream } from "effect"

/** How a service member is reached: a plain Effect, a function returning an Effect, or one returning a Stream. */
// Effects are checked first: an Effect is also structurally a Stream.
type MemberKind<M> = M extends (...args: ReadonlyArray<never>) => Effect.Effect<unknown, unknown, unknown> ? "function"
  : M extends (...args: ReadonlyArray<never>) => Stream.Stream<unknown, unknown, unknown> ? "stream"
  : M extends (...args: ReadonlyArray<never>) => unknown ? never // a synchronous member cannot be loaded lazily
  : "effect"

/** Every member of a service shape with its kind; the compiler checks it is complete and right. */
export type ServiceShape<S> = { readonly [K in keyof S]-?: MemberKind<S[K]> }

/** A tag served lazily, with the shape its proxy forwards. */
export interface LazyTag<I, S> {
  readonly tag: Context.Tag<I, S>
  readonly shape: ServiceShape<S>
}

/** Names a tag and its member kinds for `lazyLayer`. */
export const lazyTag = <I, S>(tag: Context.Tag<I, S>, shape: ServiceShape<S>): LazyTag<I, S> => ({ tag, shape })

type Identifier<T> = T extends LazyTag<infer I, infer _S> ? I : never

/** Forwards each member to the service once `built` has produced it. */
const forwarding = <I, S>(built: Effect.Effect<Context.Context<I>>, lazy: LazyTag<I, S>) => {
  const service = Effect.map(built, (context) => Context.unsafeGet(context, lazy.tag) as Record<string, unknown>)
  const entries = Object.entries(lazy.shape as Record<string, "effect" | "function" | "stream">).map(([key, kind]) => {
    const call = (args: ReadonlyArray<unknown>) => (target: Record<string, unknown>) => (target[key] as (...a: ReadonlyArray<unknown>) => unknown)(...args)
    switch (kind) {
      case "effect":
        return [key, Effect.flatMap(service, (target) => target[key] as Effect.Effect<unknown, unknown, unknown>)]
      case "function":
        return [key, (...args: ReadonlyArray<unknown>) => Effect.flatMap(service, (target) => call(args)(target) as Effect.Effect<unknown, unknown, unknown>)]
      case "stream":
        return [key, (...args: ReadonlyArray<unknown>) => Stream.unwrap(Effect.map(service, (target) => call(args)(target) as Stream.Stream<unknown, unknown, unknown>))]
    }
  })
  return Object.fromEntries(entries)
}

/**
 * Serves `tags` from a layer that is imported and built on first use, once, in this layer's scope.
 * The CLI provides every service at its root this way, and a command pays (module load and build)
 * only for the services it calls.
 */
// `any` only in the constraint: LazyTag is invariant, and each tag keeps its own precise types.
export const lazyLayer = <const Tags extends ReadonlyArray<LazyTag<any, any>>, RIn>(
  load: () => Promise<Layer.Layer<Identifier<Tags[number]>, never, RIn>>,
  ...tags: Tags
): Layer.Layer<Identifier<Tags[number]>, never, RIn> =>
  Layer.scopedContext(Effect.gen(function*() {
    const context = yield* Effect.context<RIn>()
    const scope = yield* Effect.scope
    const built = yield* Effect.cached(
      Effect.promise(load).pipe(Effect.flatMap((layer) => Layer.buildWithScope(layer, scope)), Effect.provide(context))
    )
    const services = tags.reduce<Context.Context<Identifier<Tags[number]>>>(
      (context, lazy) => Context.add(context, lazy.tag, forwarding(built, lazy)),
      Context.empty() as Context.Context<Identifier<Tags[number]>>
    )
    return services
  }))
