// What a run reports, from made-up observations (bench/report/run-result.ts): the result of a finished, a
// capped, an aborted and a never-started run; the cap racing the natural end; cpu-mix's path and
// `n` known only after calibration; the closed-loop limit; the server's summary and the progress
// reports built from `/__stats`.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { resolveRunOptions } from '../../bench/options.ts'
import type { MachineInfo } from '../../bench/recording.ts'
import {
  buildResult,
  type LoadOutcome,
  noMetrics,
  progressSnapshot,
  type RunFacts,
  serverSummary,
  contextSwitchesDuring,
  workerShares,
  settledEnd,
  timelinePoint,
} from '../../bench/report/run-result.ts'
import { processStatus } from '../../bench/server/machine.ts'
import { StatsPoller } from '../../bench/server/server-stats.ts'
import type { Metrics } from '../../bench/types.ts'

const MACHINE: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  totalMemoryBytes: 2 ** 33,
  node: 'v26.0.0',
  os: 'linux 6.1 (x64)',
  loadAverage1m: 0.1,
}

function metrics(completed: number, throughput: number | null, extra: Partial<Metrics> = {}): Metrics {
  return {
    ...noMetrics(),
    completed,
    spanMs: throughput === null ? null : (completed * 1000) / throughput,
    throughput,
    latency: { min: 1000, p50: 1005, p90: 1008, p99: 1010, max: 1012, mean: 1005, lowerBound: [] },
    statusCodes: { 200: completed },
    ...extra,
  }
}

function outcome(endedBy: LoadOutcome['endedBy'], main: Metrics, elapsedMs = 1020): LoadOutcome {
  return {
    endedBy,
    elapsedMs,
    main,
    probe: null,
    autocannon: null,
    cpuMs: 300,
    open: null,
    probeStats: null,
    hold: null,
  }
}

function facts(overrides: Partial<RunFacts>): RunFacts {
  return {
    options: resolveRunOptions({ step: '3', scenario: 'drill' }),
    step: { id: '3', title: 'event loop' },
    startedAt: '2026-01-01T00:00:00.000Z',
    machine: MACHINE,
    origin: 'http://127.0.0.1:40000',
    outcome: null,
    cpu: null,
    awaitChain: null,
    started: { path: '/1000', warmupMs: 80, setupMs: 10.5 },
    server: null,
    timeline: [],
    pids: { server: 101, generator: 102 },
    ...overrides,
  }
}

describe('buildResult', () => {
  test('a completed drill: done of asked, the ratio to the closed-loop limit, the summary line', () => {
    const r = buildResult(facts({ outcome: outcome('completed', metrics(150, 147.5)) }))
    assert.deepEqual([r.endedBy, r.partial, r.done, r.asked], ['completed', false, 150, 150])
    assert.deepEqual(r.limit, { throughput: 150, ratio: 0.983, steadyRatio: null })
    assert.match(r.summary, /^150 of 150 done in 1\.02 s$/)
    assert.deepEqual(r.generator, { warmupMs: 80, setupMs: 10.5, cpuMs: 300, open: null, probe: null })
    assert.deepEqual(r.step, { id: '3', title: 'event loop' })
    assert.equal(r.url, 'http://127.0.0.1:40000')
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON')
  })

  test('a run the cap cut is partial and says so; nothing is extrapolated', () => {
    const r = buildResult(facts({ outcome: outcome('cap', metrics(9, 0.9), 10_004) }))
    assert.deepEqual([r.endedBy, r.partial, r.done, r.loadMs], ['cap', true, 9, 10_004])
    assert.match(r.summary, /^9 of 150 done in 10\.0 s \(cut by the 10 s cap\)$/)
  })

  test('a run aborted before its load started is an empty, partial result', () => {
    const r = buildResult(facts({ outcome: null, started: null, origin: '', pids: { server: null, generator: null } }))
    assert.deepEqual([r.endedBy, r.partial, r.done, r.metrics.completed], ['aborted', true, 0, 0])
    assert.equal(r.generator, null)
    assert.equal(r.limit?.ratio, null)
    assert.match(r.summary, /^0 of 150 done in 0\.00 s \(aborted\)$/)
  })

  test('cpu-mix: the path and n the generator calibrated are what the result says ran', () => {
    const options = resolveRunOptions({ step: '5', scenario: 'cpu-mix' })
    assert.equal(options.cpuMix?.n, null)
    const cpu = { n: 5_000_000, targetMs: 60, source: 'calibrated' as const, localMs: 59.5, serverMs: 61 }
    const r = buildResult(
      facts({
        options,
        cpu,
        started: { path: '/cpu/5000000', warmupMs: 50, setupMs: 1 },
        outcome: outcome('duration', metrics(100, 16.6), 6000),
      }),
    )
    assert.equal(r.options.path, '/cpu/5000000')
    assert.equal(r.options.cpuMix?.n, 5_000_000)
    assert.equal(r.limit, null, 'no closed-loop limit for /cpu')
    assert.equal(r.asked, null)
    assert.match(r.summary, /^100 CPU tasks done in /)
  })

  test('await-trap: the chain the generator sized is what the result says ran, with the probe', () => {
    const options = resolveRunOptions({ step: '3', scenario: 'await-yield' })
    assert.deepEqual([options.path, options.awaitChain?.n, options.connections], ['/await-yield/<n>', null, 2])
    const awaitChain = { n: 6_000_000, targetMs: 300, source: 'sized' as const, msPerMillion: 50, serverMs: 380 }
    const r = buildResult(
      facts({
        options,
        awaitChain,
        started: { path: '/await-yield/6000000', warmupMs: 50, setupMs: 1 },
        outcome: { ...outcome('duration', metrics(30, 10), 6000), probe: metrics(590, 98) },
      }),
    )
    assert.equal(r.options.path, '/await-yield/6000000')
    assert.equal(r.options.awaitChain?.n, 6_000_000)
    assert.deepEqual(r.awaitChain, awaitChain)
    assert.equal(r.probe?.completed, 590)
    assert.equal(r.limit, null, 'no closed-loop limit for a chain of awaits')
    assert.match(r.summary, /^30 chains done in a 6 s run$/, 'a duration-bounded run says how long it ran')
  })
})

