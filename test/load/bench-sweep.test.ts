// The load curve (bench/sweep.ts, bench/report/sweep-result.ts): the loads a sweep offers, its legs one
// after another with the task sized once, where it stops (a lower bound, the rate cap, an abort, a
// failure), the point each leg makes, the recorded file's Markdown; and one short sweep of step 3
// for real, past its one core, where the last leg must come back as a lower bound.

import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { describe, test } from 'node:test'
import { noMetrics } from '../../bench/report/run-result.ts'
import { runningServers } from '../../bench/server/server-process.ts'
import { legCount, liveSweepLoads, runSweep, sweepLoads } from '../../bench/sweep.ts'
import {
  BENCH_SWEEP,
  type BenchSweep,
  coreRateOf,
  sweepMarkdown,
  sweepPoint,
  workloadOf,
} from '../../bench/report/sweep-result.ts'
import type { RunInput } from '../../bench/options.ts'
import type { BenchResult, CpuCalibration, LatencySummary, RunHooks } from '../../bench/types.ts'

const CPU: CpuCalibration = { n: 9999, targetMs: 20, source: 'calibrated', localMs: 20, serverMs: 21 }

function latency(p99: number, lowerBound: LatencySummary['lowerBound'] = []): LatencySummary {
  return { min: 1, p50: p99 / 2, p90: p99 * 0.9, p99, max: p99, mean: p99 / 2, lowerBound }
}

/** A made-up result of one leg at `rate`, with `unanswered` requests left and 503s. */
function legResult(input: RunInput, rate: number, extra: { unanswered?: number; rejected?: number } = {}): BenchResult {
  const unanswered = extra.unanswered ?? 0
  const rejected = extra.rejected ?? 0
  return {
    step: { id: input.step ?? '', title: '' },
    scenario: input.scenario,
    options: { open: { ratePerSec: rate, preopened: 10 }, durationS: input.durationS ?? 3, cpuMix: { n: 1 } },
    endedBy: unanswered > 0 ? 'cap' : 'duration',
    partial: unanswered > 0,
    summary: `leg at ${rate}`,
    cpu: input.cpuN === undefined ? CPU : { ...CPU, source: 'given' },
    metrics: {
      ...noMetrics(),
      completed: 100 + rejected,
      spanMs: 1000,
      throughput: 100 + rejected,
      latency: latency(50),
      unanswered,
      non2xx: rejected,
      statusCodes: { 200: 100, ...(rejected ? { 503: rejected } : {}) },
      byStatus: { ok: latency(80, unanswered ? ['p99', 'max'] : []), other: rejected ? latency(2) : null },
    },
    generator: { open: { late: 1, heldAtBound: 2 } },
    server: null,
    probe: null,
  } as unknown as BenchResult
}

/** A stand-in for runScenario: records the inputs, answers with `answer(input)`. */
function stand(answer: (input: RunInput, hooks: RunHooks) => Promise<BenchResult> | BenchResult) {
  const calls: RunInput[] = []
  const run = async (input: RunInput, hooks: RunHooks) => {
    calls.push(input)
    return answer(input, hooks)
  }
  return { run, calls }
}

const rateOf = (input: RunInput) => input.rate ?? (input.capacityFactor! * availableParallelism() * 1000) / CPU.localMs

describe('sweep: the loads it offers', () => {
  test('around one core and around every core, rising, past both', () => {
    const two = sweepLoads(2)
    assert.deepEqual(two, [0.25, 0.5, 0.75, 0.9, 1.1, 1.2, 1.4, 1.6, 1.9, 2.2, 2.8])
    assert.ok(two.some((x) => x < 1) && two.some((x) => x > 1 && x < 2) && two.at(-1)! > 2)
    assert.deepEqual(sweepLoads(1), [0.25, 0.5, 0.75, 0.9, 1.1, 1.4])
    for (const cores of [1, 2, 8]) {
      const live = liveSweepLoads(8, cores)
      assert.ok(live.length <= 8 && live.length >= 4, `${cores} cores: ${live}`)
      assert.ok(live.every((x, i) => i === 0 || x > live[i - 1]!))
      assert.ok(live.at(-1)! > cores, 'a live sweep goes past every core too')
    }
    assert.equal(liveSweepLoads(3, 2).length, 3)
  })
})

