// Overload (bench/kinds/overload.ts and the calibrated open loop behind it): a rate given as a multiple
// of what the cores can hash, checked as an option, worked out in the generator and written into
// the result; passed on to every later step of a comparison; the 2xx answers' latency kept apart
// from the 503s'; the table; and one short run of step 5 for real, offered three times what its
// cores can do, where its line must fill and its 503s show.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runComparison } from '../../bench/compare.ts'
import { Recorder } from '../../bench/load/metrics.ts'
import { BenchOptionError, expectedRate, type RunInput, resolveRunOptions } from '../../bench/options.ts'
import { isCpuOpenLoop, overloadFigures } from '../../bench/kinds/overload.ts'
import { resultText } from '../../bench/report/run-text.ts'
import { comparisonTable, tableNotes } from '../../bench/report/table.ts'
import { buildResult, noMetrics } from '../../bench/report/run-result.ts'
import { runScenario } from '../../bench/index.ts'
import { runningServers } from '../../bench/server/server-process.ts'
import { findScenario } from '../../bench/scenarios.ts'
import type { BenchResult, RunHooks } from '../../bench/types.ts'

describe('overload: the options', () => {
  test('a rate given as a multiple of the cores: unknown until the task is sized; the probe beside it', () => {
    const o = resolveRunOptions({ scenario: 'overload', step: '5' })
    assert.equal(o.open?.ratePerSec, null)
    assert.equal(o.open?.capacityFactor, 1.5)
    assert.deepEqual([o.cpuMix?.targetMs, o.cpuMix?.n, o.cpuMix?.probe?.path], [15, null, '/0'])
    assert.equal(o.connections, 500, 'the bound on the open loop')
    assert.equal(o.durationS, 6)
    assert.ok(o.open!.preopened >= 10)
    // The load curve's legs: no probe, a multiple of the cores given per leg.
    const leg = resolveRunOptions({ scenario: 'load-curve', step: '3', capacityFactor: 0.25 })
    assert.deepEqual([leg.open?.capacityFactor, leg.cpuMix?.probe], [0.25, null])
    assert.equal(expectedRate(1.5, findScenario('overload')!, 2), 200, '1.5 × 2 cores × 1000 / 15 ms')
  })

  test('a rate given in requests a second replaces the multiple; cpu-n sizes the task', () => {
    const o = resolveRunOptions({ scenario: 'overload', step: '5', rate: 120, cpuN: 5000 })
    assert.equal(o.open?.ratePerSec, 120)
    assert.equal(o.open?.capacityFactor, undefined)
    assert.equal(o.path, '/cpu/5000')
  })

  test('what does not apply is refused with one line', () => {
    for (const [input, why] of [
      [{ scenario: 'overload', rate: 10, capacityFactor: 1 }, /--rate or --load, not both/],
      [{ scenario: 'paced', capacityFactor: 1 }, /--load is a multiple of what the cores can hash/],
      [{ scenario: 'cpu-mix', rate: 10 }, /cpu-mix is closed loop/],
      [{ scenario: 'cpu-mix', capacityFactor: 1 }, /cpu-mix is closed loop/],
      [{ scenario: 'overload', path: '/1' }, /overload sends \/cpu\/<n>/],
      [{ scenario: 'overload', requests: 10 }, /give --duration, not --requests/],
      [{ scenario: 'overload', capacityFactor: 0 }, /--load must be between/],
      [
        { scenario: 'drill', cpuN: 10 },
        /--cpu-n applies to the scenarios that size a \/cpu task: cpu-mix, cpu-burst, overload/,
      ],
    ] as const) {
      assert.throws(
        () => resolveRunOptions(input as RunInput),
        (e: unknown) => e instanceof BenchOptionError && why.test(e.message) && !e.message.includes('\n'),
        JSON.stringify(input),
      )
    }
  })
})