describe('resolveRunOptions: the await scenarios', () => {
  test('--await-n sets the chain and its path; --path, --cpu-n and --await-n elsewhere are refused', () => {
    const given = resolveRunOptions({ step: '3', scenario: 'await-trap', awaitN: 2_000_000 })
    assert.deepEqual([given.path, given.awaitChain?.n, given.awaitChain?.targetMs], ['/await/2000000', 2_000_000, 300])
    assert.equal(given.cpuMix, null)
    assert.throws(() => resolveRunOptions({ scenario: 'await-trap', path: '/0' }), /--path does not apply/)
    assert.throws(() => resolveRunOptions({ scenario: 'await-trap', cpuN: 5 }), /--cpu-n applies to the cpu-mix/)
    assert.throws(() => resolveRunOptions({ scenario: 'drill', awaitN: 5 }), /--await-n applies to the await-trap/)
    assert.throws(() => resolveRunOptions({ scenario: 'await-trap', awaitN: 100_000_001 }), /--await-n must be between/)
  })
})

describe('settledEnd: the cap racing the natural end', () => {
  const counted = { requests: 150, durationS: null }
  const timed = { requests: null, durationS: 5 }
  test('a capped run that got every answer it asked for, or ran its whole duration, was not cut', () => {
    assert.equal(settledEnd(outcome('cap', metrics(150, 147)), counted), 'completed')
    assert.equal(settledEnd(outcome('cap', metrics(149, 147)), counted), 'cap')
    assert.equal(settledEnd(outcome('cap', metrics(500, 100), 5000), timed), 'duration')
    assert.equal(settledEnd(outcome('cap', metrics(500, 100), 4999), timed), 'cap')
  })
  test('other ends stand as they are', () => {
    assert.equal(settledEnd(outcome('aborted', metrics(150, 147)), counted), 'aborted')
    assert.equal(settledEnd(outcome('completed', metrics(150, 147)), counted), 'completed')
  })
})

