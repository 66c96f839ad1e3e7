// What a bench component shows: a result (recorded in bench/results/, or from a live run), or the
// figures so far of a run in progress, reduced to the same few numbers and chart points.
//
// The recorded results are every bench/results/*.json, found by Vite at build time
// (`import.meta.glob`, eager): the static build and the PDF carry them inside the bundle, with no
// request and nothing to fail, and a comparison recorded for a new scenario shows up without a
// line changed here. `npm run bench:record` rewrites those files; the deck picks them up on the
// next build.

import type { LegView, LivePoint, RunView } from '../../bench/live/protocol.ts'
import { clockTime, day } from '../../bench/format.ts'
import { isRecording } from '../../bench/recording.ts'
import { SCENARIOS } from '../../bench/scenarios.ts'
import {
  BENCH_COMPARISON,
  type BenchComparison,
  type BenchProgress,
  type BenchResult,
  type LatencySummary,
} from '../../bench/types.ts'
import type { BenchChannel } from './channel.ts'

const files = import.meta.glob<unknown>('../../bench/results/*.json', { eager: true, import: 'default' })

/** Every recorded comparison, by scenario, in the order of the bench's scenarios. */
const RECORDED = new Map<string, BenchComparison>(
  Object.values(files)
    .filter((file): file is BenchComparison => isRecording(file, BENCH_COMPARISON))
    .sort((a, b) => scenarioOrder(a.scenario) - scenarioOrder(b.scenario))
    .map((doc) => [doc.scenario, doc]),
)

function scenarioOrder(name: string): number {
  const i = SCENARIOS.findIndex((s) => s.name === name)
  return i === -1 ? SCENARIOS.length : i
}

/** The scenarios with recorded results, in the bench's order. */
export function recordedScenarios(): string[] {
  return [...RECORDED.keys()]
}

export function recorded(scenario: string): BenchComparison | null {
  return RECORDED.get(scenario) ?? null
}

/**
 * Where a card's recorded numbers come from: "recorded 2026-11-23 on 2 cores, Node v26.12.1 ·
 * npm run bench:record" (`withNode` false leaves the Node version out, for a narrow card).
 */
export function recordedCaption(scenario: string, withNode = true): string {
  const doc = recorded(scenario)
  if (doc === null) return 'not recorded: npm run bench:record'
  const { cores, node, loadAverage1m } = doc.machine
  const note = doc.note ? ` · ${doc.note} (load ${loadAverage1m ?? '?'})` : ''
  return `recorded ${day(doc.recordedAt)} on ${cores} cores${withNode ? `, Node ${node}` : ''} · ${doc.command}${note}`
}

export function recordedResult(scenario: string, step: string): BenchResult | null {
  return recorded(scenario)?.results.find((r) => r.step?.id === step) ?? null
}

// ---- figures ------------------------------------------------------------------------------

/**
 * The latency a card shows for a result: under cpu-mix the `/0` probe's (the I/O latency while the
 * cores are busy), else the load's. Its `lowerBound` says which figures count requests left
 * unanswered (format.ts writes those "≥ 10.0 s").
 */
export function shownLatency(r: BenchResult): LatencySummary | null {
  return r.options.cpuMix ? (r.probe?.latency ?? null) : r.metrics.latency
}

/** The same while a run is going: the running p99 shown, and whether it is a lower bound. */
export function shownProgressP99(p: BenchProgress, cpuMix: boolean): { p99: number | null; lowerBound: boolean } {
  const from = cpuMix ? p.probe : { p99Ms: p.p99Ms, lowerBound: p.lowerBound }
  return { p99: from?.p99Ms ?? null, lowerBound: from?.lowerBound.includes('p99') ?? false }
}

/** The offered rate of an open-loop scenario (requests a second), or null for a closed loop. */
export function offeredRate(scenario: string): number | null {
  return SCENARIOS.find((s) => s.name === scenario)?.open?.ratePerSec ?? null
}

/** The numbers a table shows, the same for a result and for a run in progress. */
export interface Figures {
  /** cpu-mix counts CPU tasks and has an I/O probe; the others count requests. */
  cpuMix: boolean
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
  /** cpu-mix: the `/0` probe's p99, the I/O latency while the cores are busy. */
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
  return {
    cpuMix: r.options.cpuMix !== null,
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
    offered: r.options.open?.ratePerSec ?? null,
    errors: r.metrics.errors,
    timeouts: r.metrics.timeouts,
    non2xx: r.metrics.non2xx,
    rss: r.server?.peakRssBytes ?? null,
    loopDelay: r.server?.eventLoopDelayP99Ms ?? null,
    summary: r.summary,
  }
}

export function figuresOfProgress(p: BenchProgress, scenario: string): Figures {
  return {
    cpuMix: scenario === 'cpu-mix',
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
    offered: offeredRate(scenario),
    errors: p.errors,
    timeouts: p.timeouts,
    non2xx: p.non2xx,
    rss: p.server?.rssBytes ?? null,
    loopDelay: p.server?.loopDelayP99Ms ?? null,
    summary: null,
  }
}

/** Chart points of a finished result (its timeline: no p50 or probe there). */
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

// ---- which live run a component shows -------------------------------------------------------

/** The leg of the live run that ran (or runs) `step` on `scenario`, newest first; null if none. */
export function liveLeg(channel: BenchChannel, scenario: string, step: string): { run: RunView; leg: LegView } | null {
  const runs = channel.current ? [channel.current, ...channel.finished] : channel.finished
  for (const run of runs) {
    if (run.scenario !== scenario || run.kind === 'sweep') continue // a sweep's legs are LoadCurve's
    const leg = run.legs.find((l) => l.step === step)
    if (leg === undefined) continue
    // A step still waiting its turn, or skipped by a stop, has nothing to show: look further back.
    if (leg.status === 'waiting' || leg.status === 'skipped') continue
    return { run, leg }
  }
  return null
}

/** "live · all steps run in 42 s · 14:03:07": how a finished live run ended, how long it took, when. */
export function finishedCaption(run: RunView, done: string): string {
  const took = run.finishedAt === null ? '' : ` in ${((run.finishedAt - run.startedAt) / 1000).toFixed(0)} s`
  return `live · ${run.status === 'done' ? done : (run.message ?? run.status)}${took} · ${clockTime(run.startedAt)}`
}

/** The badge in a card's heading: live (● while running) or recorded. */
export function badgeText(run: RunView | null): string {
  return run?.status === 'running' ? 'live ●' : run ? 'live' : 'recorded'
}

/** The live comparison of exactly these steps on `scenario`: in progress, else the last one. */
export function liveComparison(channel: BenchChannel, scenario: string, steps: readonly string[]): RunView | null {
  const same = (run: RunView) =>
    run.kind === 'compare' && run.scenario === scenario && run.steps.join(',') === steps.join(',')
  if (channel.current && same(channel.current)) return channel.current
  return channel.finished.find(same) ?? null
}
