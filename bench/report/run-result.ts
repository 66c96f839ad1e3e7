// What a run reports, worked out from what it saw: the progress snapshots while it runs, the
// server's summary from its `/__stats` polls, and the `BenchResult` at the end. Pure functions of
// plain values, so they are tested on made-up inputs (test/unit/bench-result.test.ts) like the
// arithmetic of metrics.ts; run.ts gathers the values and calls them.

import { isOpenLoop, kindOf, sizesCpuTask } from '../kinds/kind.ts'
import type { MachineInfo } from '../recording.ts'
import { summaryLine } from './run-text.ts'
import { throughputLimit } from '../options.ts'
import { numberField, objectField, type StatsBody } from '../server/server-stats.ts'
import type { StepEntry } from '../steps.ts'
import type {
  AutocannonSummary,
  AwaitChainSizing,
  BenchProgress,
  ContextSwitches,
  BenchResult,
  CpuCalibration,
  EndedBy,
  LatencyField,
  HoldReport,
  Metrics,
  OpenLoopStats,
  ResolvedRunOptions,
  ServerSummary,
  TimelinePoint,
  WorkerShare,
} from '../types.ts'

/** What the load phase ended with: the generator's own last word, or its last progress report. */
export interface LoadOutcome {
  endedBy: EndedBy
  elapsedMs: number
  main: Metrics
  probe: Metrics | null
  autocannon: AutocannonSummary | null
  /** CPU time the generator used during the load; null when it was killed before telling. */
  cpuMs: number | null
  /** An open-loop run: how the sender kept its schedule (null when it was killed before telling). */
  open: OpenLoopStats | null
  /** cpu-mix: the same for its probe. */
  probeStats: OpenLoopStats | null
  /** busy-worker: the worker the generator kept busy. */
  hold: HoldReport | null
}

/** What the `/__stats` polls saw (server-stats.ts's `StatsPoller` is one). */
export interface PollerView {
  /** The first poll that answered (before the load), the baseline of counters that only grow. */
  first: StatsBody | null
  latest: StatsBody | null
  peakRss: number | null
  peakThreads: number | null
  recentLoopDelayP99Max: number | null
  polls: number
  missed: number
}

/** Everything a finished (or aborted) run hands to `buildResult`. */
export interface RunFacts {
  options: ResolvedRunOptions
  step: Pick<StepEntry, 'id' | 'title'> | null
  startedAt: string
  machine: MachineInfo
  /** The origin the load went to ('' if the run was aborted before it had one). */
  origin: string
  /** Null when the run was aborted before the load started. */
  outcome: LoadOutcome | null
  /** cpu-mix: the task size the generator calibrated (or was given). */
  cpu: CpuCalibration | null
  /** await-trap, await-yield: the chain the generator sized (or was given). */
  awaitChain: AwaitChainSizing | null
  /**
   * From the generator's `started` message: the path it loaded, its own set-up costs, and an open
   * loop's rate as used (optional: a closed loop has none).
   */
  started: { path: string; warmupMs: number; setupMs: number; ratePerSec?: number | null } | null
  server: ServerSummary | null
  timeline: TimelinePoint[]
  pids: BenchResult['pids']
}

/** The metrics of a load that answered nothing. */
export function noMetrics(): Metrics {
  return {
    completed: 0,
    spanMs: null,
    throughput: null,
    steadyThroughput: null,
    latency: null,
    serviceTime: null,
    unanswered: 0,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCodes: {},
  }
}

/** The server's latest view of itself, as progress reports carry it (the last one-second window). */
export function serverView(stats: StatsBody | null): BenchProgress['server'] {
  const rss = numberField(stats, 'rss')
  if (stats === null || rss === null) return null
  return {
    rssBytes: rss,
    loopDelayP99Ms: numberField(objectField(stats, 'recent'), 'eventLoopDelayP99Ms') ?? 0,
    connections: numberField(stats, 'connections') ?? 0,
    inFlight: numberField(stats, 'inFlight') ?? 0,
  }
}

