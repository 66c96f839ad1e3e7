// Counters in shared memory, for a server whose connections live on several threads.
//
// `GET /__stats` is answered by whichever thread owns the connection that asks. When that thread
// holds only some of the connections (step 6: one event loop per core; step 2 `--own-socket`: a
// thread per connection), it must still report the whole server. Asking the other threads by
// message would make the answer wait for the slowest of them, and a thread busy hashing answers
// nothing for seconds. So every thread writes its counters into a SharedArrayBuffer as they change,
// and any thread can read all of them, at once, without anyone's help.
//
// The table: one row per thread (or per group of threads), one Int32 per named field. Each change is
// an `Atomics.add` of the difference, so a row may be shared by many writers (step 2's threads all
// count into one row) and a reader never sees a torn value. Readers see each cell's latest value,
// but not one instant across cells: fine for a dashboard, which is what this is.
//
// Loop figures (event-loop delay and utilization) come from a histogram only the owning thread can
// read, so each thread copies its own into its row on a timer, with the time it did (`beatMs`). A
// thread whose loop is blocked cannot do that, and its row goes stale; `stalledMs` says by how much.

import type { ServerCounters, StatsProbe } from './stats.ts'

/** What connection.ts counts; every table has these. */
export const COUNTER_FIELDS = ['connections', 'inFlight', 'answered'] as const
/** A thread's own loop, copied in by `publishLoop`. Delays in microseconds, utilization in millionths. */
export const LOOP_FIELDS = [
  'loopDelayP99Us',
  'loopDelayMaxUs',
  'loopUtilizationPpm',
  'recentDelayP99Us',
  'recentDelayMaxUs',
  'recentUtilizationPpm',
  'heapUsedKb',
  'beatMs',
] as const

export type LoopFigures = {
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
  eventLoopUtilization: number
  recent: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number; eventLoopUtilization: number }
  heapUsed: number
  /** How long the thread's loop has not run its stats timer beyond the expected interval, in ms. */
  stalledMs: number
}

/** How often a thread copies its loop figures into its row. */
export const PUBLISH_INTERVAL_MS = 250

/** What a thread needs to open the same table: send it in `workerData`. */
export interface SharedTableHandle {
  buffer: SharedArrayBuffer
  rows: number
}

/**
 * How late a thread's publishing timer is: the time since it last ran, minus the interval it was
 * due in. A timer fires a little late on any loop and more on a busy machine, so lateness within
 * one more interval counts as none.
 */
function stalled(sinceBeatMs: number): number {
  const late = sinceBeatMs - PUBLISH_INTERVAL_MS
  return late > PUBLISH_INTERVAL_MS ? Math.round(late) : 0
}

export class SharedTable<F extends string> {
  readonly buffer: SharedArrayBuffer
  readonly rows: number
  readonly fields: readonly F[]
  /** When the table was made (`Date.now()`), so every thread counts `beatMs` from the same moment. */
  readonly epochMs: number
  private readonly cells: Int32Array
  private readonly column: Record<string, number> = {}

  /** A new table, or (with `handle`) a view of one another thread made with the same fields. */
  constructor(fields: readonly F[], rows: number, handle?: SharedTableHandle) {
    this.fields = fields
    this.rows = rows
    // The first 8 bytes hold the epoch, written once before any other thread sees the buffer.
    this.buffer = handle?.buffer ?? new SharedArrayBuffer(8 + rows * fields.length * 4)
    const epoch = new Float64Array(this.buffer, 0, 1)
    if (handle === undefined) epoch[0] = Date.now()
    this.epochMs = epoch[0]!
    this.cells = new Int32Array(this.buffer, 8, rows * fields.length)
    for (const [i, field] of fields.entries()) this.column[field] = i
  }

  handle(): SharedTableHandle {
    return { buffer: this.buffer, rows: this.rows }
  }

  private at(row: number, field: F): number {
    return row * this.fields.length + this.column[field]!
  }

