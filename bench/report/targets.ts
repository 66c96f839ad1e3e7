// The targets the scenarios set (scenarios.ts), checked against a result. A target names the step
// it is set for; a run of any other step (or of a `--url`) is not held to it, and nothing is
// printed about it: "step 3's target … → missed" under a run of step 1 would be a false verdict.

import { count, isLowerBound, latencyMs, ms, perSecond } from '../format.ts'
import { stepLabel } from '../kinds/parts.ts'
import { findScenario, type Target } from '../scenarios.ts'
import type { BenchResult } from '../types.ts'

export interface TargetCheck {
  text: string
  met: boolean
  /** What was measured against the target. */
  measured: string
}

/** The target this result's scenario sets for step 3, checked against it; null if it sets none. */
export function checkTarget(r: BenchResult): TargetCheck | null {
  const target: Target | undefined = findScenario(r.scenario)?.target
  if (!target) return null
  const m = r.metrics
  const parts: string[] = []
  let met = true
  if (target.minThroughput !== undefined) {
    met &&= m.throughput !== null && m.throughput >= target.minThroughput
    parts.push(`${perSecond(m.throughput)} req/s`)
  }
  if (target.maxP99Ms !== undefined) {
    // A lower bound below the target proves nothing: the run did not wait long enough to know.
    met &&= m.latency !== null && !isLowerBound(m.latency, 'p99') && m.latency.p99 <= target.maxP99Ms
    parts.push(`p99 ${latencyMs(m.latency, 'p99')} ms`)
  }
  if (target.maxSpanMs !== undefined) {
    met &&= r.asked !== null && r.done === r.asked && m.spanMs !== null && m.spanMs <= target.maxSpanMs
    parts.push(
      `${count(r.done)} of ${r.asked === null ? '?' : count(r.asked)} done, last ${ms(m.spanMs)} ms after ` +
        `the first send`,
    )
  }
  if (target.minSteadyThroughput !== undefined) {
    met &&= m.steadyThroughput !== null && m.steadyThroughput >= target.minSteadyThroughput
    parts.push(`steady ${perSecond(m.steadyThroughput)} req/s`)
  }
  return { text: target.text, met, measured: parts.join(', ') }
}

/** The target check for the step it is stated for (step 3), in a comparison. */
/** The target of `r`'s scenario when `r` is a run of the step the target is for; null otherwise. */
export function targetOf(r: Pick<BenchResult, 'scenario' | 'step'>): Target | null {
  const target = findScenario(r.scenario)?.target
  return target !== undefined && r.step?.id === target.step ? target : null
}

/** The target checks of the runs of the step each target is for, in a comparison. */
export function targetLines(results: BenchResult[]): string[] {
  return results
    .filter((r) => targetOf(r) !== null)
    .flatMap((r) => {
      const t = checkTarget(r)
      return t ? [`step ${stepLabel(r)}: ${t.met ? 'met' : 'missed'} — ${t.measured}`] : []
    })
}

/** The line the CLI prints under one run about its scenario's target: none unless the run is of its step. */
export function targetLine(r: BenchResult): string[] {
  const target = targetOf(r)
  const t = target === null ? null : checkTarget(r)
  return target && t ? [`step ${target.step}'s target: ${t.text} → ${t.met ? 'met' : 'missed'} (${t.measured})`] : []
}
