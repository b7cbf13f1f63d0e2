import { HashMap, Option, Order, SortedMap } from "effect"

/** Hard cap on the keys each limiter map holds, so unique-key floods cannot grow memory without bound. */
export const MAX_LIMITER_KEYS = 10_000

/** An immutable string-keyed map with a key cap and least-recently-touched eviction. */
export interface BoundedMap<V> {
  readonly entries: HashMap.HashMap<string, { readonly value: V; readonly seq: number }>
  /** Touch sequence number → key, oldest first. */
  readonly order: SortedMap.SortedMap<number, string>
  readonly seq: number
  readonly capacity: number
}

/** An empty map holding at most `capacity` keys. */
export const emptyBounded = <V>(capacity: number): BoundedMap<V> => ({
  entries: HashMap.empty(),
  order: SortedMap.empty(Order.number),
  seq: 0,
  capacity: Math.max(1, Math.floor(capacity))
})

/** The value under `key`, without touching it. */
export const boundedGet = <V>(map: BoundedMap<V>, key: string): V | undefined =>
  Option.getOrUndefined(Option.map(HashMap.get(map.entries, key), (e) => e.value))

/** Drops `key`. */
export const boundedRemove = <V>(map: BoundedMap<V>, key: string): BoundedMap<V> => {
  const existing = HashMap.get(map.entries, key)
  if (Option.isNone(existing)) return map
  return { ...map, entries: HashMap.remove(map.entries, key), order: SortedMap.remove(map.order, existing.value.seq) }
}

/** Stores `value` under `key` and marks it most recently touched, evicting the oldest key if full. */
export const boundedSet = <V>(map: BoundedMap<V>, key: string, value: V): BoundedMap<V> => {
  let next = boundedRemove(map, key)
  while (HashMap.size(next.entries) >= next.capacity) {
    const oldest = SortedMap.headOption(next.order)
    if (Option.isNone(oldest)) break
    next = boundedRemove(next, oldest.value[1])
  }
  const seq = next.seq + 1
  return {
    ...next,
    seq,
    entries: HashMap.set(next.entries, key, { value, seq }),
    order: SortedMap.set(next.order, seq, key)
  }
}

/** Keeps the entries whose value passes `keep`. */
export const boundedFilter = <V>(map: BoundedMap<V>, keep: (value: V) => boolean): BoundedMap<V> => {
  let next = map
  for (const [key, entry] of map.entries) {
    if (!keep(entry.value)) next = boundedRemove(next, key)
  }
  return next
}

/** Number of keys the limiter currently holds. */
export const trackedKeys = <V>(state: BoundedMap<V>): number => HashMap.size(state.entries)

/** Whether the limiter holds `key`. */
export const isTracked = <V>(state: BoundedMap<V>, key: string): boolean => HashMap.has(state.entries, key)