  get(row: number, field: F): number {
    return Atomics.load(this.cells, this.at(row, field))
  }

  set(row: number, field: F, value: number): void {
    Atomics.store(this.cells, this.at(row, field), value)
  }

  add(row: number, field: F, delta: number): void {
    Atomics.add(this.cells, this.at(row, field), delta)
  }

  /** Raises the cell to `value` if it is lower (a high-water mark), atomically. */
  raise(row: number, field: F, value: number): void {
    const i = this.at(row, field)
    for (let seen = Atomics.load(this.cells, i); value > seen; seen = Atomics.load(this.cells, i)) {
      if (Atomics.compareExchange(this.cells, i, seen, value) === seen) return
    }
  }

  sum(field: F, rows: Iterable<number> = this.allRows()): number {
    let total = 0
    for (const row of rows) total += this.get(row, field)
    return total
  }

  allRows(): number[] {
    return Array.from({ length: this.rows }, (_, i) => i)
  }

  /**
   * The counters connection.ts keeps, as an object whose properties live in `row`. Each property
   * reads this thread's own count and adds every change to the shared cell: `connections++` on
   * two threads at once is two `Atomics.add`s, never a lost update.
   */
  counters(row: number): ServerCounters {
    const own = { connections: 0, inFlight: 0, answered: 0 }
    const counters = {} as ServerCounters
    for (const field of COUNTER_FIELDS) {
      Object.defineProperty(counters, field, {
        enumerable: true,
        get: () => own[field],
        set: (value: number) => {
          this.add(row, field as F & (typeof COUNTER_FIELDS)[number], value - own[field])
          own[field] = value
        },
      })
    }
    return counters
  }

  /** Copies this thread's loop figures (from its StatsProbe) and heap into `row`. */
  publishLoop(row: number, probe: StatsProbe): void {
    const { sinceStart, recent } = probe.loop()
    const set = (field: (typeof LOOP_FIELDS)[number], value: number) => this.set(row, field as F, Math.round(value))
    set('loopDelayP99Us', sinceStart.eventLoopDelayP99Ms * 1000)
    set('loopDelayMaxUs', Math.min(sinceStart.eventLoopDelayMaxMs * 1000, 2 ** 31 - 1))
    set('loopUtilizationPpm', sinceStart.eventLoopUtilization * 1e6)
    set('recentDelayP99Us', recent.eventLoopDelayP99Ms * 1000)
    set('recentDelayMaxUs', Math.min(recent.eventLoopDelayMaxMs * 1000, 2 ** 31 - 1))
    set('recentUtilizationPpm', recent.eventLoopUtilization * 1e6)
    set('heapUsedKb', process.memoryUsage().heapUsed / 1024)
    set('beatMs', Date.now() - this.epochMs)
  }

  /** Publishes now and every PUBLISH_INTERVAL_MS from now on; the timer does not keep the thread alive. */
  startPublishing(row: number, probe: StatsProbe): void {
    this.publishLoop(row, probe)
    setInterval(() => this.publishLoop(row, probe), PUBLISH_INTERVAL_MS).unref()
  }

  /** The loop figures `row` last published, in the units of /__stats. */
  loop(row: number): LoopFigures {
    const get = (field: (typeof LOOP_FIELDS)[number]) => this.get(row, field as F)
    const sinceBeat = Date.now() - this.epochMs - get('beatMs')
    return {
      eventLoopDelayP99Ms: get('loopDelayP99Us') / 1000,
      eventLoopDelayMaxMs: get('loopDelayMaxUs') / 1000,
      eventLoopUtilization: get('loopUtilizationPpm') / 1e6,
      recent: {
        eventLoopDelayP99Ms: get('recentDelayP99Us') / 1000,
        eventLoopDelayMaxMs: get('recentDelayMaxUs') / 1000,
        eventLoopUtilization: get('recentUtilizationPpm') / 1e6,
      },
      heapUsed: get('heapUsedKb') * 1024,
      stalledMs: stalled(sinceBeat),
    }
  }
}