describe('the server as the polls saw it', () => {
  const stats = {
    rss: 80e6,
    eventLoopDelayP99Ms: 4.5,
    eventLoopUtilization: 0.2,
    threadsSpawned: 150,
    connections: 150,
    inFlight: 140,
    recent: { eventLoopDelayP99Ms: 7.25 },
  }

  test("serverSummary: peak and worst window from the polls, the step's own counters when it has them", () => {
    const poller = {
      first: null,
      latest: stats,
      peakRss: 95e6,
      peakThreads: 11,
      recentLoopDelayP99Max: 12,
      polls: 40,
      missed: 2,
    }
    assert.deepEqual(serverSummary(poller, 850, true), {
      peakRssBytes: 95e6,
      idleRssBytes: null,
      peakThreads: 11,
      eventLoopDelayP99Ms: 4.5,
      recentLoopDelayP99MaxMs: 12,
      eventLoopUtilization: 0.2,
      threadsSpawned: 150,
      cpuLimit: null,
      contextSwitches: null,
      cpuMs: 850,
      polls: 40,
      missedPolls: 2,
      finalAnswered: true,
      final: stats,
      workers: null,
    })
    assert.equal(serverSummary({ ...poller, latest: null }, null, false), null, 'a server that never answered')
  })

  test("serverSummary: step 5's cpuLimit, and the context switches of the run, not since the server started", () => {
    const idle = { ...stats, uptimeMs: 400, voluntaryContextSwitches: 1000, involuntaryContextSwitches: 40 }
    const after = {
      ...stats,
      uptimeMs: 6900,
      cpuLimit: 2,
      voluntaryContextSwitches: 5500,
      involuntaryContextSwitches: 95,
    }
    const poller = {
      first: idle,
      latest: after,
      peakRss: 95e6,
      peakThreads: 9,
      recentLoopDelayP99Max: 12,
      polls: 40,
      missed: 0,
    }
    const s = serverSummary(poller, 850, true)!
    assert.equal(s.cpuLimit, 2)
    assert.equal(s.idleRssBytes, 80e6, "the idle server's rss, before the load")
    assert.deepEqual(s.contextSwitches, { voluntary: 4500, involuntary: 55, overMs: 6500 })
    assert.equal(contextSwitchesDuring(idle, idle), null, 'one poll is no interval')
    assert.equal(contextSwitchesDuring(stats, after), null, 'absent where not measured (not Linux), not 0')
    assert.equal(contextSwitchesDuring(null, after), null)
  })

  test("workerShares: each worker's connections and requests during the run (last poll minus first)", () => {
    const row = (worker: number, accepted: number, requests: number) => ({ worker, accepted, requests, inFlight: 0 })
    const first = { workers: [row(0, 1, 0), row(1, 2, 5)] }
    const last = { workers: [row(0, 301, 290), row(1, 52, 55)] }
    assert.deepEqual(workerShares(first, last), [
      { worker: 0, accepted: 300, requests: 290 },
      { worker: 1, accepted: 50, requests: 50 },
    ])
    assert.deepEqual(workerShares(null, last)?.[1], { worker: 1, accepted: 52, requests: 55 }, 'no idle poll: totals')
    assert.equal(workerShares(first, stats), null, 'a server without workers')
  })

  test('progress reports and timeline points carry the last one-second window', () => {
    const last = { main: metrics(40, null), probe: null }
    const p = progressSnapshot('running', { elapsedMs: 400, asked: 150, stats }, last, 100)
    assert.deepEqual(
      [p.phase, p.elapsedMs, p.completed, p.asked, p.ratePerSec, p.p50Ms, p.p99Ms],
      ['running', 400, 40, 150, 100, 1005, 1010],
    )
    assert.deepEqual(p.server, { rssBytes: 80e6, loopDelayP99Ms: 7.25, connections: 150, inFlight: 140 })
    const idle = progressSnapshot('starting', { elapsedMs: 0, asked: 150, stats: null })
    assert.deepEqual([idle.completed, idle.p99Ms, idle.server, idle.probe], [0, null, null, null])
    assert.deepEqual(timelinePoint({ elapsedMs: 400, ratePerSec: 100, main: last.main }, stats), {
      t: 400,
      completed: 40,
      ratePerSec: 100,
      p99Ms: 1010,
      rssBytes: 80e6,
      loopDelayP99Ms: 7.25,
    })
  })
})

describe('StatsPoller: a server too busy to answer still has its memory measured', () => {
  test('the RSS read from outside (/proc) counts in the peak, answer or not; missed polls are counted', async () => {
    // A port nobody listens on: every poll fails, as a server frozen behind its accept queue does.
    const poller = new StatsPoller('http://127.0.0.1:9', 20, 200)
    poller.fromOutside = () => ({ rssBytes: 3.3e9, threads: 593 })
    poller.start()
    // Until a poll has failed: each takes a moment, which on a busy machine may be long.
    const deadline = performance.now() + 20_000
    while ((poller.missed < 1 || poller.peakRss === null) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await poller.stop()
    assert.deepEqual([poller.peakRss, poller.peakThreads], [3.3e9, 593])
    assert.equal(poller.latest, null)
    assert.ok(poller.missed >= 1, `${poller.missed} polls missed`)
    const own = processStatus(process.pid)
    if (process.platform === 'linux') assert.ok(own!.rssBytes > 1e6 && own!.threads >= 1, JSON.stringify(own))
    else assert.equal(own, null)
  })
})
