// Figures that cannot mislead: a percentile never above the exact maximum; a scenario's target
// checked and printed only under a run of the step it is set for; the load curve's legs on a warmed
// server, long enough for a p99, and a leg with too few latencies showing its p99 as the maximum.
// Made-up timings and results only: nothing here starts a server.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Recorder } from '../../bench/load/metrics.ts'
import { noMetrics } from '../../bench/report/run-result.ts'
import {
  BENCH_SWEEP,
  type BenchSweep,
  P99_MIN_SAMPLES,
  p99IsMax,
  type SweepPoint,
  sweepMarkdown,
  sweepTable,
} from '../../bench/report/sweep-result.ts'
import { targetLine, targetLines } from '../../bench/report/targets.ts'
import { legDurationS, runSweep, SWEEP_WARM_UP_REQUESTS } from '../../bench/sweep.ts'
import type { RunInput } from '../../bench/options.ts'
import type { BenchResult, LatencySummary } from '../../bench/types.ts'

describe('percentiles', () => {
  test('a p99 is clamped to the exact maximum (the histogram reads a percentile as the top of its bucket)', () => {
    // 100 answers of 1024.1 ms: the bucket of 1024.1 ms reaches 1024.127 ms at four digits.
    const r = new Recorder()
    r.start(0)
    for (let i = 0; i < 100; i++) r.record(i, 2000, 1024.1, 200)
    const l = r.metrics([]).latency!
    assert.equal(l.max, 1024.1)
    for (const p of [l.p50, l.p90, l.p99]) assert.ok(p <= l.max, `p ${p} above max ${l.max}`)
    assert.equal(l.p99, 1024.1)
  })

  test('with requests still unanswered the clamp does not make an exact figure a lower bound', () => {
    const r = new Recorder()
    r.start(0)
    for (let i = 0; i < 200; i++) r.record(i, 2000, 1024.1, 200)
    // One request still waiting (1 ms so far) among 201: it could raise only the largest figures;
    // the p50 is exact, and no clamp may turn it into a lower bound.
    const l = r.metrics([{ waitedMs: 1, inServiceMs: 1 }]).latency!
    assert.ok(l.p50 <= l.max && l.p99 <= l.max)
    assert.ok(!l.lowerBound.includes('p50'), `p50 is exact: ${l.lowerBound}`)
  })
})

/** A made-up drill result of `step`, meeting step 3's target. */
function drill(step: string): BenchResult {
  const latency: LatencySummary = { min: 1000, p50: 1001, p90: 1002, p99: 1003, max: 1004, mean: 1001, lowerBound: [] }
  return {
    scenario: 'drill',
    step: { id: step, title: `step ${step}` },
    asked: 150,
    done: 150,
    metrics: { ...noMetrics(), throughput: 146, latency, spanMs: 1030 },
  } as unknown as BenchResult
}

describe('targets', () => {
  test("a run of step 1 says nothing about step 3's target", () => {
    assert.deepEqual(targetLine(drill('1')), [])
    assert.deepEqual(targetLines([drill('1')]), [])
  })

  test("a run of step 3 is checked against it, and says it is step 3's", () => {
    const [line] = targetLine(drill('3'))
    assert.match(line ?? '', /^step 3's target: .* → met/)
    assert.equal(targetLines([drill('1'), drill('3')]).length, 1)
  })
})

describe('load curve: legs that can carry a p99', () => {
  test('a leg runs long enough at its rate for the latencies asked, within its bounds', () => {
    assert.equal(legDurationS(12.5, 200, 3, 20), 16)
    assert.equal(legDurationS(100, 200, 3, 20), 3)
    assert.equal(legDurationS(5, 200, 3, 20), 20)
    assert.equal(legDurationS(0, 200, 3, 20), 3)
  })

  test('each leg asks for a warmed server, and a slow leg for a longer run with as much cap past it', async () => {
    const calls: RunInput[] = []
    const run = async (input: RunInput) => {
      calls.push(input)
      return {
        scenario: input.scenario,
        step: { id: input.step, title: '' },
        options: { open: { ratePerSec: input.rate }, durationS: input.durationS },
        partial: false,
        endedBy: 'duration',
        summary: '',
        cpu: null,
        metrics: { ...noMetrics(), completed: 1, unanswered: 0 },
      } as unknown as BenchResult
    }
    await runSweep(
      {
        step: '3',
        scenario: 'paced',
        rates: [10, 200],
        overrides: { durationS: 3, capS: 6, path: '/0' },
        warmUpRequests: SWEEP_WARM_UP_REQUESTS,
        minSamples: 200,
        maxLegS: 30,
      },
      {},
      run,
    )
    assert.deepEqual(
      calls.map((c) => [c.rate, c.durationS, c.capS, c.warmUpRequests]),
      [
        [10, 20, 23, SWEEP_WARM_UP_REQUESTS],
        [200, 3, 6, SWEEP_WARM_UP_REQUESTS],
      ],
    )
  })

  test('a point with fewer than 100 latencies shows its p99 as the maximum, and the notes say why', () => {
    const latency: LatencySummary = { min: 20, p50: 21, p90: 30, p99: 84.6, max: 84.6, mean: 22, lowerBound: [] }
    const point = (samples: number | undefined): SweepPoint => ({
      offered: 12.5,
      load: 0.25,
      durationS: 3,
      throughput: 12.5,
      served: 12.5,
      latency,
      errors: 0,
      timeouts: 0,
      rejected: 0,
      otherNon2xx: 0,
      unanswered: 0,
      late: 0,
      heldAtBound: 0,
      endedBy: 'duration',
      lowerBound: false,
      summary: '',
      ...(samples === undefined ? {} : { samples }),
    })
    assert.equal(p99IsMax(point(P99_MIN_SAMPLES - 1)), true)
    assert.equal(p99IsMax(point(P99_MIN_SAMPLES)), false)
    assert.equal(p99IsMax(point(undefined)), false, 'an older file that did not keep the count: unchanged')
    assert.match(sweepTable([point(37)]), /84\.60 \(max\)/)
    assert.doesNotMatch(sweepTable([point(250)]), /\(max\)/)
    const doc = {
      schema: BENCH_SWEEP,
      recordedAt: '2026-12-08T00:00:00.000Z',
      command: 'npm run bench:sweep -- --record',
      machine: { cpuModel: 'x', cores: 2, totalMemoryBytes: null, node: 'v26', os: 'linux', loadAverage1m: null },
      workload: 'cpu',
      path: '/cpu/1',
      cpu: null,
      coreRate: null,
      cores: 2,
      warmUpRequests: SWEEP_WARM_UP_REQUESTS,
      curves: [{ step: '3', title: 'event loop', points: [point(37)], stoppedBy: null }],
    } satisfies BenchSweep
    const md = sweepMarkdown(doc)
    assert.match(md, /answered 20 untimed requests/)
    assert.match(md, /fewer than 100 latencies/)
  })
})
