// Futures: a computation that is not finished yet, as an object you poll.
//
// A future has one method, `poll(cx)`. It makes all the progress it can right now and returns its
// value (ready) or PENDING. Before returning PENDING it must arrange to be woken: hand `cx.waker` to
// whatever it waits for (the reactor for a socket, the timers for a deadline). Waking does not run
// the future; it puts its task back on the run queue, and the executor polls it again later.
//
// Nothing here runs by itself: no callbacks, no Promises. A future nobody polls does nothing. It is
// a plain object holding the state of a computation between two polls: a state machine. Rust
// compiles each `async fn` into one; in this runtime we write them by hand (see connection.ts).
//
// Rust's `Poll<T>` is `Ready(T) | Pending`. Here the value itself means ready and the symbol PENDING
// means pending, so a ready poll allocates no wrapper.

// #region future
export const PENDING = Symbol('Pending')
export type Pending = typeof PENDING
/** What `poll` returns: the value when ready, or PENDING. */
export type PollResult<T> = T | Pending

/** A handle to a task: `wake()` asks the executor to poll that task again. */
export interface Waker {
  wake(): void
}

export interface Future<T> {
  poll(cx: Context): PollResult<T>
  /**
   * Optional, Rust's `Drop`: the executor gives up on this future before it finished (it threw,
   * or broke the waker contract) and it must let go of what it holds: close its socket, say.
   */
  drop?(): void
}
// #endregion future

// #region default-budget
/**
 * How many polls that made progress a task may do in one go before it must yield (tokio uses the
 * same number). Without it, a task that always finds its next step ready — a client pipelining
 * requests faster than we answer them — would keep the runtime from ever polling for I/O or
 * firing timers again.
 */
export const DEFAULT_BUDGET = 128
// #endregion default-budget

/**
 * What a task is given while it is polled: its waker and its budget. The executor reuses one
 * Context for every poll, so keep the waker (`cx.waker`), never the context.
 */
export class Context {
  private currentWaker: Waker
  /** Set when the future read `waker` during this poll: a PENDING without it can never be woken. */
  wakerTaken = false
  /** Progress left before the task is made to yield. */
  budget = DEFAULT_BUDGET
  /** Set when the budget forced the task to yield during this poll. */
  yielded = false

  constructor(waker: Waker) {
    this.currentWaker = waker
  }

  get waker(): Waker {
    this.wakerTaken = true
    return this.currentWaker
  }

  /** The executor, before each poll. */
  reset(waker: Waker, budget: number): void {
    this.currentWaker = waker
    this.wakerTaken = false
    this.budget = budget
    this.yielded = false
  }

  // #region budget
  /**
   * Leaf futures (accept, read, write, sleep) ask this first. When the task's budget is spent,
   * it answers true after waking the task (back of the run queue, after the next poll for I/O and
   * timers) and the future returns PENDING without doing anything.
   */
  outOfBudget(): boolean {
    if (this.budget > 0) return false
    this.yielded = true
    this.waker.wake()
    return true
  }

  /** Leaf futures call this when they return ready: one unit of the budget is spent. */
  madeProgress(): void {
    this.budget--
  }
  // #endregion budget
}
