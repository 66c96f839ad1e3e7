// LoopLag's lines: each server's event-loop delay p99 against the seconds of load, one line per
// step (or per scenario, for one step under several), with the `/0` probe's p99 beside it, from a
// live leg or a recorded result. A stretch where the server answered no `/__stats` (its loop was
// frozen) is a gap, labelled, never the stale reading (figures.ts `withGaps`).

import type { LegView, LivePoint } from '../../bench/live/messages.ts'
import type { BenchResult } from '../../bench/types.ts'
import { type Gap, pointsOfResult, withGaps } from './figures.ts'

/** One line of the chart: a step under a scenario, and the live request (and leg) that draws it. */
export interface LoopTarget {
  scenario: string
  step: string
  /** The live request that runs it: the steps of one comparison, or this scenario alone. */
  steps: string[]
  leg: number
}

/** One line per step of `scenario`, or (given `scenarios`) one per scenario of the first step. */
export function loopTargets(scenario: string, steps: readonly string[], scenarios: readonly string[]): LoopTarget[] {
  if (scenarios.length > 0) return scenarios.map((s) => ({ scenario: s, step: steps[0]!, steps: [steps[0]!], leg: 0 }))
  return steps.map((step, leg) => ({ scenario, step, steps: [...steps], leg }))
}

export interface LoopLine {
  points: LivePoint[]
  /** Where the line has no sample: the server answered no `/__stats` there. */
  gaps: Gap[]
  /** The delay now (live, running) or the worst one-second window (finished). */
  now: number | null
  worst: number | null
  probeP99: number | null
  /** The probe's p99 counts requests still unanswered: a lower bound. */
  probeLower: boolean
  /** The scenario mode's chain of awaits: n, when known. */
  awaits: number | null
  state: string
}

function worstOf(points: readonly LivePoint[]): number | null {
  const delays = points.flatMap((p) => (p.loopDelay === null ? [] : [p.loopDelay]))
  return delays.length > 0 ? Math.max(...delays) : null
}

export function loopLineOfLeg(leg: LegView): LoopLine {
  const { points, gaps } = withGaps(leg.points, leg.result?.server?.missedPolls ?? null)
  return {
    points,
    gaps,
    now: leg.status === 'running' ? (leg.last?.server?.loopDelayP99Ms ?? null) : null,
    worst: leg.result?.server?.recentLoopDelayP99MaxMs ?? worstOf(points),
    probeP99: leg.result ? (leg.result.probe?.latency?.p99 ?? null) : (leg.last?.probe?.p99Ms ?? null),
    probeLower: leg.result
      ? (leg.result.probe?.latency?.lowerBound.includes('p99') ?? false)
      : (leg.last?.probe?.lowerBound.includes('p99') ?? false),
    awaits: leg.result?.awaitChain?.n ?? null,
    state:
      leg.status === 'running'
        ? `${leg.phase ?? 'starting'}…`
        : leg.status === 'failed'
          ? `failed: ${leg.error}`
          : leg.status,
  }
}

export function loopLineOfResult(r: BenchResult | null): LoopLine {
  const { points, gaps } = withGaps(r ? pointsOfResult(r) : [], r?.server?.missedPolls ?? null)
  return {
    points,
    gaps,
    now: null,
    worst: r?.server?.recentLoopDelayP99MaxMs ?? null,
    probeP99: r?.probe?.latency?.p99 ?? null,
    probeLower: r?.probe?.latency?.lowerBound.includes('p99') ?? false,
    awaits: r?.awaitChain?.n ?? null,
    state: r ? 'recorded' : 'not recorded yet',
  }
}

/**
 * uPlot's columns: one x column, the union of every line's times, and per line its delays, null
 * where it has no sample (a gap), undefined where another line has a point and this one none.
 */
export function loopColumns(lines: readonly { points: readonly LivePoint[] }[]): (number | null | undefined)[][] {
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.t)))].sort((a, b) => a - b)
  const columns = lines.map((l) => {
    const at = new Map(l.points.map((p) => [p.t, p.loopDelay]))
    // undefined: not this line's point, joined over; null: no sample there, a gap.
    return xs.map((x) => (at.has(x) ? at.get(x)! : undefined))
  })
  return [xs, ...columns]
}
