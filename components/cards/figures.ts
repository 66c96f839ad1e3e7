// A run reduced to the few numbers a card shows, the same for a finished result (recorded in
// bench/results/, or from a live run) and for a run in progress, and how such a number reads on a
// slide: a figure that counts requests left unanswered is a lower bound and reads "≥ 10.0 s".
// Plain functions of their arguments, so test/unit/ checks them without a browser.

import type { LivePoint } from '../../bench/live/messages.ts'
import { AT_LEAST, DASH, doneOfAsked, duration } from '../../bench/format.ts'
import type { BenchProgress, BenchResult, LatencySummary } from '../../bench/types.ts'
import { kindOf } from './kind.ts'

/**
 * The latency a card shows for a result: with `/cpu` tasks and a probe, the probe's (the I/O
 * latency while the cores are busy), else the load's. Its `lowerBound` says which figures count
 * requests left unanswered.
 */
export function shownLatency(r: BenchResult): LatencySummary | null {
  return kindOf(r.scenario, r).probe ? (r.probe?.latency ?? null) : r.metrics.latency
}

/** The same while a run is going: the running p99 shown, and whether it is a lower bound. */
export function shownProgressP99(p: BenchProgress, scenario: string): { p99: number | null; lowerBound: boolean } {
  const from = kindOf(scenario).probe ? p.probe : { p99Ms: p.p99Ms, lowerBound: p.lowerBound }
  return { p99: from?.p99Ms ?? null, lowerBound: from?.lowerBound.includes('p99') ?? false }
}

/** A latency as a slide prints it: "412 ms", "≥ 10.0 s" for a lower bound, a dash for none. */
export function latencyText(value: number | null | undefined, lowerBound: boolean): string {
  const text = duration(value)
  return text !== DASH && lowerBound ? AT_LEAST + text : text
}

/** Why a result is partial, in a few words ("cap 10 s", "stopped"); null for a whole run. */
export function cutNote(r: BenchResult): string | null {
  if (!r.partial) return null
  return r.endedBy === 'aborted' ? 'stopped' : `cap ${r.options.capS} s`
}

/** "9/150", or "9/150 (cap 10 s)" for a run the cap cut. */
export function doneText(r: BenchResult): string {
  const done = doneOfAsked(r.done, r.asked)
  const cut = cutNote(r)
  return cut === null ? done : `${done} (${cut})`
}

/** The numbers a table shows, the same for a result and for a run in progress. */
export interface Figures {
  /** `/cpu` tasks (with the `/0` probe beside them): counts tasks; the others count requests. */
  cpuTasks: boolean
  done: number
  asked: number | null
  /** 'cap' or 'aborted' for a partial result, null otherwise (and while running). */
  cut: 'cap' | 'aborted' | null
  capS: number | null
  /** Completed per second: over the whole run for a result, over the last 200 ms while running. */
  rate: number | null
  p50: number | null
  p99: number | null
  max: number | null
  /** The `/0` probe's p99, the I/O latency while the cores are busy. */
  probeP99: number | null
  /** The figures above that are lower bounds (requests left unanswered, counted at their wait). */
  lowerBound: ('p50' | 'p99' | 'max' | 'probeP99')[]
  /** Requests sent (or due) and not answered: at the end of a result, or so far. */
  unanswered: number
  /** Open loop: the offered rate (requests a second); null for a closed loop. */
  offered: number | null
  errors: number
  timeouts: number
  non2xx: number
  /** Peak RSS for a result; the latest RSS while running. */
  rss: number | null
  /** Event-loop delay p99: over the server's life for a result; the last second while running. */
  loopDelay: number | null
  summary: string | null
}

export function figuresOfResult(r: BenchResult): Figures {
  const kind = kindOf(r.scenario, r)
  return {
    cpuTasks: kind.cpuTasks,
    done: r.done,
    asked: r.asked,
    cut: r.partial ? (r.endedBy === 'aborted' ? 'aborted' : 'cap') : null,
    capS: r.options.capS,
    rate: r.metrics.throughput,
    p50: r.metrics.latency?.p50 ?? null,
    p99: r.metrics.latency?.p99 ?? null,
    max: r.metrics.latency?.max ?? null,
    probeP99: r.probe?.latency?.p99 ?? null,
    lowerBound: [
      ...(['p50', 'p99', 'max'] as const).filter((f) => r.metrics.latency?.lowerBound.includes(f)),
      ...(r.probe?.latency?.lowerBound.includes('p99') ? (['probeP99'] as const) : []),
    ],
    unanswered: r.metrics.unanswered,
    offered: kind.offered,
    errors: r.metrics.errors,
    timeouts: r.metrics.timeouts,
    non2xx: r.metrics.non2xx,
    rss: r.server?.peakRssBytes ?? null,
    loopDelay: r.server?.eventLoopDelayP99Ms ?? null,
    summary: r.summary,
  }
}