/** A progress report: the phase, and the figures of the load's last report so far (if any). */
export function progressSnapshot(
  phase: BenchProgress['phase'],
  context: { elapsedMs: number; asked: number | null; stats: StatsBody | null },
  last: Pick<LoadOutcome, 'main' | 'probe'> | null = null,
  ratePerSec = 0,
): BenchProgress {
  const { main, probe } = last ?? { main: null, probe: null }
  return {
    phase,
    elapsedMs: context.elapsedMs,
    completed: main?.completed ?? 0,
    asked: context.asked,
    ratePerSec,
    p50Ms: main?.latency?.p50 ?? null,
    p99Ms: main?.latency?.p99 ?? null,
    lowerBound: progressBounds(main),
    unanswered: main?.unanswered ?? 0,
    errors: main?.errors ?? 0,
    timeouts: main?.timeouts ?? 0,
    non2xx: main?.non2xx ?? 0,
    probe: probe
      ? {
          completed: probe.completed,
          p50Ms: probe.latency?.p50 ?? null,
          p99Ms: probe.latency?.p99 ?? null,
          lowerBound: progressBounds(probe),
        }
      : null,
    server: serverView(context.stats),
  }
}

/** Which of the figures a progress report carries (p50, p99) are lower bounds. */
function progressBounds(m: Metrics | null): LatencyField[] {
  return (m?.latency?.lowerBound ?? []).filter((f) => f === 'p50' || f === 'p99')
}

/** One point of the result's timeline, from one progress report and the latest `/__stats`. */
export function timelinePoint(
  report: { elapsedMs: number; ratePerSec: number; main: Metrics },
  stats: StatsBody | null,
): TimelinePoint {
  const server = serverView(stats)
  return {
    t: report.elapsedMs,
    completed: report.main.completed,
    ratePerSec: report.ratePerSec,
    p99Ms: report.main.latency?.p99 ?? null,
    rssBytes: server?.rssBytes ?? null,
    loopDelayP99Ms: server?.loopDelayP99Ms ?? null,
  }
}

/**
 * The server's figures over the run, from its polls; null if it never answered one. `finalAnswered`:
 * the poll after the load answered (else `final` is the last answer, during the run).
 */
export function serverSummary(poller: PollerView, cpuMs: number | null, finalAnswered: boolean): ServerSummary | null {
  const final = poller.latest
  if (final === null) return null
  return {
    peakRssBytes: poller.peakRss,
    idleRssBytes: numberField(poller.first, 'rss'),
    peakThreads: poller.peakThreads,
    eventLoopDelayP99Ms: numberField(final, 'eventLoopDelayP99Ms'),
    recentLoopDelayP99MaxMs: poller.recentLoopDelayP99Max,
    eventLoopUtilization: numberField(final, 'eventLoopUtilization'),
    threadsSpawned: numberField(final, 'threadsSpawned'),
    cpuLimit: numberField(final, 'cpuLimit'),
    contextSwitches: contextSwitchesDuring(poller.first, final),
    cpuMs,
    polls: poller.polls,
    missedPolls: poller.missed,
    finalAnswered,
    final,
    workers: workerShares(poller.first, final),
  }
}

/**
 * The server's context switches (all its threads, Linux: examples/shared/stats.ts) from the first
 * poll, on the idle server before the load, to the last one that answered, normally after it: what
 * the run cost, not the totals since the server started. Null when the server does not report
 * them, or answered once.
 */
export function contextSwitchesDuring(first: StatsBody | null, last: StatsBody | null): ContextSwitches | null {
  if (first === null || last === null || first === last) return null
  const change = (key: string) => {
    const before = numberField(first, key)
    const after = numberField(last, key)
    return before === null || after === null ? null : after - before
  }
  const voluntary = change('voluntaryContextSwitches')
  const involuntary = change('involuntaryContextSwitches')
  return voluntary === null || involuntary === null ? null : { voluntary, involuntary, overMs: change('uptimeMs') }
}

/**
 * Each worker's share of the run, for a server that lists its `workers` in `/__stats` (step 6):
 * `accepted` and `requests` in the last poll minus those in the first. Null for other servers.
 */
