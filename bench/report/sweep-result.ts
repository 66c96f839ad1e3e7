// The load curve as data: what one leg of a sweep measured (a `SweepPoint`, reduced from its
// `BenchResult`), the curve of one step, and the recorded file (`bench-sweep/1`, in the envelope of
// every recorded file) with its Markdown. Pure functions of plain values, browser-safe: the deck's
// LoadCurve.vue reduces live legs with the same `sweepPoint` the recorder writes.
//
// Each point is one short open-loop run at one offered rate, latencies from when each request was
// due (open-loop.ts). A point whose run the cap cut, or that left requests unanswered, is a lower
// bound (its latencies count those requests at their wait so far): it is drawn differently, and it
// ends the curve (sweep.ts), since every rate past it would only be cut sooner.

import { count, DASH, latencyMs, ms, perSecond } from '../format.ts'
import { overloadFigures } from '../kinds/overload.ts'
import { type Recording, recordedLine } from '../recording.ts'
import type { BenchResult, CpuCalibration, EndedBy, LatencySummary } from '../types.ts'

/** The schema of bench/results/sweep-<workload>.json. */
export const BENCH_SWEEP = 'bench-sweep/1'

/** One leg: one step at one offered rate. */
export interface SweepPoint {
  /** Requests a second offered, on a fixed schedule. */
  offered: number | null
  /** `offered` as a multiple of one core's worth of tasks a second (1000 / the task's ms); null for other paths. */
  load: number | null
  durationS: number | null
  /** Every answer a second, and the 2xx answers a second (completed / span). */
  throughput: number | null
  served: number | null
  /**
   * Latency from when each request was due: of the 2xx answers and the requests left unanswered (at
   * their wait so far), where the run split them; else of every answer.
   */
  latency: LatencySummary | null
  /** Counted apart: connection errors, timeouts, 503s, other non-2xx. */
  errors: number
  timeouts: number
  rejected: number
  otherNon2xx: number
  /** Due and not answered when the run ended (counted in `latency` at their wait so far). */
  unanswered: number
  /** How the generator kept its schedule: requests it sent late itself, held at its connection bound. */
  late: number
  heldAtBound: number
  endedBy: EndedBy
  /** Cut by the cap, aborted, or requests left unanswered: its latencies are lower bounds. */
  lowerBound: boolean
  /** The run's one line: "120 done in 3.0 s (open loop, 40.0 req/s offered)". */
  summary: string
  /**
   * How many latencies `latency` is made of (answers, and requests unanswered at the end). Under
   * `P99_MIN_SAMPLES` the p99 is the largest of them and is shown as the maximum. Absent in files
   * recorded before it was kept.
   */
  samples?: number
}

/** Fewer latencies than this, and a p99 is only the largest of them (HDR's rank ⌈0.99 n⌉ = n). */
export const P99_MIN_SAMPLES = 100

/** Whether a point's p99 is only its maximum: too few latencies behind it to be a percentile. */
export function p99IsMax(p: Pick<SweepPoint, 'samples'>): boolean {
  return p.samples !== undefined && p.samples < P99_MIN_SAMPLES
}

/** One step's curve: its points from low to high offered load, and why it stopped where it did. */
export interface SweepCurve {
  step: string
  title: string
  points: SweepPoint[]
  /**
   * Why the sweep stopped where it did (a leg cut or left requests unanswered, an abort, a failure);
   * null if it ran every rate.
   */
  stoppedBy: string | null
}

export interface SweepBody {
  /** `cpu` for sized `/cpu/<n>` tasks; else the path that was loaded. */
  workload: string
  /** The path each leg loaded, e.g. `/cpu/17814198`. */
  path: string
  /** The task size, calibrated once for every step of the recording (null for other paths). */
  cpu: CpuCalibration | null
  /** One core's worth of tasks a second: 1000 / the task's calibrated CPU ms (null for other paths). */
  coreRate: number | null
  /** The cores of the machine: the most tasks that can hash at once. */
  cores: number
  /** Untimed requests each leg's fresh server answered before its load (absent: none, older files). */
  warmUpRequests?: number
  curves: SweepCurve[]
}

export type BenchSweep = Recording<typeof BENCH_SWEEP, SweepBody>

/** A sized `/cpu` task's worth of tasks a second on one core: 1000 / its CPU ms. */
export function coreRateOf(cpu: Pick<CpuCalibration, 'localMs'> | null): number | null {
  return cpu !== null && cpu.localMs > 0 ? 1000 / cpu.localMs : null
}

