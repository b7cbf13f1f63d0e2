import { Context, Effect, Layer, Stream } from "effect"

/**
 * How a service member is reached: a plain Effect, a function returning an Effect, one returning a Stream, or
 * a plain function returning nothing (a fire-and-forget call: forwarded once the unit is loaded).
 */
// Effects are checked first: an Effect is also structurally a Stream.
type MemberKind<M> = M extends (...args: ReadonlyArray<never>) => Effect.Effect<unknown, unknown, unknown> ? "function"
  : M extends (...args: ReadonlyArray<never>) => Stream.Stream<unknown, unknown, unknown> ? "stream"
  : M extends (...args: ReadonlyArray<never>) => void ? "void"
  : M extends (...args: ReadonlyArray<never>) => unknown ? never // a member returning a value cannot be loaded lazily
  : "effect"

/** Every member of a service shape with its kind; the compiler checks it is complete and right. */
export type ServiceShape<S> = { readonly [K in keyof S]-?: MemberKind<S[K]> }

/** A tag served lazily, with the shape its proxy forwards. */
export interface LazyTag<I, S> {
  readonly tag: Context.Tag<I, S>
  readonly shape: ServiceShape<S>
}

/** Names a tag and its member kinds for `lazyUnit`. */
export const lazyTag = <I, S>(tag: Context.Tag<I, S>, shape: ServiceShape<S>): LazyTag<I, S> => ({ tag, shape })

type Identifier<T> = T extends LazyTag<infer I, infer _S> ? I : never

/** Forwards each member to the service once `built` has produced it. */
const forwarding = <I, S>(built: Effect.Effect<Context.Context<I>>, lazy: LazyTag<I, S>) => {
  const service = Effect.map(built, (context) => Context.unsafeGet(context, lazy.tag) as Record<string, unknown>)
  const entries = Object.entries(lazy.shape as Record<string, "effect" | "function" | "stream" | "void">).map(([key, kind]) => {
    const call = (args: ReadonlyArray<unknown>) => (target: Record<string, unknown>) => (target[key] as (...a: ReadonlyArray<unknown>) => unknown)(...args)
    switch (kind) {
      case "effect":
        return [key, Effect.flatMap(service, (target) => target[key] as Effect.Effect<unknown, unknown, unknown>)]
      case "function":
        return [key, (...args: ReadonlyArray<unknown>) => Effect.flatMap(service, (target) => call(args)(target) as Effect.Effect<unknown, unknown, unknown>)]
      case "stream":
        return [key, (...args: ReadonlyArray<unknown>) => Stream.unwrap(Effect.map(service, (target) => call(args)(target) as Stream.Stream<unknown, unknown, unknown>))]
      case "void":
        // `built` needs nothing from outside (its context is provided): the call runs once the unit is there.
        return [key, (...args: ReadonlyArray<unknown>) => void Effect.runFork(Effect.map(service, call(args)))]
    }
  })
  return Object.fromEntries(entries)
}

/** A layer imported on first use, and the tags it serves lazily. */
export interface LazyUnit<Out, RIn> {
  readonly load: () => Promise<Layer.Layer<Out, never, RIn>>
  readonly tags: ReadonlyArray<LazyTag<any, any>>
}

/** Names a lazily imported layer and the tags (with their member kinds) it serves. */
// `any` only in the constraint: LazyTag is invariant, and each tag keeps its own precise types.
export const lazyUnit = <const Tags extends ReadonlyArray<LazyTag<any, any>>, RIn>(
  load: () => Promise<Layer.Layer<Identifier<Tags[number]>, never, RIn>>,
  ...tags: Tags
): LazyUnit<Identifier<Tags[number]>, RIn> => ({ load, tags })

type OutOf<U> = U extends LazyUnit<infer Out, infer _R> ? Out : never
type InOf<U> = U extends LazyUnit<infer _O, infer R> ? R : never

/**
 * One layer serving every tag of `units`. A unit is imported and built on first use, once, in this
 * layer's scope, over the caller's context plus every other lazy service (so units may use each other).
 * The CLI provides all its services at the root this way; a command pays, in module loading and
 * building, only for what it calls. One layer, not one per unit: building layers costs start time.
 */
export const lazyServices = <const Units extends ReadonlyArray<LazyUnit<any, any>>>(
  ...units: Units
): Layer.Layer<OutOf<Units[number]>, never, Exclude<InOf<Units[number]>, OutOf<Units[number]>>> =>
  Layer.scopedContext(Effect.gen(function*() {
    const outer = yield* Effect.context<never>()
    const scope = yield* Effect.scope
    let services = Context.empty() as Context.Context<OutOf<Units[number]>>
    for (const unit of units) {
      // A unit's requirements are in `outer` or among the proxies (the signature says which remain).
      const load = unit.load as () => Promise<Layer.Layer<unknown>>
      // `services` is read when the unit loads, by then holding every proxy.
      const built = yield* Effect.cached(Effect.suspend(() =>
        Effect.promise(load).pipe(
          Effect.flatMap((layer) => Layer.buildWithScope(layer, scope)),
          Effect.provide(Context.merge(outer, services))
        )
      ))
      for (const lazy of unit.tags) services = Context.add(services, lazy.tag, forwarding(built, lazy))
    }
    return services
  }))
