// A work-stealing deque (Chase and Lev, "Dynamic circular work-stealing deque", SPAA 2005) in a
// SharedArrayBuffer, so that worker threads can share it with nothing but `Atomics`.
//
// One thread owns the deque: only the owner pushes and pops, both at the BOTTOM (the hot end: last
// in, first out). Any other thread may steal ONE job at a time from the TOP (the cold end: the
// oldest job). This is the deque crossbeam-deque's LIFO `Worker` implements and Rayon runs on
// (a LIFO worker unless the pool is built breadth-first; rayon-core's `steal()` takes a single job
// with `Stealer::steal`), and the shape of Java's ForkJoinPool work queues in their default mode
// (the owner pushes and pops at `top`, thieves poll at `base`; `asyncMode` makes the owner FIFO).
//
// Why the owner pops the newest job: in fork-join code the newest job is the one just split off,
// the smallest piece, with its data still in this core's cache; the oldest is the biggest piece, so
// a thief that takes it takes a lot of work in one steal. In this demo nobody spawns jobs, but the
// two ends still keep owner and thieves apart: they meet only at the last job.
//
// Why a thief takes one job, not half: the owner's pop is cheap because it claims a job with a
// load and a store, no read-modify-write, and uses a compare-exchange only for the very last job
// (see below). A thief that claimed k > 1 jobs with one compare-exchange on `top` could claim a
// job the owner has just popped without one. Tokio (`steal_into`, which "steals half the tasks")
// and Go (`runqsteal`, "steal half of elements") can steal half because their owner also claims
// every job with a compare-exchange on the head; crossbeam's batch steal from a LIFO deque moves
// jobs one by one.
// Here jobs are milliseconds long, so one compare-exchange per stolen job costs nothing visible.
//
// ## The layout (Int32 cells)
//
//   TOP     index of the oldest job. Only grows. Moved only by compare-exchange: by a thief, or by
//           the owner taking the last job.
//   BOTTOM  one past the newest job. Written only by the owner.
//   slots   a ring of `capacity` job ids: the job at index i is in slots[i % capacity].
//
// The deque holds the jobs at indices TOP ≤ i < BOTTOM. TOP and BOTTOM sit 64 bytes apart, on
// separate cache lines, so a thief's compare-exchange does not disturb the owner's line more than
// it must. Every access to a shared cell is an `Atomics` operation, so the program has no data
// race, and ECMA-262's memory model promises such a program sequentially consistent behaviour ("an
// interleaving of actions from each agent"): all threads agree on one order of these operations.
// The C11 version of this algorithm (Lê, Pop, Cohen and Zappa Nardelli, PPoPP 2013) needs two
// sequentially consistent fences, in pop and in steal; here that order holds for every operation.
//
// ## Why a job is never taken twice, and never lost
//
// Claiming: a job leaves the deque in exactly one of three ways.
// 1. A thief reads TOP = t, then BOTTOM > t, then wins compare-exchange(TOP, t → t+1). Thieves
//    among themselves: the compare-exchange lets exactly one of them move TOP past t.
// 2. The owner pops index b = BOTTOM − 1 when it then reads TOP = t < b. It first writes
//    BOTTOM = b, then reads TOP. A thief can take index b only by reading TOP = b and then a
//    BOTTOM > b. Suppose one did. Its read of BOTTOM came before the owner's write (after it,
//    BOTTOM is b), so its read of TOP = b came before the owner's read of TOP, and TOP never
//    goes down: the owner would have read TOP ≥ b, not t < b. So with more than one job left the
//    owner's job is its own, with no compare-exchange.
// 3. The owner pops the LAST job (it reads TOP = t = b): thieves may be reaching for the same
//    job. Both sides then claim it by compare-exchange(TOP, t → t+1): exactly one wins. The owner
//    puts BOTTOM back to b + 1 either way (TOP is then t + 1 = BOTTOM: empty).
// Publishing: `push` writes the slot, then BOTTOM. A thief that sees the new BOTTOM reads the slot
// after that write (one order for all), so it reads the job, not an older value.
// No overwrite: `push` refuses when BOTTOM − TOP = capacity. The owner's TOP may be stale, but TOP
// only grows, so a stale TOP makes the deque look fuller, never emptier: a slot a thief may still
// read is never reused.
// No ABA: TOP only grows and indices never wrap (they stop at 2^31 − 1, far beyond any run here),
// so a compare-exchange on an old TOP value cannot succeed by coincidence.
// A thief that loses a compare-exchange returns LOST and takes nothing; the job went to whoever
// won. An empty answer (EMPTY) is exact whenever nobody pushes any more, which is the case in the
// demo once the clock starts: a worker that finds every deque empty can stop.
//
// The stress tests (test/unit/demo-scheduling-deque.test.ts) run owner and thieves on real threads.

