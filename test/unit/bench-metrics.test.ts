// The bench's arithmetic on made-up timings: throughput from first send to last completion, the
// steady-state rate, percentiles to the microsecond, failures counted apart, the closed-loop
// limit, the "43 of 150 done" line, the probe's answer parser and the target check.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { latencyDuration, latencyMs } from '../../bench/format.ts'
import { Recorder, type Unanswered } from '../../bench/load/metrics.ts'
import { parseAnswer } from '../../bench/load/open-loop.ts'
import { summaryLine } from '../../bench/report/run-text.ts'
import { comparisonTable } from '../../bench/report/table.ts'
import { checkTarget } from '../../bench/report/targets.ts'
import { resolveRunOptions, throughputLimit } from '../../bench/options.ts'
import type { BenchResult, Metrics } from '../../bench/types.ts'

/** Within a relative tolerance: the histogram keeps 4 significant digits. */
function near(actual: number | null | undefined, expected: number, relative = 1e-3): void {
  assert.ok(actual !== null && actual !== undefined, `expected ~${expected}, got ${actual}`)
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `expected ~${expected}, got ${actual}`)
}

describe('Recorder', () => {
  test('one wave: throughput is completed / (last completion − first send), not a per-second average', () => {
    // 150 connections, one request each, sent at t = 1000; answers after 1000..1029.8 ms.
    const r = new Recorder()
    r.start(1000)
    for (let i = 0; i < 150; i++) {
      const latency = 1000 + i * 0.2
      r.record(i, 1000 + latency, latency, 200)
    }
    const m = r.metrics()
    assert.equal(m.completed, 150)
    near(m.spanMs, 1029.8)
    near(m.throughput, (150 * 1000) / 1029.8)
    assert.equal(m.steadyThroughput, null, 'no connection completed twice')
    near(m.latency?.min, 1000)
    near(m.latency?.p50, 1014.8, 1e-3)
    near(m.latency?.p99, 1029.6, 1e-3)
    near(m.latency?.max, 1029.8)
    assert.deepEqual([m.errors, m.timeouts, m.non2xx], [0, 0, 0])
  })

  test('sub-millisecond latencies keep their digits', () => {
    const r = new Recorder()
    r.start(0)
    for (let i = 0; i < 100; i++) r.record(0, i + 0.083, 0.083, 200)
    near(r.metrics().latency?.p50, 0.083, 0.02)
    near(r.metrics().latency?.max, 0.083, 0.02)
  })

  test("steady state sums each connection's own rate and leaves the ramp out", () => {
    // 10 connections, opened 50 ms apart (a slow ramp), each completing one 100 ms request after
    // another, 6 times. Each connection runs at 10 req/s: 100 req/s once all are going.
    const r = new Recorder()
    r.start(0)
    for (let c = 0; c < 10; c++) {
      for (let k = 1; k <= 6; k++) r.record(c, c * 50 + k * 100, 100, 200)
    }
    const m = r.metrics()
    near(m.steadyThroughput, 100)
    // The span-based figure counts the ramp: 60 answers between 0 and 1050 ms.
    near(m.throughput, (60 * 1000) / 1050)
  })

  test('without start(), the first send is the earliest send seen', () => {
    const r = new Recorder()
    r.record(0, 500, 300, 200) // sent at 200
    r.record(1, 400, 100, 200) // sent at 300
    near(r.metrics().spanMs, 300)
  })

  test('a send clocked before start() (the generator still creating clients) counts from start()', () => {
    const r = new Recorder()
    r.start(1000)
    r.record(0, 2000, 1030, 200) // autocannon's clock started at 970, while the clients were being made
    r.record(1, 2010, 1000, 200) // sent at 1010
    const m = r.metrics()
    near(m.spanMs, 1010)
    near(m.latency?.max, 1000)
    near(m.latency?.min, 1000)
  })

  test('errors, timeouts and non-2xx answers are counted apart', () => {
    const r = new Recorder()
    r.start(0)
    r.record(0, 10, 10, 200)
    r.record(0, 20, 10, 503)
    r.record(1, 30, 30, 404)
    r.recordError('timeout')
    r.recordError('error')
    r.recordError('error')
    const m = r.metrics()
    assert.equal(m.completed, 3, 'a non-2xx answer is still an answer')
    assert.equal(m.non2xx, 2)
    assert.equal(m.timeouts, 1)
    assert.equal(m.errors, 2)
    assert.deepEqual(m.statusCodes, { '200': 1, '404': 1, '503': 1 })
  })

  test('the rate over the last interval', () => {
    const r = new Recorder()
    r.start(0)
    for (let i = 0; i < 50; i++) r.record(0, i, 1, 200)
    assert.equal(r.rateSinceLastCall(250), 200)
    for (let i = 0; i < 10; i++) r.record(0, 300 + i, 1, 200)
    assert.equal(r.rateSinceLastCall(500), 40)
  })

  test('nothing answered: no span, no throughput, no latencies', () => {
    const m = new Recorder().metrics()
    assert.deepEqual([m.completed, m.spanMs, m.throughput, m.latency], [0, null, null, null])
  })
})

