// What a bench component shows: a result (recorded in bench/results/, or from a live run), or the
// figures so far of a run in progress, reduced to the same few numbers and chart points.
//
// The recorded results are imported as JSON, so the static build and the PDF carry them inside
// the bundle: no request, nothing to fail. `npm run bench:record` rewrites those files; the deck
// picks them up on the next build.

import type { LegView, LivePoint, RunView } from '../../bench/live/protocol.ts'
import type { BenchComparison } from '../../bench/report.ts'
import type { BenchProgress, BenchResult } from '../../bench/types.ts'
import burst512 from '../../bench/results/burst512.json' with { type: 'json' }
import cpuMix from '../../bench/results/cpu-mix.json' with { type: 'json' }
import drill from '../../bench/results/drill.json' with { type: 'json' }
import hello from '../../bench/results/hello.json' with { type: 'json' }
import type { BenchChannel } from './channel.ts'

const RECORDED: Record<string, BenchComparison> = {
  drill: drill as unknown as BenchComparison,
  burst512: burst512 as unknown as BenchComparison,
  hello: hello as unknown as BenchComparison,
  'cpu-mix': cpuMix as unknown as BenchComparison,
}

/** The scenarios with recorded results, in the order the summary shows them. */
export const RECORDED_SCENARIOS = ['drill', 'burst512', 'hello', 'cpu-mix'] as const

export function recorded(scenario: string): BenchComparison | null {
  return RECORDED[scenario] ?? null
}

export function recordedResult(scenario: string, step: string): BenchResult | null {
  return recorded(scenario)?.results.find((r) => r.step?.id === step) ?? null
}

// ---- steps: names and colours ----------------------------------------------------------------

const COLOURS: Record<string, string> = {
  '1': '#dc2626',
  '2': '#ea580c',
  '2-pool': '#a16207',
  '3': '#2563eb',
  '4': '#7c3aed',
  '5': '#16a34a',
  piscina: '#0d9488',
}

export function stepColour(step: string): string {
  return COLOURS[step] ?? '#6b7280'
}

/**
 * "3 event loop": the title comes from the result at hand, else from any recorded result of that
 * step (the registry, bench/steps.ts, is Node-only).
 */
export function stepName(step: string, result?: BenchResult | null): string {
  if (result?.step?.title) return `${step} ${result.step.title}`
  for (const doc of Object.values(RECORDED)) {
    const title = doc.results.find((r) => r.step?.id === step)?.step?.title
    if (title) return `${step} ${title}`
  }
  return `step ${step}`
}

// ---- figures ------------------------------------------------------------------------------

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
    if (run.scenario !== scenario) continue
    const leg = run.legs.find((l) => l.step === step)
    if (leg === undefined) continue
    // A step still waiting its turn, or skipped by a stop, has nothing to show: look further back.
    if (leg.status === 'waiting' || leg.status === 'skipped') continue
    return { run, leg }
  }
  return null
}

/** The live comparison of exactly these steps on `scenario`: in progress, else the last one. */
export function liveComparison(channel: BenchChannel, scenario: string, steps: readonly string[]): RunView | null {
  const same = (run: RunView) =>
    run.kind === 'compare' && run.scenario === scenario && run.steps.join(',') === steps.join(',')
  if (channel.current && same(channel.current)) return channel.current
  return channel.finished.find(same) ?? null
}