/** Nothing to take: the deque was empty when looked at. */
export const EMPTY = -1
/** A race was lost: another thread took the job this one reached for. Nothing was taken. */
export const LOST = -2

const TOP = 0
const BOTTOM = 16 // 64 bytes after TOP: another cache line
const SLOTS = 32
const MAX_INDEX = 0x7fffffff

/**
 * The memory for a deque of `capacity` jobs, to share with the threads that use it.
 * @param {number} capacity
 */
export function dequeBuffer(capacity) {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
  return new SharedArrayBuffer((SLOTS + capacity) * Int32Array.BYTES_PER_ELEMENT)
}

/** One thread's handle on a deque. The owner calls push and pop; everybody else only steal. */
export class Deque {
  /** @type {Int32Array} */
  #cells
  /** @type {number} */
  #capacity

  /** @param {SharedArrayBuffer} buffer from `dequeBuffer` */
  constructor(buffer) {
    this.#cells = new Int32Array(buffer)
    this.#capacity = this.#cells.length - SLOTS
  }

  get capacity() {
    return this.#capacity
  }

  /**
   * Owner only: adds `job` (a job id, 0 or more) at the bottom.
   * @param {number} job
   */
  // #region push
  push(job) {
    const cells = this.#cells
    const b = Atomics.load(cells, BOTTOM)
    const t = Atomics.load(cells, TOP)
    if (b - t >= this.#capacity) throw new RangeError(`deque full (${this.#capacity} jobs)`)
    if (b === MAX_INDEX) throw new RangeError('deque index exhausted')
    Atomics.store(cells, SLOTS + (b % this.#capacity), job) // the job first,
    Atomics.store(cells, BOTTOM, b + 1) // then make it visible to thieves
  }
  // #endregion push

  /**
   * Owner only: takes the newest job. Returns its id, EMPTY, or LOST (a thief took the last job).
   * @returns {number}
   */
  // #region pop
  pop() {
    const cells = this.#cells
    const b = Atomics.load(cells, BOTTOM) - 1
    Atomics.store(cells, BOTTOM, b) // reserve the bottom job first,
    const t = Atomics.load(cells, TOP) // then see how far thieves have come
    if (t > b) {
      Atomics.store(cells, BOTTOM, b + 1) // it was empty: undo
      return EMPTY
    }
    const job = Atomics.load(cells, SLOTS + (b % this.#capacity))
    if (t < b) return job // more than one job: no thief can reach this one
    // The last job: a thief may be taking it right now. Whoever moves TOP first has it.
    const won = Atomics.compareExchange(cells, TOP, t, t + 1) === t
    Atomics.store(cells, BOTTOM, b + 1)
    return won ? job : LOST
  }
  // #endregion pop

  /**
   * Any thread but the owner: takes the oldest job. Returns its id, EMPTY, or LOST.
   * @returns {number}
   */
  // #region steal
  steal() {
    const cells = this.#cells
    const t = Atomics.load(cells, TOP)
    const b = Atomics.load(cells, BOTTOM)
    if (t >= b) return EMPTY
    const job = Atomics.load(cells, SLOTS + (t % this.#capacity))
    // Claim it: fails if another thief, or the owner taking the last job, moved TOP first.
    return Atomics.compareExchange(cells, TOP, t, t + 1) === t ? job : LOST
  }
  // #endregion steal

  /** Jobs in the deque right now (a snapshot: it may change as soon as it is read). */
  size() {
    const t = Atomics.load(this.#cells, TOP)
    const b = Atomics.load(this.#cells, BOTTOM)
    return Math.max(0, b - t)
  }
}