/** The point one leg's result makes, `coreRate` being one core's worth of tasks a second (or null). */
export function sweepPoint(r: BenchResult, coreRate: number | null): SweepPoint {
  const f = overloadFigures(r)
  const m = r.metrics
  const open = r.generator?.open ?? null
  const latency = m.byStatus ? f.served : m.latency
  const samples = (m.byStatus ? f.served2xx : m.completed) + m.unanswered
  const offered = r.options.open?.ratePerSec ?? null
  return {
    offered,
    load: offered !== null && coreRate !== null ? round(offered / coreRate, 3) : null,
    durationS: r.options.durationS,
    throughput: m.throughput,
    served: f.servedPerSec === null ? null : round(f.servedPerSec, 2),
    latency,
    errors: m.errors,
    timeouts: m.timeouts,
    rejected: f.rejected,
    otherNon2xx: f.otherNon2xx,
    unanswered: m.unanswered,
    late: open?.late ?? 0,
    heldAtBound: open?.heldAtBound ?? 0,
    endedBy: r.endedBy,
    lowerBound: endsCurve(r),
    summary: r.summary,
    samples,
  }
}

/** A leg whose latencies are lower bounds: every higher rate would only be cut sooner. */
export function endsCurve(r: Pick<BenchResult, 'partial' | 'metrics'>): boolean {
  return r.partial || r.metrics.unanswered > 0
}

/** The workload's name in the file name: `cpu` for sized tasks, else the path's characters. */
export function workloadOf(path: string, sized: boolean): string {
  if (sized) return 'cpu'
  const name = path.replace(/^\//, '').replace(/[^\w-]+/g, '-')
  return name === '' ? 'root' : name
}

/** bench/results/sweep-<workload>.md, written from the JSON beside it. */
export function sweepMarkdown(doc: BenchSweep): string {
  const lines = [
    `# Load curve: \`${doc.path}\`${doc.cpu ? `, a ~${doc.cpu.targetMs} ms CPU task` : ''}`,
    '',
    recordedLine(doc),
    '',
  ]
  if (doc.cpu && doc.coreRate !== null)
    lines.push(
      `Task: n = ${count(doc.cpu.n)} hash rounds, ${ms(doc.cpu.localMs)} ms of CPU in the load generator ` +
        `(${ms(doc.cpu.serverMs)} ms on an idle server): one core can do ${perSecond(doc.coreRate)} tasks/s, ` +
        `the machine's ${doc.cores} cores ${perSecond(doc.coreRate * doc.cores)}.`,
      '',
    )
  for (const curve of doc.curves) {
    lines.push(`## Step ${curve.step} ${curve.title}`, '', sweepTable(curve.points), '')
    if (curve.stoppedBy !== null) lines.push(`Stopped: ${curve.stoppedBy}`, '')
  }
  lines.push(...SWEEP_NOTES.map((n) => `- ${n}`))
  if (doc.warmUpRequests)
    lines.push(
      `- Before its load, each leg's server answered ${doc.warmUpRequests} untimed requests of the same path, so ` +
        'its first (cold) requests are not in the figures.',
    )
  if (doc.curves.some((c) => c.points.some(p99IsMax)))
    lines.push(
      `- p99 "(max)": the leg had fewer than ${P99_MIN_SAMPLES} latencies, so its p99 is only the largest of ` +
        'them; it is shown as the maximum.',
    )
  return `${lines.join('\n')}\n`
}

export const SWEEP_NOTES = [
  'Each row is one short open-loop run: requests leave on a fixed schedule at the offered rate whatever the ' +
    'server does, on a fresh server, and each latency counts from when the request was due.',
  'load: the offered rate ÷ one core’s worth of tasks a second. A server that hashes on its one thread ' +
    '(steps 1 and 3) can keep up to 1; one that hashes on every core (step 5), up to the cores.',
  'p50/p99/max: the 2xx answers and the requests still unanswered at the end, at their wait so far; 503s are ' +
    'counted apart. ≥ marks a lower bound: such a run is the last of its curve.',
  'late/held: requests the generator itself sent more than 10 ms late / that waited for a connection at its bound.',
]

/** A Markdown table of one curve. */
export function sweepTable(points: readonly SweepPoint[]): string {
  const header = [
    'offered/s',
    'load',
    'served/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    '503s',
    'errors (conn/timeout/other)',
    'unanswered',
    'late/held',
    'ended',
  ]
  const rows = points.map((p) => [
    perSecond(p.offered),
    p.load === null ? DASH : p.load.toFixed(2),
    perSecond(p.served),
    latencyMs(p.latency, 'p50'),
    p99IsMax(p) ? `${latencyMs(p.latency, 'max')} (max)` : latencyMs(p.latency, 'p99'),
    latencyMs(p.latency, 'max'),
    count(p.rejected),
    `${count(p.errors)}/${count(p.timeouts)}/${count(p.otherNon2xx)}`,
    count(p.unanswered),
    `${count(p.late)}/${count(p.heldAtBound)}`,
    p.endedBy,
  ])
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => row[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`
  const rule = `| ${widths.map((w) => `${'-'.repeat(w - 1)}:`).join(' | ')} |`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
