// One cap on CPU work across every worker thread: at most `cap` `/cpu` tasks hash at once in the
// whole server, whichever workers received them. The Rust server step 6 imitates has exactly this: one global
// atomic counter of CPU tasks, and a notify when a task ends and frees a slot.
//
// The counter is step 5's (../05-cpu-pool/cpu-slot.mjs: one Int32 in a SharedArrayBuffer, and
// `releaseSlot`: subtract, then `Atomics.notify(…, 1)`). What changes is who takes slots. In step 5
// only the main thread took them, so "look, then add" was safe. Here every worker takes slots, so
// the look and the take must be one atomic step: `Atomics.compareExchange(counter, seen, seen + 1)`
// succeeds only if nobody changed the counter since we saw `seen`; if somebody did, we look again.
//
// Each worker keeps its own line (a FIFO, shared/fifo.ts) of requests that found every
// slot taken, and only the front of each line waits on the counter, with `Atomics.waitAsync`. At
// most one waiter per worker, never one per request: a freed slot then wakes one worker, which
// admits from its line in order, instead of a crowd of requests that would all look and all but
// one go back to sleep.
//
// Why it is correct:
// - Never above the cap. A slot is taken only by a compareExchange from a value below the cap
//   (`seen < cap`; with `<=`, the classic off-by-one, cap + 1 would run). Two workers that both saw
//   the last free slot cannot both take it: the second compareExchange finds the counter changed.
//   Releases only subtract, each exactly once per slot taken.
// - No lost wake-ups. A front goes to sleep with `Atomics.waitAsync(counter, RUNNING, seen)`,
//   which compares and joins the waiter list in one step, under the list's critical section
//   (ECMA-262, DoWait: the value check and AddWaiter happen between EnterCriticalSection and
//   LeaveCriticalSection; Atomics.notify removes waiters under the same critical section). It
//   sleeps only if the counter still equals `seen`, and `seen` was at the cap, so at that instant
//   no slot is free. Every slot freed after that instant is freed by a release that subtracts and
//   then notifies, and the notify finds the sleeper on the list (or another sleeper ahead of it).
//   A slot freed before that instant changed the counter, so the wait answers 'not-equal' and we
//   look again. The value may have gone down and back up in between (another worker took the freed
//   slot): the wait then sleeps, correctly, because "equal to `seen`" still means "full".
// - No slot left free while requests wait. A notify wakes one sleeping front. Woken, it looks
//   again: it takes the freed slot, or finds that someone else already did (another worker's
//   request took it first), and either way the slot is in use. A woken front keeps admitting from
//   its line while slots are free, so two releases that land before it runs are both used. A front
//   whose line empties stops waiting; lines only shrink by admission here (a queued request is never
//   dropped), so a woken front always has a request to admit.
//
// Who goes first:
// - Within one worker: first come, first served. A newcomer takes a slot directly only when its
//   worker's line is empty; otherwise it joins the back of the line.
// - Across workers: sleeping fronts are woken in the order they started waiting. ECMA-262 keeps
//   one WaiterList per shared memory location for all threads (GetWaiterList); `waitAsync` appends
//   to it (AddWaiter) and `Atomics.notify(…, 1)` removes the first (RemoveWaiters: "the first n
//   elements"). V8 does the same: one list per address for every isolate, appended at the tail and
//   notified from the head (deps/v8/src/execution/futex-emulation.cc). But a woken waiter on
//   another thread does not run at once: the notify queues a job on that thread's event loop
//   (NotifyWaiter → EnqueueResolveInAgentJob), which runs when that loop gets to it. Meanwhile a
//   newcomer on a third worker whose line is empty may take the slot first (barging), and the woken
//   front goes back to the end of the waiter list. So across workers the order is "longest sleeper
//   is woken first", not strict first come, first served; the Rust server's atomic counter with a notify
//   behaves the same way. `lostRaces` counts these.

/// <reference lib="es2024.sharedmemory" />
// (Atomics.waitAsync is typed in ES2024's library; the rest of the project targets ES2023.)

import { releaseSlot, RUNNING } from '../05-cpu-pool/cpu-slot.mjs'
import { Fifo } from '../shared/fifo.ts'

export class SharedCpuLimit {
  /** The one counter every worker shares (cpu-slot.mjs's `createCounter()`, sent in `workerData`). */
  readonly counter: Int32Array
  readonly cap: number
  private readonly line: Fifo<() => void>
  /** For /__stats: the most tasks running right after one of this thread's takes. */
  mostEverRunning = 0
  mostEverQueued = 0
  /** Times a release's notify woke this thread's front. */
  wakeUps = 0
  /** Times a slot freed between this thread's look at the counter and the start of its wait. */
  wakeRaces = 0
  /** Times another thread changed the counter between this thread's look and its take. */
  lostRaces = 0

  constructor(counter: Int32Array, cap: number, maxQueue: number) {
    this.counter = counter
    this.cap = cap
    this.line = new Fifo(maxQueue)
  }

  /** CPU tasks running now, on every thread. */
  get running(): number {
    return Atomics.load(this.counter, RUNNING)
  }

  /** Requests waiting in this thread's line. */
  get queueLength(): number {
    return this.line.length
  }

  /**
   * A slot for one CPU task: resolves when the task may run (at once if a slot is free and nobody
   * on this thread is waiting). `null` when this thread's line is full: the caller answers 503.
   */
  // #region acquire
  acquire(): Promise<void> | null {
    if (this.line.length === 0 && this.tryTake()) return Promise.resolve()
    let admit!: () => void
    const turn = new Promise<void>((resolve) => (admit = resolve))
    if (!this.line.push(admit)) return null
    this.mostEverQueued = Math.max(this.mostEverQueued, this.line.length)
    if (this.line.length === 1) this.admitFromLine() // we are the front: watch the counter
    return turn
  }
  // #endregion acquire

  /** Gives a slot back (this thread's task has ended) and wakes one waiting front, on any thread. */
  release(): void {
    releaseSlot(this.counter)
  }

  /** Takes a slot if one is free, in one atomic step with the look; false if all are taken. */
  // #region take
  private tryTake(): boolean {
    for (;;) {
      const seen = Atomics.load(this.counter, RUNNING)
      if (seen >= this.cap) return false
      if (Atomics.compareExchange(this.counter, RUNNING, seen, seen + 1) === seen) {
        this.mostEverRunning = Math.max(this.mostEverRunning, seen + 1)
        return true
      }
      this.lostRaces++ // another thread took or gave back a slot since we looked: look again
    }
  }
  // #endregion take

  /** The front of the line admits, in order, while slots are free, then waits for a release. */
  // #region wait
  private admitFromLine(): void {
    while (this.line.length > 0) {
      if (this.tryTake()) {
        this.line.shift()!() // resolve the oldest request's promise: it may run
        continue
      }
      // Every slot is taken. Sleep until the counter is no longer what we see now. The check and
      // the start of the wait are one atomic step, so a release cannot slip in between unnoticed.
      const seen = Atomics.load(this.counter, RUNNING)
      if (seen < this.cap) continue // a slot freed since tryTake looked: try again
      const wait = Atomics.waitAsync(this.counter, RUNNING, seen)
      if (wait.async) {
        wait.value.then(() => {
          this.wakeUps++
          this.admitFromLine() // a release's notify: look again
        })
        return
      }
      this.wakeRaces++ // 'not-equal': the counter moved since we read `seen`; look again
    }
  }
  // #endregion wait
}
