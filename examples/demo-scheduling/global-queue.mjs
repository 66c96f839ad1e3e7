// The global queue: every worker takes its next job from one list shared by all.
//
// The job list is filled before the clock starts and never grows, so the queue is one shared
// counter: taking a job is one atomic increment (`Atomics.add`) of the index of the next job. No
// job is taken twice, because each increment returns a different old value; none is skipped,
// because the values handed out are 0, 1, 2, … in order. Jobs leave in list order: first come,
// first served.
//
// A queue that also takes pushes while workers pop needs more (a lock, or a multi-producer,
// multi-consumer algorithm); this demo only compares how jobs are handed out, so it keeps the
// simplest shape that still has every worker hit the same cache line on every take. With jobs of
// milliseconds that contention costs nothing visible here; a runtime whose tasks run only briefly
// between pops feels it (Tokio's 2019 scheduler write-up, "Making the Tokio scheduler 10x faster").

const NEXT = 0

/**
 * The shared memory for a queue of `count` jobs: the counter, then the job ids in order.
 * @param {readonly number[]} jobs job ids, in the order they are to be taken
 */
export function globalQueueBuffer(jobs) {
  const buffer = new SharedArrayBuffer((1 + jobs.length) * Int32Array.BYTES_PER_ELEMENT)
  new Int32Array(buffer).set(jobs, 1)
  return buffer
}

/** One thread's handle on the queue. */
export class GlobalQueue {
  /** @type {Int32Array} */
  #cells

  /** @param {SharedArrayBuffer} buffer from `globalQueueBuffer` */
  constructor(buffer) {
    this.#cells = new Int32Array(buffer)
  }

  /**
   * Takes the next job: its id, or -1 when every job has been taken.
   * @returns {number}
   */
  // #region take
  take() {
    const i = Atomics.add(this.#cells, NEXT, 1) // one atomic step, shared by every worker
    return i < this.#cells.length - 1 ? Atomics.load(this.#cells, 1 + i) : -1
  }
  // #endregion take
}
