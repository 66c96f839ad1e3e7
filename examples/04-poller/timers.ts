// Timers: deadlines on a min-heap, the nearest one on top.
//
// The runtime asks two things of its timers: "how long may I wait for I/O?" (until the nearest
// deadline: that becomes the poll timeout) and "whose deadline has passed?" (wake them). A binary
// min-heap answers the first in O(1) and the second in O(log n) per timer; ten thousand sleeping
// requests cost ten thousand heap entries and a single libuv timer, armed by the poller for the
// nearest one.
//
// Two weak spots of small demo runtimes, avoided on purpose:
// - a FIFO list of timers makes a short sleep wait behind a long one queued before it: here
//   `GET /100` sent after `GET /1000` answers after 100 ms;
// - a fixed poll timeout (wake every 10 ms, check the clock) wastes wake-ups when idle and is late
//   by up to 10 ms when busy: here the poll sleeps exactly until the nearest deadline.
//
// Each entry remembers its place in the heap, so cancelling one (a header timeout once the head
// has arrived) removes it at once instead of leaving it to rot in the heap. Times are
// `performance.now()` milliseconds.

import { RuntimeCounters } from './counters.ts'
import type { Waker } from './future.ts'
import { trace } from './trace.ts'

/** One deadline and the waker to wake at it. A future owns its entry and reuses it. */
export class TimerEntry {
  deadline = 0
  /** Insertion order: equal deadlines fire first come, first served. */
  seq = 0
  /** Where the entry sits in the heap; -1 when it is not scheduled. */
  index = -1
  waker: Waker | null = null

  get isScheduled(): boolean {
    return this.index !== -1
  }
}

export class Timers {
  private readonly heap: TimerEntry[] = []
  private nextSeq = 0

  private readonly counters: RuntimeCounters

  constructor(counters = new RuntimeCounters()) {
    this.counters = counters
  }

  /** The timers' clock: monotonic milliseconds. */
  now(): number {
    return performance.now()
  }

  /** Wake `waker` once `deadline` has passed. Re-scheduling an entry moves it; the latest waker wins. */
  schedule(entry: TimerEntry, deadline: number, waker: Waker): void {
    entry.waker = waker
    if (entry.isScheduled && entry.deadline === deadline) return // a pending sleep polled again
    if (entry.isScheduled) this.remove(entry)
    entry.deadline = deadline
    entry.seq = this.nextSeq++
    entry.index = this.heap.length
    this.heap.push(entry)
    this.siftUp(entry.index)
    if (trace.enabled) trace.line('timers', `wake ${waker} at t=${trace.at(deadline)} (${this.heap.length} pending)`)
  }

  cancel(entry: TimerEntry): void {
    if (entry.isScheduled) this.remove(entry)
    entry.waker = null
  }

  // #region fire-due
  /** The nearest deadline, or Infinity when no timer is pending. */
  nextDeadline(): number {
    return this.heap.length > 0 ? this.heap[0]!.deadline : Infinity
  }

  /** Wakes the waker of every timer whose deadline is at or before `now`, nearest first. */
  fireDue(now: number): void {
    const heap = this.heap
    while (heap.length > 0 && heap[0]!.deadline <= now) {
      const entry = heap[0]!
      this.remove(entry)
      const waker = entry.waker
      entry.waker = null
      this.counters.timerFired()
      if (waker === null) continue
      if (trace.enabled) {
        const late = (now - entry.deadline).toFixed(2)
        trace.line('timers', `deadline t=${trace.at(entry.deadline)} passed (${late} ms ago): wake ${waker}`)
      }
      waker.wake()
    }
  }
  // #endregion fire-due

  get size(): number {
    return this.heap.length
  }

  private remove(entry: TimerEntry): void {
    const heap = this.heap
    const i = entry.index
    const last = heap.pop()!
    entry.index = -1
    if (last === entry) return
    heap[i] = last
    last.index = i
    // The entry moved into the hole may belong above or below it.
    this.siftUp(i)
    this.siftDown(last.index)
  }

  private siftUp(i: number): void {
    const heap = this.heap
    const entry = heap[i]!
    while (i > 0) {
      const parentIndex = (i - 1) >> 1
      const parent = heap[parentIndex]!
      if (!before(entry, parent)) break
      heap[i] = parent
      parent.index = i
      i = parentIndex
    }
    heap[i] = entry
    entry.index = i
  }

  private siftDown(i: number): void {
    const heap = this.heap
    const entry = heap[i]!
    const n = heap.length
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, entry)) break
      heap[i] = heap[child]!
      heap[i]!.index = i
      i = child
    }
    heap[i] = entry
    entry.index = i
  }
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq)
}