describe('runSweep', () => {
  test('the first leg sizes the task and works out its rate; every later leg gets that n, its own rate', async () => {
    const bench = stand((input) => legResult(input, rateOf(input)))
    const done: number[] = []
    const outcome = await runSweep(
      { step: '5', scenario: 'load-curve', loads: [0.5, 1, 2], overrides: { durationS: 2, capS: 4 } },
      { onLegDone: (leg) => done.push(leg) },
      bench.run,
    )
    const cores = availableParallelism()
    assert.deepEqual(bench.calls[0], {
      durationS: 2,
      capS: 4,
      scenario: 'load-curve',
      step: '5',
      capacityFactor: 0.5 / cores,
    })
    // One core's worth of 20 ms tasks is 50 a second.
    assert.deepEqual(
      bench.calls.slice(1).map((c) => [c.cpuN, c.rate, c.capacityFactor]),
      [
        [9999, 50, undefined],
        [9999, 100, undefined],
      ],
    )
    assert.deepEqual(done, [0, 1, 2])
    assert.equal(outcome.cpu, CPU)
    assert.equal(outcome.stoppedBy, null)
    assert.equal(legCount({ loads: [0.5, 1, 2] }), 3)
  })

  test('a sweep given the task size (an earlier step of the same recording) sizes nothing', async () => {
    const bench = stand((input) => legResult(input, input.rate!))
    await runSweep({ step: '1', scenario: 'load-curve', loads: [0.5, 1], cpu: CPU }, {}, bench.run)
    assert.deepEqual(
      bench.calls.map((c) => [c.cpuN, c.rate]),
      [
        [9999, 25],
        [9999, 50],
      ],
    )
  })

  test('a leg left with requests unanswered is a lower bound and the last leg run', async () => {
    const bench = stand((input) => legResult(input, input.rate ?? 25, { unanswered: input.rate === 50 ? 3 : 0 }))
    const outcome = await runSweep({ step: '3', scenario: 'load-curve', loads: [0.5, 1, 2, 3] }, {}, bench.run)
    assert.equal(bench.calls.length, 2)
    assert.deepEqual(
      outcome.results.map((r) => r !== null),
      [true, true, false, false],
    )
    assert.match(outcome.stoppedBy ?? '', /50 req\/s \(1 × one core\).*cut by its cap with 3 requests unanswered/)
  })

  test('rates given in requests a second, and the cap on the rate: a faster leg is not run', async () => {
    const bench = stand((input) => legResult(input, input.rate!))
    const outcome = await runSweep(
      { step: '3', scenario: 'paced', rates: [10, 100, 1000], overrides: { path: '/1' }, maxRate: 500 },
      {},
      bench.run,
    )
    assert.deepEqual(
      bench.calls.map((c) => [c.rate, c.path]),
      [
        [10, '/1'],
        [100, '/1'],
      ],
    )
    assert.match(outcome.stoppedBy ?? '', /1000 req\/s is more than a sweep here may offer \(500\)/)
  })

  test('an abort stops the leg that runs and starts no other', async () => {
    const controller = new AbortController()
    const bench = stand((input, hooks) => {
      if (input.rate === undefined) return legResult(input, 25)
      controller.abort(new Error('stopped from the deck'))
      assert.equal(hooks.signal?.aborted, true, 'the leg hears the abort')
      return { ...legResult(input, input.rate), endedBy: 'aborted', partial: true }
    })
    const outcome = await runSweep(
      { step: '5', scenario: 'load-curve', loads: [0.5, 1, 2] },
      { signal: controller.signal },
      bench.run,
    )
    assert.equal(bench.calls.length, 2)
    assert.equal(outcome.stoppedBy, 'stopped from the deck')
  })

  test('a failed leg rejects the sweep, or with onLegFailed is reported and ends it', async () => {
    const failing = () =>
      stand((input) => {
        if (input.rate !== undefined) throw new Error('server exited (1) before listening')
        return legResult(input, 25)
      })
    await assert.rejects(
      runSweep({ step: '5', scenario: 'load-curve', loads: [0.5, 1, 2] }, {}, failing().run),
      /before listening/,
    )
    const failed: number[] = []
    const bench = failing()
    const outcome = await runSweep(
      { step: '5', scenario: 'load-curve', loads: [0.5, 1, 2] },
      { onLegFailed: (leg) => failed.push(leg) },
      bench.run,
    )
    assert.deepEqual(failed, [1])
    assert.equal(bench.calls.length, 2)
    assert.match(outcome.stoppedBy ?? '', /50 req\/s \(1 × one core\): server exited/)
  })
})