export function figuresOfProgress(p: BenchProgress, scenario: string): Figures {
  const kind = kindOf(scenario)
  return {
    cpuTasks: kind.cpuTasks,
    done: p.completed,
    asked: p.asked,
    cut: null,
    capS: null,
    rate: p.phase === 'running' ? p.ratePerSec : null,
    p50: p.p50Ms,
    p99: p.p99Ms,
    max: null,
    probeP99: p.probe?.p99Ms ?? null,
    lowerBound: [
      ...p.lowerBound.filter((f) => f === 'p50' || f === 'p99'),
      ...(p.probe?.lowerBound.includes('p99') ? (['probeP99'] as const) : []),
    ],
    unanswered: p.unanswered,
    offered: kind.offered,
    errors: p.errors,
    timeouts: p.timeouts,
    non2xx: p.non2xx,
    rss: p.server?.rssBytes ?? null,
    loopDelay: p.server?.loopDelayP99Ms ?? null,
    summary: null,
  }
}

/** A figure of `f` as its cell prints it, "≥ " before a lower bound. */
export function figureText(f: Figures, field: 'p50' | 'p99' | 'max' | 'probeP99'): string {
  return latencyText(f[field], f.lowerBound.includes(field))
}

/** "9/150 (cap 10 s)", "9/150 (stopped)" or "9/150". */
export function figuresDone(f: Figures): string {
  const text = doneOfAsked(f.done, f.asked)
  return f.cut === 'cap' ? `${text} (cap ${f.capS} s)` : f.cut === 'aborted' ? `${text} (stopped)` : text
}

/**
 * Chart points of a finished result (its timeline: no p50 or probe there). A timeline point whose
 * `/__stats` poll got no answer (the loop was frozen) has no loop delay: null, drawn as a gap.
 */
export function pointsOfResult(r: BenchResult): LivePoint[] {
  return r.timeline.map((p) => ({
    t: p.t / 1000,
    rate: p.ratePerSec,
    completed: p.completed,
    p50: null,
    p99: p.p99Ms,
    probeP99: null,
    loopDelay: p.loopDelayP99Ms,
    rssBytes: p.rssBytes,
  }))
}

/**
 * How long the server's readings may stay unchanged before a chart stops believing them: eight of
 * the bench's `/__stats` polls (every 250 ms). A point carries the last answer forward, so a server
 * whose loop is frozen (it answers no poll) would otherwise draw its last idle reading, often 0,
 * across the very stretch where its loop is stuck. In the recorded runs whose server missed no poll,
 * the readings stay unchanged for at most about 1 s; the microtask trap's stay so for 6.4 s.
 */
export const STALE_AFTER_MS = 2000

/** A stretch of a line with no fresh reading, in seconds from the load's start. */
export interface Gap {
  from: number
  to: number
}

/**
 * The points with `loopDelay` null wherever the server's readings (loop delay and RSS, to the byte)
 * stayed unchanged for longer than STALE_AFTER_MS: no sample there, drawn as a gap, never as the
 * stale value. `missedPolls` (a finished result's count) of 0 says every poll was answered: no gap.
 * Returns the gaps too, for a label on the chart.
 */
export function withGaps(
  points: readonly LivePoint[],
  missedPolls: number | null = null,
): { points: LivePoint[]; gaps: Gap[] } {
  const out = points.map((p) => ({ ...p }))
  const gaps: Gap[] = []
  if (missedPolls === 0) return { points: out, gaps }
  let start = 0
  const same = (a: LivePoint, b: LivePoint) => a.loopDelay === b.loopDelay && a.rssBytes === b.rssBytes
  for (let i = 1; i <= out.length; i++) {
    if (i < out.length && same(out[i]!, out[start]!)) continue
    // out[start .. i-1] carry one reading; a next point with a new reading closes the stretch.
    const last = out[i - 1]!
    const end = i < out.length ? out[i]!.t : last.t
    if (out[start]!.loopDelay !== null && (end - out[start]!.t) * 1000 > STALE_AFTER_MS) {
      for (let j = start; j < i; j++) out[j]!.loopDelay = null
      gaps.push({ from: out[start]!.t, to: last.t })
    }
    start = i
  }
  return { points: out, gaps }
}
