// A first-in-first-out queue, bounded if asked: the one line every step keeps of things waiting their
// turn — step 2's jobs waiting for a pool thread (fixed-pool.ts), step 4's accepted connections
// waiting for `accept()` (sources.ts), step 5's CPU tasks waiting for a slot (cpu-limit.ts).
//
// Why not a plain array: `Array.prototype.shift` moves every element left, so taking the oldest of
// n waiting items costs O(n), and a line of thousands under a burst costs O(n²) to drain. Here
// `shift` is O(1): we keep the index of the oldest item, clear each slot as it is taken (so the item
// can be collected), and drop the consumed prefix now and then, when it is most of the array.
//
// Why a capacity: a queue is where latency hides. Every item in line waits for all those ahead of
// it, so an unbounded line under a flood only turns "too busy" into "answered after a minute", with
// memory growing as the flood does. With a capacity, `push` refuses (returns false) and the caller
// can say "not now" at once — step 5 answers 503 with `Retry-After`.

export class Fifo<T> {
  private items: (T | undefined)[] = []
  private head = 0 // index of the oldest item still in line

  /** The most items the line may hold; `Infinity` (the default) for a line that never refuses. */
  readonly capacity: number

  constructor(capacity = Number.POSITIVE_INFINITY) {
    this.capacity = capacity
  }

  get length(): number {
    return this.items.length - this.head
  }

  /** Joins the back of the line; `false` (and nothing added) when the line is full. */
  push(item: T): boolean {
    if (this.length >= this.capacity) return false
    this.items.push(item)
    return true
  }

  /** Leaves from the front of the line; `undefined` when it is empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined // taken: let it be collected
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }
}
