// The arithmetic of a benchmark, in one place so it can be tested on made-up timings.
//
// A `Recorder` is fed one event per answered request — when it completed, how long it took, on
// which connection, with which status — and turns them into the numbers the bench reports:
// - throughput = completed / (last completion − first send). Not autocannon's average of
//   per-second buckets, which counts the ramp-up and the empty last second: a single wave of 150
//   requests of /1000 would read 75 req/s;
// - latency percentiles from our own HDR histogram in microseconds, so /0 on loopback reads
//   0.08 ms, not autocannon's whole-millisecond 0;
// - a steady-state rate that leaves out the ramp (see `steadyThroughput`);
// - errors, timeouts and non-2xx answers, counted apart;
// - requests still unanswered when the figures are taken, counted at their wait so far: a run the
//   cap cuts cannot report the latency of the few requests that finished as if it were everyone's
//   (see `latencySummary`);
// - in an open loop, the latency of the 2xx answers and of the others apart (`byStatus`): a server
//   that sheds load answers 503 at once, and those quick refusals would flatter a figure that
//   mixed them with the tasks it really served.
// Times are milliseconds on one monotonic clock (`performance.now()` in the load generator).

import { build, initWebAssemblySync, type Histogram } from 'hdr-histogram-js'
import type { LatencyField, LatencySummary, Metrics } from '../types.ts'

const US_PER_MS = 1000
/** The histograms' top value, an hour in µs: longer than any run (the cap is at most 300 s). */
const HIGHEST_US = 3_600_000_000

/** A request with no answer yet when the figures are taken. */
export interface Unanswered {
  /** How long it has waited: since it fell due (open loop) or was sent (closed loop), in ms. */
  waitedMs: number
  /** How long since it actually left (open loop's service time); null if it has not left yet. */
  inServiceMs: number | null
}

// The WebAssembly histogram: reading percentiles from the pure-JS one took 11-25 ms at 4
// significant digits (it walks some 300,000 counters per percentile), and the load generator reads
// them every 200 ms for its progress report. Those stalls landed in the middle of drill's single
// wave of answers and delayed reading them by 25-35 ms in about half the runs. WebAssembly takes
// about 1.5 ms for all the figures.
initWebAssemblySync()

function newHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1, // 1 µs
    highestTrackableValue: HIGHEST_US, // autoResize covers the rest
    numberOfSignificantValueDigits: 4, // 1000 ms is told apart from 1000.1 ms
    autoResize: true,
    useWebAssembly: true,
  })
}

const toUs = (ms: number) => Math.max(1, Math.round(ms * US_PER_MS))

export class Recorder {
  private readonly histogram: Histogram = newHistogram()
  /** Open loop: the time from each request's actual send to its answer (null: closed loop). */
  private readonly service: Histogram | null
  /** `byStatus`: the latencies of the 2xx answers, and of every other answer, apart. */
  private readonly split: { ok: Histogram; other: Histogram } | null
  /** The earliest send seen (after clamping to `earliestSend`). */
  private firstSend: number | null = null
  /** Set by start(): nothing was sent before it. */
  private earliestSend = -Infinity
  private lastDone: number | null = null
  private completed = 0
  private errors = 0
  private timeouts = 0
  private non2xx = 0
  private readonly statusCodes: Record<string, number> = {}
  // Per connection: first and last completion, and how many. Indexed by a small connection number.
  private readonly connFirst: number[] = []
  private readonly connLast: number[] = []
  private readonly connCount: number[] = []
  // For the rate over the last interval.
  private lastSnapshotAt: number | null = null
  private lastSnapshotCompleted = 0

  /**
   * `serviceTime`: also keep the time from actual send (an open loop, where latency counts from due).
   * `byStatus`: also keep the latencies of 2xx answers and of the others apart (`Metrics.byStatus`).
   */
  constructor(options: { serviceTime?: boolean; byStatus?: boolean } = {}) {
    this.service = options.serviceTime ? newHistogram() : null
    this.split = options.byStatus ? { ok: newHistogram(), other: newHistogram() } : null
  }