describe('overload: the rate and the answers', () => {
  test('the rate the generator used is written into the result, and its summary says it', () => {
    const options = resolveRunOptions({ scenario: 'overload', step: '5' })
    const r = buildResult({
      options,
      step: { id: '5', title: 'async CPU-bounded pool' },
      startedAt: '2026-01-01T00:00:00.000Z',
      machine: { cpuModel: 'T', cores: 2, totalMemoryBytes: null, node: 'v26.0.0', os: 'linux', loadAverage1m: 0 },
      origin: 'http://127.0.0.1:1',
      outcome: {
        endedBy: 'duration',
        elapsedMs: 6000,
        main: { ...noMetrics(), completed: 10 },
        probe: null,
        autocannon: null,
        cpuMs: 1,
        open: null,
        probeStats: null,
        hold: null,
      },
      cpu: { n: 777, targetMs: 15, source: 'calibrated', localMs: 15, serverMs: 16 },
      awaitChain: null,
      started: { path: '/cpu/777', warmupMs: 1, setupMs: 0, ratePerSec: 200 },
      server: null,
      timeline: [],
      pids: { server: null, generator: null },
    })
    assert.deepEqual(r.options.open, { ratePerSec: 200, capacityFactor: 1.5, preopened: options.open!.preopened })
    assert.equal(r.options.cpuMix?.n, 777)
    assert.match(r.summary, /open loop, 200\.0 req\/s offered/)
    assert.equal(options.open?.ratePerSec, null, 'the options asked for are left as they were')
  })

  test('a comparison offers every step the first step’s rate, and its task', async () => {
    const calls: RunInput[] = []
    const run = async (input: RunInput, _hooks: RunHooks) => {
      calls.push(input)
      return {
        step: { id: input.step, title: '' },
        cpu: { n: 4242 },
        options: { open: { ratePerSec: input.rate ?? 187.5, capacityFactor: input.rate ? undefined : 1.5 } },
      } as unknown as BenchResult
    }
    await runComparison({ scenario: 'overload', steps: ['2-pool', '5', 'piscina'] }, {}, run)
    assert.deepEqual(
      calls.map((c) => [c.step, c.cpuN, c.rate, c.capacityFactor]),
      [
        ['2-pool', undefined, undefined, undefined],
        ['5', 4242, 187.5, undefined],
        ['piscina', 4242, 187.5, undefined],
      ],
    )
  })

  test('the 2xx answers and the others apart; a request still waiting counts with the 2xx', () => {
    const r = new Recorder({ serviceTime: true, byStatus: true })
    r.start(0)
    for (let i = 0; i < 90; i++) r.record(0, 1000 + i, 1000, 200, 20)
    for (let i = 0; i < 10; i++) r.record(0, 2000 + i, 1, 503, 1)
    const m = r.metrics([{ waitedMs: 5000, inServiceMs: 4000 }])
    assert.equal(m.non2xx, 10)
    assert.ok(m.latency!.p50 >= 999, 'every answer together, as before')
    assert.ok(Math.abs(m.byStatus!.other!.p99 - 1) < 0.01, 'the 503s: quick')
    assert.ok(Math.abs(m.byStatus!.ok!.p50 - 1000) < 1, 'the tasks: a second')
    assert.ok(m.byStatus!.ok!.max >= 5000 && m.byStatus!.ok!.lowerBound.includes('max'), 'the one still waiting')
    assert.equal(new Recorder().metrics().byStatus, undefined, 'a closed loop does not split')
  })
})

