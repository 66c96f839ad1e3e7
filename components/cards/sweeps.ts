// The load curve's data and chart (LoadCurve.vue draws it): p99 against offered load, one line per
// step, from a recorded sweep (bench/results/sweep-<workload>.json) or a live one, reduced to the
// same points by the bench's own `sweepPoint` (bench/report/sweep-result.ts), so a live curve and a
// recorded one are drawn by the same code. A point whose run the cap cut, or that left requests
// unanswered, is a lower bound: the last of its curve, drawn hollow at the end of a dashed segment.

import { AT_LEAST, duration, perSecond } from '../../bench/format.ts'
import type { RunView } from '../../bench/live/messages.ts'
import { type BenchSweep, coreRateOf, type SweepPoint, sweepPoint } from '../../bench/report/sweep-result.ts'
import { stepName } from './step-colors.ts'

/** A live sweep's points so far: one per leg done, each as the recorder would write it. */
export function livePoints(run: RunView): SweepPoint[] {
  const first = run.legs.find((leg) => leg.result?.cpu)?.result?.cpu ?? null
  const coreRate = coreRateOf(first)
  return run.legs.flatMap((leg) => (leg.result ? [sweepPoint(leg.result, coreRate)] : []))
}

export interface CurveLine {
  step: string
  name: string
  points: SweepPoint[]
  live: RunView | null
  /** One core's worth of tasks a second where this line was measured. */
  coreRate: number | null
  cores: number | null
  state: string
}

function liveState(run: RunView): string {
  if (run.status !== 'running') return `live · ${run.status}`
  const at = run.legs.findIndex((leg) => leg.status === 'running')
  const load = run.loads?.[at]
  return at === -1 ? 'live · starting…' : `live · leg ${at + 1} of ${run.legs.length}, ${load ?? '?'} × one core…`
}

/** A step's line: its live sweep when there is one, else its recorded curve. */
export function curveLine(step: string, live: RunView | null, recorded: BenchSweep | null): CurveLine {
  if (live) {
    const cpu = live.legs.find((leg) => leg.result?.cpu)?.result?.cpu ?? null
    const cores = live.legs.find((leg) => leg.result)?.result?.machine.cores ?? null
    const points = livePoints(live)
    return { step, name: stepName(step), points, live, coreRate: coreRateOf(cpu), cores, state: liveState(live) }
  }
  const curve = recorded?.curves.find((c) => c.step === step)
  return {
    step,
    name: stepName(step),
    points: curve?.points ?? [],
    live: null,
    coreRate: recorded?.coreRate ?? null,
    cores: recorded?.cores ?? null,
    state: curve ? 'recorded' : 'not recorded yet',
  }
}

/** Where a point sits on the x-axis: its load (one core's worth of tasks a second), else its rate. */
export const xOf = (p: SweepPoint): number => p.load ?? p.offered ?? 0
export const p99Of = (p: SweepPoint): number | null => p.latency?.p99 ?? null

/**
 * uPlot's columns: every line's loads together, each series null where it has no point. Two series
 * a line: its exact points (solid), and its last point when that is a lower bound (hollow, dashed
 * from the point before it); `hollow` lists, per line, the indices that get a hollow marker.
 */
export function curveChart(lines: readonly CurveLine[]): {
  columns: (number | null)[][]
  hollow: number[][]
  yRange: [number, number]
} {
  const xs = [...new Set(lines.flatMap((l) => l.points.map(xOf)))].filter((x) => x > 0).sort((a, b) => a - b)
  const columns: (number | null)[][] = [xs]
  const hollow: number[][] = []
  for (const line of lines) {
    const exact = new Map<number, number | null>()
    const bound = new Map<number, number | null>()
    const marked: number[] = []
    line.points.forEach((p, i) => {
      if (!p.lowerBound) exact.set(xOf(p), p99Of(p))
      else {
        bound.set(xOf(p), p99Of(p))
        marked.push(xs.indexOf(xOf(p)))
        const before = line.points[i - 1]
        if (before && !before.lowerBound) bound.set(xOf(before), p99Of(before))
      }
    })
    columns.push(
      xs.map((x) => exact.get(x) ?? null),
      xs.map((x) => bound.get(x) ?? null),
    )
    hollow.push(marked)
  }
  // Whole decades around what is drawn, at least 10 ms to 1 s: log scales read by their powers of ten.
  const values = columns
    .slice(1)
    .flat()
    .filter((v): v is number => v !== null && v > 0)
  const low = Math.min(10, ...values)
  const high = Math.max(1000, ...values)
  const yRange: [number, number] = [10 ** Math.floor(Math.log10(low)), 10 ** Math.ceil(Math.log10(high))]
  return { columns, hollow, yRange }
}

/** The knees to expect: one core's worth of tasks a second, and every core's. */
export function curveMarkers(lines: readonly CurveLine[]): { x: number; label: string }[] {
  const cores = lines.find((l) => l.cores !== null)?.cores ?? null
  const marks = [{ x: 1, label: 'one core' }]
  if (cores !== null && cores > 1) marks.push({ x: cores, label: `${cores} cores` })
  return marks
}

/** The most a line's server served, in tasks a second and in cores' worth. */
export function mostServed(line: CurveLine): string {
  const best = Math.max(0, ...line.points.map((p) => p.served ?? 0))
  if (best === 0) return '–'
  const cores = line.coreRate ? ` (${(best / line.coreRate).toFixed(2)} × one core)` : ''
  return `${perSecond(best)}/s${cores}`
}

/** The p99 of a line's last point, "≥" when it is a lower bound, and the load it was measured at. */
export function lastP99(line: CurveLine): string {
  const last = line.points.at(-1)
  if (!last) return '–'
  const lower = last.lowerBound || (last.latency?.lowerBound.includes('p99') ?? false)
  return `${lower ? AT_LEAST : ''}${duration(p99Of(last))} at ${xOf(last)}`
}