describe('requests left unanswered', () => {
  const waited = (ms: number, count = 1): Unanswered[] =>
    Array.from({ length: count }, () => ({ waitedMs: ms, inServiceMs: ms }))

  test('count at their wait so far, and every figure they reach is a lower bound (step 1 on drill)', () => {
    // 9 of 150 answered within the 10 s cap, after 1..9 s; the other 141 had waited 10 s.
    const r = new Recorder()
    r.start(0)
    for (let i = 1; i <= 9; i++) r.record(i, i * 1000, i * 1000, 200)
    const finished = r.metrics().latency!
    near(finished.p99, 9000, 1e-3) // the answered alone: the figure a cut run used to report
    const m = r.metrics(waited(10_000, 141))
    assert.equal(m.unanswered, 141)
    near(m.latency!.p50, 10_000, 1e-3)
    near(m.latency!.p99, 10_000, 1e-3)
    near(m.latency!.min, 1000)
    assert.deepEqual(m.latency!.lowerBound, ['p50', 'p90', 'p99', 'max', 'mean'], 'the min is an answered request')
    assert.equal(m.completed, 9, 'an unanswered request is not an answer')
  })

  test('a figure below every unanswered wait is exact: whatever those requests take, they sit above it', () => {
    const r = new Recorder()
    r.start(0)
    for (let i = 0; i < 1000; i++) r.record(0, i + 1, 1, 200)
    const m = r.metrics(waited(5000, 5))
    near(m.latency!.p50, 1, 1e-2)
    near(m.latency!.p99, 1, 1e-2)
    assert.deepEqual(m.latency!.lowerBound, ['max', 'mean'])
  })

  test('an unanswered request younger than a figure still makes it a lower bound: it may end above it', () => {
    // 100 requests: 97 answered in 1 ms, one in 4 s, one in 5 s, one unanswered after 0.5 s. The p99
    // (the 99th of 100) is 4 s if that one ends below 4 s, 5 s if it ends later: at least 4 s.
    const r = new Recorder()
    r.start(0)
    for (let i = 0; i < 97; i++) r.record(0, i + 1, 1, 200)
    r.record(1, 4000, 4000, 200)
    r.record(2, 5000, 5000, 200)
    const l = r.metrics(waited(500)).latency!
    near(l.p99, 4000, 1e-3)
    assert.ok(l.lowerBound.includes('p99'))
    assert.ok(!l.lowerBound.includes('p50'))
  })

  test('against a brute force on random runs: the reported figure, and lower bound exactly where it could rise', () => {
    // Whole microseconds below 30 ms, which the histogram keeps exactly. A percentile is the value at
    // rank ⌈p% of all⌉; it could rise iff it differs from the same rank with the unanswered last.
    let seed = 42
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let trial = 0; trial < 300; trial++) {
      const answered = Array.from({ length: random(40) }, () => 1 + random(30_000))
      const waiting = Array.from({ length: random(12) }, () => 1 + random(30_000))
      if (answered.length + waiting.length === 0) continue
      const r = new Recorder()
      r.start(0)
      for (const us of answered) r.record(0, us / 1000, us / 1000, 200)
      const l = r.metrics(waiting.map((us) => ({ waitedMs: us / 1000, inServiceMs: null }))).latency!
      const low = [...answered, ...waiting].sort((a, b) => a - b)
      const high = [...answered.sort((a, b) => a - b), ...waiting.map(() => Number.POSITIVE_INFINITY)]
      for (const [field, p] of [
        ['min', 0],
        ['p50', 50],
        ['p90', 90],
        ['p99', 99],
      ] as const) {
        const rank = Math.max(1, Math.ceil((p * low.length) / 100))
        assert.equal(l[field], low[rank - 1]! / 1000, `trial ${trial} ${field}`)
        assert.equal(l.lowerBound.includes(field), high[rank - 1]! > low[rank - 1]!, `trial ${trial} ${field} bound`)
      }
      assert.equal(l.lowerBound.includes('max'), waiting.length > 0)
    }
  })

  test('nothing answered, something waiting: every figure is a lower bound', () => {
    const l = new Recorder().metrics(waited(2500, 3)).latency!
    near(l.p50, 2500, 1e-3)
    assert.deepEqual(l.lowerBound, ['min', 'p50', 'p90', 'p99', 'max', 'mean'])
  })

  test('open loop: service time from the actual send beside latency from the due time', () => {
    // Due at 0, 10, 20 ms; the server stalled until 100 ms: the first left on time, the others waited
    // for a connection (at the bound) and left at 100 ms. All answered at 101 ms.
    const r = new Recorder({ serviceTime: true })
    r.start(0)
    r.record(0, 101, 101, 200, 101)
    r.record(0, 101, 91, 200, 1)
    r.record(0, 101, 81, 200, 1)
    const m = r.metrics([{ waitedMs: 50, inServiceMs: null }]) // due at 51, not sent yet
    near(m.latency!.max, 101)
    near(m.serviceTime!.p50, 1, 1e-2)
    assert.equal(m.unanswered, 1)
    assert.deepEqual(m.serviceTime!.lowerBound, [], 'a request not sent yet has no service time')
    assert.equal(new Recorder().metrics().serviceTime, null, 'a closed loop has none: its latency is its service time')
  })

  test('the summary line and the target check say so', () => {
    const options = resolveRunOptions({ scenario: 'drill', step: '1' })
    const r = new Recorder()
    r.start(0)
    for (let i = 1; i <= 9; i++) r.record(i, i * 1000, i * 1000, 200)
    const main = r.metrics(waited(10_000, 141))
    assert.equal(
      summaryLine({ endedBy: 'cap', elapsedMs: 10_005, main }, options, true),
      '9 of 150 done in 10.0 s (cut by the 10 s cap); 141 unanswered',
    )
    // Every one of the 141 waited 10,000 ms: the p99 is that wait, not the top of its histogram bucket.
    assert.equal(latencyMs(main.latency, 'p99'), '≥ 10000.0')
    assert.equal(latencyDuration(main.latency, 'p99'), '≥ 10.0 s')
    assert.equal(latencyDuration(main.latency, 'min'), '1.00 s')
    // A lower bound under the target proves nothing: drill's p99 ≤ 1030 ms is missed.
    const fast = { ...main, throughput: 200, latency: { ...main.latency!, p99: 1000 } }
    assert.equal(checkTarget({ scenario: 'drill', metrics: fast } as BenchResult)?.met, false)
  })
})

