// `npm run bench:counters` (bench/tools/counter-cost.ts): the A/B of step 4's counters runs every arm in
// every round, in rotated order, on a fresh server each, and reports medians and ratios to "off".
// What it measures (the cost) is for a quiet machine; here only that it measures, briefly.

import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { type ArmRun, measureCounterCost, median } from '../../bench/tools/counter-cost.ts'
import { runningServers } from '../../bench/server/server-process.ts'

describe('bench:counters', () => {
  after(() => assert.equal(runningServers(), 0, 'every server it started has stopped'))

  test('two short rounds: each arm once a round, the order rotated, ratios to "off"', async () => {
    const seen: ArmRun[] = []
    const cost = await measureCounterCost({
      rounds: 2,
      durationS: 0.5,
      connections: 10,
      arms: ['on', 'off', 'sampled'],
      onRun: (run) => seen.push(run),
    })
    assert.deepEqual(
      cost.runs.map((r) => `${r.round}:${r.arm}`),
      ['0:on', '0:off', '0:sampled', '1:off', '1:sampled', '1:on'],
    )
    assert.deepEqual(seen, cost.runs)
    for (const run of cost.runs) {
      assert.ok(run.throughput !== null && run.throughput > 0, `${run.arm}: ${run.throughput} req/s`)
      if (process.platform === 'linux') assert.ok(run.cpuUsPerRequest !== null && run.cpuUsPerRequest > 0)
      assert.equal(run.samples === null, run.arm !== 'sampled', 'only the sampled arm has a sampler')
    }
    assert.equal(cost.ratios.off, 1)
    const on = cost.runs.filter((r) => r.arm === 'on').map((r) => r.throughput!)
    assert.equal(cost.medians.on, median(on))
  })
})
