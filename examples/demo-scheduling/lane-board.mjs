// A worker's lane, readable while the race runs: what `--events` (main.ts) shows as it happens.
//
// Each worker keeps its lane (timeline.ts: start, end, job, from per job) in a plain array and
// posts it at the end; the main thread cannot see a worker's array before that. With a board the
// worker also writes each job into shared memory as it goes: when it takes a job, its start, id
// and origin (end not known yet: NaN), then, when the job is done, its end. After each write it
// publishes how far it got with one `Atomics.store`; the main thread reads the counts with
// `Atomics.load` first and only the cells below them after, so it never sees half a job (an
// atomic store and the atomic load that sees it order the plain writes before it, in ECMAScript's
// memory model, for SharedArrayBuffer memory).
//
// One writer per board (its worker), any number of readers. What it costs the worker: four plain
// stores and an atomic store per job, against jobs of milliseconds; the race without `--events`
// has no board at all.
//
// Plain JavaScript on purpose: see the note at the top of ../shared/work.mjs.

const BEGAN = 0 // Int32: jobs whose start is written
const ENDED = 1 // Int32: jobs whose end is written
const HEADER_BYTES = 8
const FIELDS = 4 // start, end, job, from (timeline.ts)

/**
 * The shared memory for one worker's lane of at most `jobs` jobs.
 * @param {number} jobs
 */
export function laneBoardBuffer(jobs) {
  return new SharedArrayBuffer(HEADER_BYTES + jobs * FIELDS * 8)
}

export class LaneBoard {
  /** @param {SharedArrayBuffer} buffer */
  constructor(buffer) {
    this.counts = new Int32Array(buffer, 0, 2)
    this.cells = new Float64Array(buffer, HEADER_BYTES)
  }

  /**
   * The worker takes a job. Only the board's own worker calls this.
   * @param {number} start ms since the start barrier
   * @param {number} job
   * @param {number} from
   */
  begin(start, job, from) {
    const i = Atomics.load(this.counts, BEGAN)
    const at = i * FIELDS
    this.cells[at] = start
    this.cells[at + 1] = Number.NaN
    this.cells[at + 2] = job
    this.cells[at + 3] = from
    Atomics.store(this.counts, BEGAN, i + 1) // publish: job i has begun
  }

  /**
   * The job the worker took last is done.
   * @param {number} end ms since the start barrier
   */
  end(end) {
    const i = Atomics.load(this.counts, ENDED)
    this.cells[i * FIELDS + 1] = end
    Atomics.store(this.counts, ENDED, i + 1) // publish: job i has ended
  }

  /**
   * The lane so far: every job begun, a job not ended yet with end NaN (timeline.ts draws it up
   * to the moment asked for).
   * @returns {number[]}
   */
  read() {
    const ended = Atomics.load(this.counts, ENDED)
    const began = Atomics.load(this.counts, BEGAN) // after `ended`: never fewer
    const lane = []
    for (let i = 0; i < began; i++) {
      const at = i * FIELDS
      lane.push(this.cells[at], i < ended ? this.cells[at + 1] : Number.NaN, this.cells[at + 2], this.cells[at + 3])
    }
    return lane
  }
}
