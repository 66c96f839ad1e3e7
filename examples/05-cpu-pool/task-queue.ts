// A first-in-first-out queue with a capacity: the line of CPU tasks waiting for a slot.
//
// Why bounded: a queue is where latency hides. Every task in line waits for all the tasks ahead of
// it, so an unbounded line under a flood of `/cpu` requests only turns "too busy" into "answers
// after a minute" and memory that grows with the flood. With a capacity, a request that would wait
// too long gets 503 with `Retry-After` at once, which is an answer a client can act on.
//
// `shift` must be O(1), as the line can hold thousands: instead of `Array.prototype.shift` (which
// moves every element) we keep the index of the oldest item and drop the consumed prefix now and
// then, like step 2's fixed pool.

export class TaskQueue<T> {
  private items: T[] = []
  private head = 0 // index of the oldest item still in line
  /** `Infinity` for a queue that never refuses. */
  readonly capacity: number

  constructor(capacity: number) {
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
    const item = this.items[this.head]!
    this.items[this.head++] = undefined as T // let the item be collected
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
