// What a run reports, from made-up observations (bench/run-result.ts): the result of a finished, a
// capped, an aborted and a never-started run; the cap racing the natural end; cpu-mix's path and
// `n` known only after calibration; the closed-loop limit; the server's summary and the progress
// reports built from `/__stats`.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { resolveRunOptions } from '../bench/options.ts'
import type { MachineInfo } from '../bench/recording.ts'
import {
  buildResult,
  type LoadOutcome,
  noMetrics,
  progressSnapshot,
  type RunFacts,
  serverSummary,
  workerShares,
  settledEnd,
  timelinePoint,
} from '../bench/run-result.ts'
import type { Metrics } from '../bench/types.ts'

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
    latency: { min: 1000, p50: 1005, p90: 1008, p99: 1010, max: 1012, mean: 1005 },
    statusCodes: { 200: completed },
    ...extra,
  }
}

function outcome(endedBy: LoadOutcome['endedBy'], main: Metrics, elapsedMs = 1020): LoadOutcome {
  return { endedBy, elapsedMs, main, probe: null, autocannon: null, cpuMs: 300, probeStats: null, hold: null }
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
    assert.deepEqual(r.generator, { warmupMs: 80, setupMs: 10.5, cpuMs: 300, probe: null })
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
    const poller = { first: null, latest: stats, peakRss: 95e6, recentLoopDelayP99Max: 12, polls: 40, missed: 2 }
    assert.deepEqual(serverSummary(poller, 850), {
      peakRssBytes: 95e6,
      eventLoopDelayP99Ms: 4.5,
      recentLoopDelayP99MaxMs: 12,
      eventLoopUtilization: 0.2,
      threadsSpawned: 150,
      cpuCap: null,
      cpuMs: 850,
      polls: 40,
      missedPolls: 2,
      final: stats,
      workers: null,
    })
    assert.equal(serverSummary({ ...poller, latest: null }, null), null, 'a server that never answered')
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
