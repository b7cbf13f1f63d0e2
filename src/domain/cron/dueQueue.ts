/**
 * Jobs ordered by their next due time: a binary min-heap with lazy removal, so finding what is due
 * costs O(log n) per due job, never a scan of every job. Rescheduling a job pushes a new entry; the
 * old one is recognised as stale (its time no longer matches) when it reaches the top.
 */
export class DueQueue {
  private readonly heap: Array<{ readonly at: number; readonly id: string }> = []
  private readonly current = new Map<string, number>()

  /** Sets (or clears, with `undefined`) when a job is next due. */
  set(id: string, at: number | undefined): void {
    if (at === undefined) {
      this.current.delete(id)
      return
    }
    if (this.current.get(id) === at) return
    this.current.set(id, at)
    this.push({ at, id })
    // Stale entries are dropped as they surface; rebuild if they come to dominate the heap.
    if (this.heap.length > 2 * this.current.size + 64) this.rebuild()
  }

  /** The earliest due time, or `undefined` when nothing is scheduled. */
  peekAt(): number | undefined {
    this.dropStale()
    return this.heap[0]?.at
  }

  /** Removes and returns the ids due at or before `now`, earliest first. */
  popDue(now: number): ReadonlyArray<string> {
    const due: Array<string> = []
    for (;;) {
      this.dropStale()
      const top = this.heap[0]
      if (top === undefined || top.at > now) return due
      this.pop()
      this.current.delete(top.id)
      due.push(top.id)
    }
  }

  get size(): number {
    return this.current.size
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap[0]
      if (top === undefined || this.current.get(top.id) === top.at) return
      this.pop()
    }
  }

  private rebuild(): void {
    this.heap.length = 0
    for (const [id, at] of this.current) this.push({ at, id })
  }

  private push(entry: { readonly at: number; readonly id: string }): void {
    const heap = this.heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.at <= entry.at) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left
      if (heap[child]!.at >= last.at) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
  }
}