describe('limits, summaries, targets', () => {
  test('the closed-loop limit is connections × 1000 / ms, only for /<ms> loads', () => {
    assert.equal(throughputLimit(resolveRunOptions({ scenario: 'drill' })), 150)
    assert.equal(throughputLimit(resolveRunOptions({ scenario: 'c10k' })), 10_000)
    assert.equal(throughputLimit(resolveRunOptions({ scenario: 'drill', path: '/200', connections: 20 })), 100)
    assert.equal(throughputLimit(resolveRunOptions({ scenario: 'hello' })), null)
    assert.equal(throughputLimit(resolveRunOptions({ scenario: 'cpu-mix', cpuN: 1000 })), null)
  })

  test('a capped run says how much of what was asked got done, nothing extrapolated', () => {
    const options = resolveRunOptions({ scenario: 'drill', step: '1' })
    const main = { ...new Recorder().metrics(), completed: 43, spanMs: 9990 }
    assert.equal(
      summaryLine({ endedBy: 'cap', elapsedMs: 10_012, main }, options, true),
      '43 of 150 done in 10.0 s (cut by the 10 s cap)',
    )
    const full = { ...main, completed: 150, spanMs: 1031.4, timeouts: 2 }
    assert.equal(
      summaryLine({ endedBy: 'completed', elapsedMs: 2000, main: full }, options, false),
      '150 of 150 done in 1.03 s; 2 timeouts',
    )
  })

  test("the scenarios' targets for step 3 are checked against the measured figures", () => {
    const metrics = (throughput: number, p99: number): Metrics => ({
      ...new Recorder().metrics(),
      completed: 150,
      spanMs: 1030,
      throughput,
      latency: { min: 1000, p50: 1010, p90: 1020, p99, max: p99, mean: 1010, lowerBound: [] },
    })
    const result = (m: Metrics) => ({ scenario: 'drill', metrics: m, done: 150, asked: 150 }) as BenchResult
    assert.equal(checkTarget(result(metrics(146, 1020)))?.met, true)
    assert.equal(checkTarget(result(metrics(144.9, 1020)))?.met, false)
    assert.equal(checkTarget(result(metrics(146, 1031)))?.met, false)
    assert.equal(checkTarget({ scenario: 'hello' } as BenchResult), null)
  })

  test('the comparison table has a header, a rule and one row per result', () => {
    const options = resolveRunOptions({ scenario: 'drill' })
    const r = {
      scenario: 'drill',
      step: { id: '3', title: 'event loop' },
      options,
      metrics: { ...new Recorder().metrics(), completed: 150, throughput: 145.2 },
      limit: { throughput: 150, ratio: 0.968, steadyRatio: null },
      server: null,
      done: 150,
      asked: 150,
      partial: false,
      endedBy: 'completed',
      cpu: null,
      probe: null,
    } as unknown as BenchResult
    const lines = comparisonTable([
      r,
      { ...r, step: { id: '1', title: 'blocking' }, done: 9, partial: true, endedBy: 'cap' },
    ]).split('\n')
    assert.equal(lines.length, 4)
    assert.match(lines[0]!, /\| step .*\| req\/s .*\| ratio to limit .*\| +done\/asked \|/)
    assert.match(lines[2]!, /3 event loop .*145\.2 .*0\.968 .*150\/150 \|$/)
    assert.match(lines[3]!, /9\/150 \(cap 10 s\) \|$/)
  })
})

describe("the probe's answer parser", () => {
  test('waits for the whole body, then reports status, length and close', () => {
    const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nslept 0 ms\n\n'
    assert.equal(parseAnswer(Buffer.from(answer.slice(0, 20))), null)
    assert.equal(parseAnswer(Buffer.from(answer.slice(0, -1))), null)
    assert.deepEqual(parseAnswer(Buffer.from(`${answer}HTTP/1.1`)), {
      status: 200,
      length: answer.length,
      close: false,
    })
    assert.deepEqual(
      parseAnswer(Buffer.from('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'))?.close,
      true,
    )
  })
})