  /**
   * No request can be on the wire before `t`. autocannon starts the clock of each connection's
   * first request when it creates the client, before the connection exists, and creating 512
   * clients takes it tens of milliseconds during which nothing is sent (the socket writes wait for
   * the generator's event loop). Sends clocked earlier are counted from `t`, so the generator's own
   * set-up is charged neither to the span nor to first-wave latencies. (It is recorded apart, as
   * `generator.setupMs`.)
   */
  start(t: number): void {
    this.earliestSend = t
    this.lastSnapshotAt = t
  }

  /**
   * One answer: completed at `doneAt` after `latencyMs`, on connection `conn`, with `status`;
   * `serviceMs` (open loop) is the part of it since the request actually left.
   */
  record(conn: number, doneAt: number, latencyMs: number, status: number, serviceMs?: number): void {
    this.completed++
    const sentAt = Math.max(doneAt - latencyMs, this.earliestSend)
    if (this.firstSend === null || sentAt < this.firstSend) this.firstSend = sentAt
    if (this.lastDone === null || doneAt > this.lastDone) this.lastDone = doneAt
    this.histogram.recordValue(toUs(doneAt - sentAt))
    if (this.service !== null && serviceMs !== undefined) this.service.recordValue(toUs(serviceMs))
    const is2xx = status >= 200 && status <= 299
    this.split?.[is2xx ? 'ok' : 'other'].recordValue(toUs(doneAt - sentAt))
    if (!is2xx) this.non2xx++
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1
    if (this.connCount[conn] === undefined) {
      this.connFirst[conn] = doneAt
      this.connCount[conn] = 0
    }
    this.connLast[conn] = doneAt
    this.connCount[conn]!++
  }

  recordError(kind: 'error' | 'timeout'): void {
    if (kind === 'timeout') this.timeouts++
    else this.errors++
  }

  /** No request was on the wire before this (set by `start`). */
  get earliest(): number {
    return this.earliestSend
  }

  get completedCount(): number {
    return this.completed
  }

  /** Completions per second since the previous call (or since start). */
  rateSinceLastCall(now: number): number {
    const since = this.lastSnapshotAt ?? now
    const rate = now > since ? ((this.completed - this.lastSnapshotCompleted) * 1000) / (now - since) : 0
    this.lastSnapshotAt = now
    this.lastSnapshotCompleted = this.completed
    return round(rate, 1)
  }

  /** The figures now; `unanswered`: the requests still waiting for an answer at this moment. */
  metrics(unanswered: readonly Unanswered[] = []): Metrics {
    const spanMs = this.firstSend !== null && this.lastDone !== null ? this.lastDone - this.firstSend : null
    const inService = unanswered.flatMap((u) => (u.inServiceMs === null ? [] : [u.inServiceMs]))
    const waited = unanswered.map((u) => u.waitedMs)
    return {
      completed: this.completed,
      spanMs: spanMs === null ? null : round(spanMs, 3),
      throughput: spanMs !== null && spanMs > 0 ? round((this.completed * 1000) / spanMs, 2) : null,
      steadyThroughput: this.steadyThroughput(),
      latency: latencySummary(this.histogram, waited),
      serviceTime: this.service === null ? null : latencySummary(this.service, inService),
      // A request still waiting counts with the 2xx: a 503 comes at once, so one that has waited is
      // in line for a real answer.
      ...(this.split === null
        ? {}
        : { byStatus: { ok: latencySummary(this.split.ok, waited), other: latencySummary(this.split.other, []) } }),
      unanswered: unanswered.length,
      errors: this.errors,
      timeouts: this.timeouts,
      non2xx: this.non2xx,
      statusCodes: { ...this.statusCodes },
    }
  }

  /**
   * The rate the server sustains once every connection is going. In a closed loop each
   * connection completes one request per round trip, so its own rate is
   * (its completions − 1) / (its last completion − its first); the server's is the sum over
   * connections. That leaves out connecting and the first wave (10,000 sockets take a while to
   * open) and the tail, and unlike a fixed time window it does not depend on where the waves of
   * a slow path fall. Null when no connection completed twice (a single wave).
   */
  private steadyThroughput(): number | null {
    let rate = 0
    let counted = 0
    for (let i = 0; i < this.connCount.length; i++) {
      const count = this.connCount[i]
      if (count === undefined || count < 2) continue
      const span = this.connLast[i]! - this.connFirst[i]!
      if (span <= 0) continue
      rate += ((count - 1) * 1000) / span
      counted++
    }
    return counted === 0 ? null : round(rate, 2)
  }
}