describe('sweep points and the recorded file', () => {
  test("a point: the load in one core's worth, the 2xx latency, 503s apart, a lower bound marked", () => {
    const input = { scenario: 'load-curve', step: '5' }
    const exact = sweepPoint(legResult(input, 75, { rejected: 4 }), coreRateOf(CPU))
    assert.equal(exact.load, 1.5)
    assert.equal(exact.latency?.p99, 80, 'the tasks served, not every answer')
    assert.deepEqual([exact.rejected, exact.otherNon2xx, exact.served, exact.lowerBound], [4, 0, 100, false])
    assert.deepEqual([exact.late, exact.heldAtBound], [1, 2])
    const cut = sweepPoint(legResult(input, 150, { unanswered: 7 }), coreRateOf(CPU))
    assert.deepEqual([cut.lowerBound, cut.unanswered, cut.endedBy], [true, 7, 'cap'])
    assert.deepEqual(cut.latency?.lowerBound, ['p99', 'max'])
    assert.equal(sweepPoint(legResult(input, 75), null).load, null, 'no task size: no load')
  })

  test('the file name says the workload; the Markdown has a table per step and marks lower bounds', () => {
    assert.equal(workloadOf('/cpu/17814198', true), 'cpu')
    assert.equal(workloadOf('/10', false), '10')
    assert.equal(workloadOf('/', false), 'root')
    const input = { scenario: 'load-curve', step: '3' }
    const doc: BenchSweep = {
      schema: BENCH_SWEEP,
      recordedAt: '2026-01-01T00:00:00.000Z',
      command: 'npm run bench:sweep -- --record',
      machine: { cpuModel: 'Test', cores: 2, totalMemoryBytes: null, node: 'v26.0.0', os: 'linux', loadAverage1m: 1 },
      note: 'Shared machine.',
      workload: 'cpu',
      path: '/cpu/9999',
      cpu: CPU,
      coreRate: 50,
      cores: 2,
      curves: [
        {
          step: '3',
          title: 'event loop',
          points: [sweepPoint(legResult(input, 25), 50), sweepPoint(legResult(input, 75, { unanswered: 9 }), 50)],
          stoppedBy: 'at 75 req/s the run was cut',
        },
      ],
    }
    const md = sweepMarkdown(doc)
    assert.match(md, /^# Load curve: `\/cpu\/9999`, a ~20 ms CPU task/)
    assert.match(md, /Shared machine\./)
    assert.match(md, /one core can do 50\.0 tasks\/s, the machine's 2 cores 100\.0/)
    assert.match(md, /## Step 3 event loop/)
    assert.match(md, /\|\s+25\.0 \|\s+0\.50 \|/)
    assert.match(md, /≥ 80\.00 \|/, 'a lower bound reads ≥')
    assert.match(md, /Stopped: at 75 req\/s the run was cut/)
  })
})

describe('a real sweep', () => {
  // Generous room for the first leg (a quarter of a core, 3 s of slack after its 1 s of load) on a
  // busy machine; none for the second: eight times what one core can hash, for a second, into one
  // thread, is eight seconds of hashing, and the cap ends it after four.
  test('step 3 at a quarter of a core, then at eight: the second leg is cut, and ends the curve', async () => {
    const outcome = await runSweep({
      step: '3',
      scenario: 'load-curve',
      loads: [0.25, 8, 16],
      overrides: { durationS: 1, capS: 4 },
    })
    const [low, high, never] = outcome.results
    assert.ok(low && high && never === null, `two legs run, the third not: ${outcome.stoppedBy}`)
    assert.ok(!sweepPoint(low, coreRateOf(outcome.cpu)).lowerBound, low.summary)
    assert.ok(outcome.cpu !== null && outcome.cpu.source === 'calibrated')
    assert.equal(high.cpu?.n, outcome.cpu.n, 'the second leg hashes the task the first one sized')
    assert.equal(high.cpu?.source, 'given')
    assert.ok(high.metrics.unanswered > 0 && high.partial, high.summary)
    assert.ok(sweepPoint(high, coreRateOf(outcome.cpu)).lowerBound)
    assert.match(outcome.stoppedBy ?? '', /cut by its cap/)
    // The second leg offers 8 ÷ 0.25 = 32 times what the first did, from the same measured task time.
    const ratio = high.options.open!.ratePerSec! / low.options.open!.ratePerSec!
    assert.ok(Math.abs(ratio - 32) < 0.2, `ratio ${ratio}`)
    assert.equal(runningServers(), 0)
  })
})
