// The cross-check's own parts: wrk's output read right, the open loop's verdict (medians of each
// tool, within 10 %), and wrk's arguments. (The Lua script that paces wrk runs for real in the load
// tier: test/load/wrk-paced.test.ts.)

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { agreement, LOADS, parseWrk, type Row, wrkArgs } from '../../bench/tools/crosscheck.ts'

const WRK_OUTPUT = `Running 3s test @ http://127.0.0.1:38371/10
  1 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.86ms    0.88ms  18.40ms   85.50%
    Req/Sec   200.10      4.69   210.00     80.00%
  Latency Distribution
     50%   10.68ms
     75%   11.09ms
     90%   11.62ms
     99%   14.40ms
  600 requests in 3.01s, 89.65KB read
Requests/sec:    199.32
Transfer/sec:     29.78KB
`

describe('the cross-check', () => {
  test("wrk's output becomes a row: requests, rate, percentiles in ms", () => {
    const row = parseWrk(WRK_OUTPUT)
    assert.deepEqual(
      [row.requests, row.reqPerSec, row.p50, row.p90, row.p99, row.max, row.errors],
      [600, 199.32, 10.68, 11.62, 14.4, 18.4, '0/0/0'],
    )
    assert.throws(() => parseWrk('unable to connect'), /cannot read wrk's output/)
  })

  test("the open loop's verdict: each tool's median p50 and p99, compared within 10 %", () => {
    const row = (tool: Row['tool'], p50: number, p99: number): Row =>
      ({ tool, p50, p99, requests: 1000, reqPerSec: 200 }) as Row
    const close = agreement([
      row('harness', 10.7, 14),
      row('wrk', 10.5, 14.5),
      row('wrk', 10.6, 13),
      row('harness', 10.9, 99),
    ])!
    assert.deepEqual([close.harness.p50, close.wrk.p50], [10.8, 10.55])
    assert.deepEqual([close.harness.p99, close.wrk.p99], [56.5, 13.75], 'two runs each: the median is their mean')
    assert.equal(close.agrees, false, 'one slow harness run moves a median of two')
    const runs = [row('harness', 10.7, 14), row('wrk', 10.5, 14.5), row('wrk', 10.6, 13.6), row('harness', 10.9, 14.2)]
    const fine = agreement([...runs, row('harness', 10.8, 14.1)])!
    assert.equal(fine.agrees, true)
    assert.ok(fine.difference.p50 < 0.05 && fine.difference.p99 < 0.05)
    assert.equal(agreement([row('wrk', 1, 2)]), null, 'nothing to compare without both tools')
  })

  test('the open loop gives wrk one thread, the rate after --, and the pacing script', () => {
    const open = LOADS.find((l) => l.kind === 'open')!
    const args = wrkArgs(open, 'http://127.0.0.1:1', '/x/wrk-paced.lua')
    assert.deepEqual(args.slice(0, 2), ['-t1', '-c20'])
    assert.deepEqual(args.slice(-5), ['-s', '/x/wrk-paced.lua', 'http://127.0.0.1:1/50', '--', '200'])
    assert.equal(open.order.filter((t) => t === 'harness').length, open.order.filter((t) => t === 'wrk').length)
  })
})
