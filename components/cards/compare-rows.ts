// BenchCompare's rows: one per step, throughput and p99 on bars, done/asked, peak RSS, and the
// server's threads and context switches when asked, from a finished result or a leg still running.

import { count, DASH, doneOfAsked } from '../../bench/format.ts'
import type { LegView } from '../../bench/live/messages.ts'
import type { BenchResult } from '../../bench/types.ts'
import { doneText, shownLatency, shownProgressP99 } from './figures.ts'
import { kindOf } from './kind.ts'
import { legStage } from './live-runs.ts'
import { stepName } from './step-colors.ts'

export interface CompareRow {
  step: string
  name: string
  state: 'done' | 'running' | 'waiting' | 'failed' | 'skipped' | 'missing'
  rate: number | null
  p99: number | null
  /** The p99 counts requests left unanswered: a lower bound. */
  p99Lower: boolean
  /** Cut by the cap or stopped: drawn hatched. */
  cut: boolean
  done: string
  /** Peak RSS of a result; the latest RSS while running. */
  rss: number | null
  /** `extra` columns, from a finished result only. */
  threads: string
  switches: string
  /** The server's counters are from its last answer, during the run (it answered none after). */
  stale: boolean
  note: string
}

/** A row with no figures: a step not recorded, waiting, starting or failed. */
export function blankRow(step: string, state: CompareRow['state'], note: string): CompareRow {
  const empty = { rate: null, p99: null, p99Lower: false, cut: false, done: '', rss: null }
  return { step, name: stepName(step), state, ...empty, threads: '', switches: '', stale: false, note }
}

export function rowOfResult(step: string, r: BenchResult): CompareRow {
  const latency = shownLatency(r)
  const switches = r.server?.contextSwitches
  const stale = r.server?.finalAnswered === false
  return {
    step,
    name: stepName(step),
    state: 'done',
    rate: r.metrics.throughput,
    p99: latency?.p99 ?? null,
    p99Lower: latency?.lowerBound.includes('p99') ?? false,
    cut: r.partial,
    done: doneText(r),
    rss: r.server?.peakRssBytes ?? null,
    threads: r.server?.peakThreads == null ? DASH : count(r.server.peakThreads),
    switches: switches ? `${count(switches.voluntary)} / ${count(switches.involuntary)}${stale ? '†' : ''}` : DASH,
    stale,
    note: '',
  }
}

export function rowOfLeg(leg: LegView, scenario: string): CompareRow {
  const s = legStage(leg)
  switch (s.stage) {
    case 'done':
      return rowOfResult(leg.step, s.result)
    case 'running': {
      // So far: completions over the time the load has run (the final figure uses the bench's own span).
      const p = s.progress
      const { p99, lowerBound } = shownProgressP99(p, scenario)
      return {
        ...blankRow(leg.step, 'running', s.note),
        rate: p.completed / (p.elapsedMs / 1000),
        p99,
        p99Lower: lowerBound,
        done: doneOfAsked(p.completed, p.asked),
        rss: p.server?.rssBytes ?? null,
      }
    }
    case 'starting':
      return blankRow(leg.step, 'running', s.note)
    default:
      return blankRow(leg.step, s.stage, s.note)
  }
}

/**
 * The bars' scale: the largest of what is shown, the recorded values of the same steps, and the
 * closed-loop limit (connections × 1000 / ms for `/<ms>` loads) or the open loop's offered rate, so
 * that during a live comparison the first step's bar is not "full" only because nothing else has
 * run yet.
 */
export function compareScale(
  rows: readonly CompareRow[],
  results: readonly BenchResult[],
): { rate: number; p99: number } {
  const rate = results.map((r) =>
    Math.max(r.metrics.throughput ?? 0, r.limit?.throughput ?? 0, kindOf(r.scenario, r).offered ?? 0),
  )
  const p99 = results.map((r) => shownLatency(r)?.p99 ?? 0)
  return {
    rate: Math.max(1e-9, ...rate, ...rows.map((r) => r.rate ?? 0)),
    p99: Math.max(1e-9, ...p99, ...rows.map((r) => r.p99 ?? 0)),
  }
}