export function workerShares(first: StatsBody | null, last: StatsBody): WorkerShare[] | null {
  const rows = (body: StatsBody | null) => {
    const list = body?.workers
    return Array.isArray(list) ? (list as StatsBody[]) : null
  }
  const after = rows(last)
  if (after === null) return null
  const before = rows(first)
  return after.map((row, i) => ({
    worker: numberField(row, 'worker') ?? i,
    accepted: (numberField(row, 'accepted') ?? 0) - (numberField(before?.[i] ?? null, 'accepted') ?? 0),
    requests: (numberField(row, 'requests') ?? 0) - (numberField(before?.[i] ?? null, 'requests') ?? 0),
  }))
}

/**
 * How the load really ended. The cap and the natural end can race (autocannon notices its end at
 * its next one-second sample): a run that got everything it asked for, or ran its full duration
 * with every request it sent answered, was not cut.
 */
export function settledEnd(outcome: LoadOutcome, options: Pick<ResolvedRunOptions, 'requests' | 'durationS'>): EndedBy {
  if (outcome.endedBy !== 'cap') return outcome.endedBy
  if (options.requests !== null && outcome.main.completed >= options.requests) return 'completed'
  const answered = outcome.main.unanswered === 0 && (outcome.probe?.unanswered ?? 0) === 0
  if (options.durationS !== null && outcome.elapsedMs >= options.durationS * 1000 && answered) return 'duration'
  return 'cap'
}

/** The result of a run, from what it saw. */
export function buildResult(facts: RunFacts): BenchResult {
  const { options, outcome } = facts
  const endedBy = outcome === null ? 'aborted' : settledEnd(outcome, options)
  const main = outcome?.main ?? noMetrics()
  const elapsedMs = outcome?.elapsedMs ?? 0
  const partial = endedBy === 'cap' || endedBy === 'aborted'
  // What ran: cpu-mix's path and `n` are known only once the generator has calibrated, and so is the
  // rate of an open loop given as a multiple of what the cores can do.
  const rate = facts.started?.ratePerSec ?? null
  const kind = kindOf(options)
  const resolved: ResolvedRunOptions = {
    ...options,
    path: facts.started?.path ?? options.path,
    cpuMix: sizesCpuTask(kind) && facts.cpu ? { ...options.cpuMix!, n: facts.cpu.n } : options.cpuMix,
    open: isOpenLoop(kind) && rate !== null ? { ...options.open!, ratePerSec: rate } : options.open,
    awaitChain:
      kind === 'await-chain' && facts.awaitChain
        ? { ...options.awaitChain!, n: facts.awaitChain.n }
        : options.awaitChain,
  }
  return {
    startedAt: facts.startedAt,
    machine: facts.machine,
    step: facts.step ? { id: facts.step.id, title: facts.step.title } : null,
    url: facts.origin,
    scenario: options.scenario,
    options: resolved,
    endedBy,
    partial,
    done: main.completed,
    asked: options.requests,
    loadMs: elapsedMs,
    summary: summaryLine({ endedBy, elapsedMs, main }, resolved, partial),
    metrics: main,
    limit: limitOf(resolved, main),
    probe: outcome?.probe ?? null,
    cpu: facts.cpu,
    awaitChain: facts.awaitChain,
    hold: outcome?.hold ?? null,
    server: facts.server,
    autocannon: outcome?.autocannon ?? null,
    generator: facts.started && {
      warmupMs: facts.started.warmupMs,
      setupMs: facts.started.setupMs,
      cpuMs: outcome?.cpuMs ?? null,
      open: outcome?.open ?? null,
      probe: outcome?.probeStats ?? null,
    },
    timeline: facts.timeline,
    pids: facts.pids,
  }
}

/** The closed-loop limit of a `/<ms>` load, and how close the run came to it. */
function limitOf(options: ResolvedRunOptions, main: Metrics): BenchResult['limit'] {
  const limit = throughputLimit(options)
  if (limit === null) return null
  const ratio = (x: number | null) => (x === null ? null : Math.round((x / limit) * 1000) / 1000)
  return { throughput: limit, ratio: ratio(main.throughput), steadyRatio: ratio(main.steadyThroughput) }
}
