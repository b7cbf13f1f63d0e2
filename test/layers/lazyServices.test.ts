import { expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Ref, Stream } from "effect"
import { lazyServices, lazyTag, lazyUnit } from "../../src/layers/lazyServices.js"

class Counter extends Context.Tag("test/Counter")<Counter, {
  readonly current: Effect.Effect<number>
  readonly add: (n: number) => Effect.Effect<number>
  readonly countTo: (n: number) => Stream.Stream<number>
}>() {}

class Greeter extends Context.Tag("test/Greeter")<Greeter, { readonly greet: (name: string) => Effect.Effect<string> }>() {}

const loads = { count: 0, builds: 0 }
const CounterAndGreeter = Layer.effectContext(Effect.gen(function*() {
  loads.builds++
  const ref = yield* Ref.make(0)
  return Context.make(Counter, {
    current: Ref.get(ref),
    add: (n) => Ref.updateAndGet(ref, (v) => v + n),
    countTo: (n) => Stream.range(1, n)
  }).pipe(Context.add(Greeter, { greet: (name) => Effect.map(Ref.get(ref), (v) => `hello ${name} (${v})`) }))
}))

class Doubler extends Context.Tag("test/Doubler")<Doubler, { readonly double: Effect.Effect<number> }>() {}

const doublerLoads = { count: 0 }
// Doubler's layer needs Counter, served by the other unit of the same lazy layer.
const DoublerLive = Layer.effect(Doubler, Effect.map(Counter, (counter) => ({ double: Effect.map(counter.current, (n) => n * 2) })))

const Lazy = lazyServices(
  lazyUnit(
    async () => {
      loads.count++
      return CounterAndGreeter
    },
    lazyTag(Counter, { current: "effect", add: "function", countTo: "stream" }),
    lazyTag(Greeter, { greet: "function" })
  ),
  lazyUnit(async () => {
    doublerLoads.count++
    return DoublerLive
  }, lazyTag(Doubler, { double: "effect" }))
)

it.effect("a lazy layer loads nothing until a member is used, then loads and builds once for every tag it serves", () =>
  Effect.gen(function*() {
    loads.count = 0
    loads.builds = 0
    const counter = yield* Counter
    const greeter = yield* Greeter
    expect(loads).toEqual({ count: 0, builds: 0 })
    expect(yield* counter.add(2)).toBe(2)
    expect(yield* counter.current).toBe(2)
    expect(Chunk.toArray(yield* Stream.runCollect(counter.countTo(3)))).toEqual([1, 2, 3])
    expect(yield* greeter.greet("ada")).toBe("hello ada (2)")
    expect(loads).toEqual({ count: 1, builds: 1 })
  }).pipe(Effect.provide(Lazy)))

it.effect("a unit may use another unit's services; each loads only when first used", () =>
  Effect.gen(function*() {
    loads.count = 0
    loads.builds = 0
    doublerLoads.count = 0
    const doubler = yield* Doubler
    expect(doublerLoads.count).toBe(0)
    expect(yield* doubler.double).toBe(0)
    expect(doublerLoads.count).toBe(1)
    expect(loads).toEqual({ count: 1, builds: 1 })
    yield* Effect.flatMap(Counter, (counter) => counter.add(21))
    expect(yield* doubler.double).toBe(42)
    expect(loads).toEqual({ count: 1, builds: 1 })
  }).pipe(Effect.provide(Lazy)))

class Notes extends Context.Tag("test/Notes")<Notes, { readonly note: (text: string) => void; readonly all: Effect.Effect<ReadonlyArray<string>> }>() {}

it.live("a plain member returning nothing is a fire-and-forget call: it loads the unit and reaches the service", () =>
  Effect.gen(function*() {
    const written: Array<string> = []
    const NotesLazy = lazyServices(lazyUnit(
      async () => Layer.succeed(Notes, { note: (text) => void written.push(text), all: Effect.sync(() => [...written]) }),
      lazyTag(Notes, { note: "void", all: "effect" })
    ))
    yield* Effect.gen(function*() {
      const notes = yield* Notes
      notes.note("first")
      notes.note("second")
      // The calls return at once; they land once the unit is loaded.
      while (written.length < 2) yield* Effect.sleep("5 millis")
      expect(yield* notes.all).toEqual(["first", "second"])
    }).pipe(Effect.provide(NotesLazy))
  }).pipe(Effect.timeout("5 seconds")))
