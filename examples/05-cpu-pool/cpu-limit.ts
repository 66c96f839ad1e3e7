// The CPU limit: at most `cap` CPU tasks run at once; the others wait in line, first come first
// served, and a full line turns newcomers away.
//
// Why cap at all? Hashing threads beyond the core count finish nothing sooner: they share the cores,
// every task gets slower, and the event-loop thread must compete with all of them for a core to
// answer `/0`. So the cap defaults to the CPU count, and the pool's spare threads (worker-pool.ts)
// are never all hashing at once.
//
// The default does not keep a core free for the event loop: with every slot taken, every core can
// be hashing, and the loop's thread shares a core with one of them, as the kernel schedules them.
// It needs little of a core (it sleeps in the poller, epoll_wait or kevent, until a socket or a
// timer is ready), so while nothing else runs, `/0` stays quick; when something else also wants
// the cores (another process, the load generator on a laptop), the loop waits its turn behind the
// hashing threads, and `/0`'s p99 is what grows. `--cpu-limit` set to CPUs − 1 gives the loop a
// core of its own for 1/CPUs of the hashing: half of it on 2 cores, an eighth on 8.
// bench/results/overload.md and cpu-mix.md measure both on a 2-core machine (`5` and
// `5-spare-core`): the spare core halved the tasks hashed a second and cut `/0`'s p99 from 8.1 to
// 2.6 ms (cpu-mix) and from 12.8 to 6.9 ms (overload). Which matters more is the server's call.
//
// How: a counter of running tasks in a SharedArrayBuffer (cpu-slot.mjs). Only this thread, the main
// one, takes slots; a worker thread gives its slot back when its hash ends and calls
// `Atomics.notify`. Requests that find every slot taken wait in a line (a bounded FIFO), and only
// the request at the front of the line waits on the counter, with `Atomics.waitAsync`.
//
// Why not let every waiting request call `waitAsync` itself? The engine's waiter list is FIFO too,
// but a woken waiter does not run at once: its wake-up is a task queued on the event loop. Between
// the `notify` and that task, a newcomer can see the free slot and take it (barging: the woken
// request finds the counter full again and queues behind the newcomer, FCFS broken). Forbid
// newcomers while anyone waits and a worse race opens: a second release notifies while the only
// waiter is already woken-but-not-yet-running, the notify wakes nobody, a newcomer starts waiting,
// and a slot stays free while a request sleeps: a lost wake-up. One waiter removes both races.
//
// Why it is correct:
// - Never above the cap. Only this thread adds to the counter, and only after seeing it below the
//   cap (`seen < cap`: with `<=`, the classic off-by-one, cap + 1 tasks would run); workers only
//   subtract. Nothing can take "our" free slot between the look and the add, so a plain
//   `Atomics.add` does it, with no compare-and-swap loop.
// - Never below zero. Each slot taken is given back exactly once (the `held` swap in cpu-slot.mjs).
// - No lost wake-ups. The front of the line reads the counter (`seen`), finds it full, and calls
//   `Atomics.waitAsync(counter, RUNNING, seen)`, which compares and starts waiting in one atomic step.
//   A worker's release (subtract, then notify) either lands before that step (the counter is no
//   longer `seen`: waitAsync answers 'not-equal' and we look again) or after it (we are on the
//   waiter list when its notify comes). The counter cannot have gone back up to `seen` in between,
//   because the only thread that adds is this one, and it is busy running this very code.
// - First come, first served. Only the front of the line is ever admitted from the line, in order.
//   A newcomer goes straight in only when the line is empty; while a wake-up is on its way to the
//   loop, the line is not empty, so the newcomer joins the back of it.
// - No thundering herd. There is at most one waiter on the counter, so each freed slot wakes one
//   waiter (`notify(…, 1)`), never a crowd that would all look and all but one go back to sleep
//   (what `notify_waiters` does in the classic Rust demos).
// - A client that has gone costs no slot. Its request stays in line (a plain FIFO: push, shift,
//   length) until it reaches the front; there, with a slot free, we ask `gone()`, and a request
//   nobody waits for any more is dropped without taking the slot, which goes to the next in line in
//   the same pass of the loop. No wake-up is involved, so none can be lost, and the others keep
//   their order. (Removing it the moment its client leaves would free its place in line sooner, at
//   the price of removal from the middle of the line; until the front, it counts in `queueLength`.)