describe('overload: the figures and the table', () => {
  function made(step: string, codes: Record<string, number>, final: Record<string, unknown> | null): BenchResult {
    const ok = { min: 5, p50: 400, p90: 900, p99: 1000, max: 1100, mean: 450, lowerBound: [] }
    const quick = { min: 0.2, p50: 0.5, p90: 1, p99: 2, max: 3, mean: 0.6, lowerBound: [] }
    const completed = Object.values(codes).reduce((a, b) => a + b, 0)
    return {
      step: { id: step, title: step },
      url: '',
      scenario: 'overload',
      options: resolveRunOptions({ scenario: 'overload', step: '5', rate: 200, cpuN: 100 }),
      endedBy: 'duration',
      partial: false,
      summary: 'made up',
      metrics: {
        ...noMetrics(),
        completed,
        spanMs: 6000,
        throughput: completed / 6,
        latency: ok,
        non2xx: completed - (codes['200'] ?? 0),
        statusCodes: codes,
        byStatus: { ok, other: codes['503'] ? quick : null },
      },
      probe: { ...noMetrics(), latency: quick },
      cpu: { n: 100, targetMs: 15, source: 'given', localMs: 15, serverMs: 15 },
      server: final && { final },
      generator: { open: null },
    } as unknown as BenchResult
  }

  test("tasks served, 503s with their latency, the probe, the server's own counters", () => {
    const r = made('5', { 200: 600, 503: 300 }, { queueLengthMax: 256, wakeUps: 512, tasksDone: 600, cpuLimit: 2 })
    assert.ok(isCpuOpenLoop(r))
    const f = overloadFigures(r)
    assert.deepEqual(
      [f.served2xx, f.servedPerSec, f.rejected, f.otherNon2xx, f.queueLengthMax, f.wakeUps, f.cpuLimit],
      [600, 100, 300, 0, 256, 512, 2],
    )
    assert.equal(f.rejectedLatency?.p99, 2)
    assert.equal(f.served?.p99, 1000)
    const pool = overloadFigures(made('2-pool', { 200: 400 }, { queueLength: 10 }))
    assert.deepEqual([pool.rejected, pool.rejectedLatency, pool.queueLengthMax, pool.wakeUps], [0, null, null, null])
  })

  test('the table: one row per server, the counters a server lacks as a dash', () => {
    const results = [
      made('2-pool', { 200: 400 }, { queueLength: 10 }),
      made('5', { 200: 600, 503: 300 }, { queueLengthMax: 256, wakeUps: 512, tasksDone: 600 }),
    ]
    const table = comparisonTable(results)
    const [head, , pool, five] = table.split('\n')
    assert.match(
      head!,
      /offered\/s \| +tasks\/s \| task p50 ms \| task p99 ms \| +503s \| 503 p99 ms \| \/0 p99 ms \| line max/,
    )
    assert.match(pool!, /^\| 2-pool 2-pool .*\| +0 \| +– \| +2\.00 \| +– \| +– \|/)
    assert.match(five!, /\| +100\.0 \| +400\.0 \| +1000\.0 \| +300 \| +2\.00 \| +2\.00 \| +256 \| +512 \| +600 \|/)
    assert.match(tableNotes(results).join('\n'), /503s: requests turned away/)
    assert.match(resultText(results[1]!), /600 tasks served \(2xx\), 100\.0\/s ms: p50 400\.0/)
    assert.match(resultText(results[1]!), /300 turned away \(503\) ms: p50 0\.500/)
  })
})

describe('overload for real', () => {
  test('step 5 offered three times what its cores can hash: the line fills, the excess gets quick 503s', async () => {
    const r = await runScenario({ scenario: 'overload', step: '5', capacityFactor: 3, durationS: 4 })
    const f = overloadFigures(r)
    assert.ok(r.cpu !== null && r.options.open?.ratePerSec !== null)
    // The rate the generator worked out: 3 × cores × 1000 / the task's measured ms.
    const expected = (3 * r.machine.cores * 1000) / r.cpu.localMs
    assert.ok(Math.abs(r.options.open!.ratePerSec! - expected) < 0.02, `${r.options.open!.ratePerSec} vs ${expected}`)
    assert.ok(f.queueLengthMax !== null && f.queueLengthMax > 0, `line max ${f.queueLengthMax}`)
    const said = `${r.summary}; line max ${f.queueLengthMax}; schedule ${JSON.stringify(r.generator?.open)}`
    assert.ok(
      f.rejected > 0 && f.tasksRejected === f.rejected,
      `${f.rejected} 503s (server: ${f.tasksRejected}): ${said}`,
    )
    assert.ok(f.served2xx > 0 && f.rejectedLatency !== null && f.served !== null)
    assert.ok(f.wakeUps !== null && f.wakeUps > 0, 'the front of the line was woken')
    // A 503 is answered on arrival; a task served waited for a slot behind a full line.
    assert.ok(f.rejectedLatency.p50 < f.served.p50, `503 p50 ${f.rejectedLatency.p50}, task p50 ${f.served.p50}`)
    assert.equal(f.otherNon2xx, 0)
    assert.ok(r.probe !== null && r.probe.completed > 0, 'the /0 probe ran beside it')
    assert.equal(runningServers(), 0)
  })
})