const FIELDS: readonly LatencyField[] = ['min', 'p50', 'p90', 'p99', 'max', 'mean']

/**
 * A histogram's figures. A percentile is read as the top of its bucket (four significant digits),
 * which can lie above the largest value recorded: 100 answers of 1024.1 ms read p99 1024.127. No
 * percentile can exceed the maximum, so each is clamped to the exact one.
 */
function figures(h: Histogram): Record<LatencyField, number> {
  const at = (p: number) => Math.min(h.getValueAtPercentile(p), h.maxValue)
  return { min: h.minNonZeroValue, p50: at(50), p90: at(90), p99: at(99), max: h.maxValue, mean: h.mean }
}

/** Reused for every summary with unanswered requests (the generator takes one every 200 ms). */
let scratch: Histogram | null = null

/**
 * The latency figures of the answered requests (`answered`, in µs) and of the requests that had no
 * answer yet (`waitedMs`, each waited at least that long).
 *
 * An unanswered request's latency is unknown but at least its wait so far, so it is counted at that
 * wait: leaving it out would report the latency of those that finished, as if they were everyone
 * (step 1 on `drill`: 9 of 150 answered within the 10 s cap; their "p99" was 9 s, while the other
 * 141 had waited 10 s and would have waited up to 150 s). Every figure is worked out twice: with
 * each unanswered request at its wait so far (the figure reported), and as if each would never be
 * answered (`ceiling`); where the two differ, waiting longer for those requests could have raised
 * the figure, and it is marked as a lower bound. Where they agree, the figure is exact: the
 * unanswered requests sit above it whatever their latency turns out to be.
 */
export function latencySummary(answered: Histogram, waitedMs: readonly number[]): LatencySummary | null {
  if (answered.totalCount + waitedMs.length === 0) return null
  const ms = (us: number) => round(us / US_PER_MS, 3)
  if (waitedMs.length === 0) {
    const f = figures(answered)
    return { ...mapFields((k) => ms(f[k])), lowerBound: [] }
  }
  scratch ??= newHistogram()
  scratch.reset()
  scratch.add(answered)
  for (const w of waitedMs) scratch.recordValue(toUs(w))
  const reported = figures(scratch)
  const ceiling: Record<LatencyField, number> = {
    min: answered.totalCount > 0 ? answered.minNonZeroValue : Number.POSITIVE_INFINITY,
    p50: ceilingAt(answered, 50, waitedMs.length),
    p90: ceilingAt(answered, 90, waitedMs.length),
    p99: ceilingAt(answered, 99, waitedMs.length),
    // Some request may never be answered: the largest and the mean could be anything above.
    max: Number.POSITIVE_INFINITY,
    mean: Number.POSITIVE_INFINITY,
  }
  return {
    ...mapFields((k) => ms(reported[k])),
    lowerBound: FIELDS.filter((k) => ceiling[k] > reported[k]),
  }
}

/**
 * Percentile `p` if the `unanswered` requests ranked after every answered one: the answered value at
 * the rank the percentile takes among all of them (HdrHistogram's rank: ⌈p% of the count⌉), or
 * Infinity when that rank falls on an unanswered request.
 */
function ceilingAt(answered: Histogram, p: number, unanswered: number): number {
  const count = answered.totalCount
  const rank = Math.max(1, Math.ceil((p / 100) * (count + unanswered) - 1e-9))
  if (rank > count) return Number.POSITIVE_INFINITY
  // Half a rank below, so rounding in the percentile's arithmetic cannot move it to the next rank;
  // clamped to the largest answer, as the reported figures are (`figures`).
  return Math.min(answered.getValueAtPercentile((100 * (rank - 0.5)) / count), answered.maxValue)
}

function mapFields(f: (field: LatencyField) => number): Record<LatencyField, number> {
  return { min: f('min'), p50: f('p50'), p90: f('p90'), p99: f('p99'), max: f('max'), mean: f('mean') }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