/// <reference lib="es2024.sharedmemory" />
// (Atomics.waitAsync is typed in ES2024's library; the rest of the project targets ES2023.)

import { createCounter, RUNNING } from './cpu-slot.mjs'
import { Fifo } from '../shared/fifo.ts'

/** One request in line: how to let it in (or turn it away), and whether its client still wants it. */
interface Waiting {
  admit: (admitted: boolean) => void
  gone: () => boolean
}

const stillWanted = () => false

export class CpuLimit {
  /** Shared with the worker threads, which give slots back (cpu-slot.mjs). */
  readonly counter: Int32Array = createCounter()
  private readonly line: Fifo<Waiting>
  /** For /__stats. */
  mostEverRunning = 0
  mostEverQueued = 0
  /** Times the front of the line slept on the counter and a worker's notify woke it. */
  wakeUps = 0
  /** Times a slot freed between our look at the counter and the start of our wait. */
  wakeRaces = 0
  /** Requests dropped from the line because their client had gone: they took no slot. */
  abandoned = 0
  readonly cap: number
  readonly maxQueue: number

  constructor(cap: number, maxQueue: number) {
    this.cap = cap
    this.maxQueue = maxQueue
    this.line = new Fifo(maxQueue)
  }

  get running(): number {
    return Atomics.load(this.counter, RUNNING)
  }

  get queueLength(): number {
    return this.line.length
  }

  // #region acquire
  /**
   * A slot for one CPU task: `true` when it may run (at once if a slot is free and nobody waits),
   * `false` if it left the line unserved because `gone()` said so; `null`: the line is full (503).
   */
  acquire(gone: () => boolean = stillWanted): Promise<boolean> | null {
    if (this.line.length === 0 && this.running < this.cap) {
      this.take()
      return Promise.resolve(true)
    }
    let admit!: (admitted: boolean) => void
    const turn = new Promise<boolean>((resolve) => (admit = resolve))
    if (!this.line.push({ admit, gone })) return null
    this.mostEverQueued = Math.max(this.mostEverQueued, this.line.length)
    if (this.line.length === 1) this.admitFromLine() // we are the front: watch the counter
    return turn
  }
  // #endregion acquire

  // #region wait
  /** The front of the line watches the counter and admits, in order, as slots free. */
  private admitFromLine(): void {
    while (this.line.length > 0) {
      const seen = Atomics.load(this.counter, RUNNING)
      if (seen < this.cap) {
        const next = this.line.shift()! // the oldest request in line
        const wanted = !next.gone() // its client may have left while it waited
        if (wanted) this.take()
        else this.abandoned++ // dropped, and the free slot goes on to the next in line
        next.admit(wanted) // resolve its promise: run, or give up
        continue
      }
      // Sleep until the counter is no longer `seen`. The check and the start of the wait are one
      // atomic step, so a release cannot slip in between unnoticed.
      const wait = Atomics.waitAsync(this.counter, RUNNING, seen)
      if (wait.async) {
        wait.value.then(this.woken) // a worker's notify: look again
        return
      }
      // Not asleep: 'not-equal' means a slot freed since we looked ('timed-out' needs a timeout,
      // and we give none). Either way, look again.
      this.wakeRaces++
    }
  }
  // #endregion wait

  private readonly woken = (): void => {
    this.wakeUps++
    this.admitFromLine()
  }

  // #region take
  private take(): void {
    // Only this thread adds, and workers only subtract: the slot we saw free is still ours.
    const running = Atomics.add(this.counter, RUNNING, 1) + 1
    if (running > this.mostEverRunning) this.mostEverRunning = running
  }
  // #endregion take
}
