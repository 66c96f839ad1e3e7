// The point of step 5, shown beside step 3: the same load of long CPU tasks, then a few `GET /0`.
// Step 3 hashes on its event loop, so the /0 waits for the hashing; step 5 hashes on its pool, so
// the /0 answers while every slot is busy. The probes start once the server is hashing (its CPU
// time shows it), and only orders are asserted, never a number of ms: a busy 2-core machine runs
// the tests; the contrast between the two is the lesson.

import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { runningServers, startServer } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { exchange, get, request } from '../helpers/raw-http.ts'
import { cpuGrown, cpuMs } from '../helpers/server-busy.ts'

const LONG_CPU = '/cpu/200000000' // a couple of hundred ms on a laptop core
const CPU_TASKS = 4 // more than the cores: step 5's slots are all busy, with a line behind them

async function probeWhileHashing(stepId: string) {
  const server = await startServer(findStep(stepId)!)
  try {
    const { port } = server
    await get(port, '/cpu/1000') // warm up
    const t0 = performance.now()
    const before = cpuMs(server.pid)
    const cpu = Array.from({ length: CPU_TASKS }, () =>
      exchange(port, [request(LONG_CPU)], { timeoutMs: 30_000 }).then(() => performance.now() - t0),
    )
    await cpuGrown(server.pid, before, 50) // hashing now, with seconds of hashing to go
    const probes: { sentAt: number; latency: number }[] = []
    for (let i = 0; i < 5; i++) {
      const sentAt = performance.now() - t0
      const { responses } = await exchange(port, [request('/0')], { timeoutMs: 30_000 })
      assert.equal(responses[0]!.body, 'slept 0 ms\n')
      probes.push({ sentAt, latency: performance.now() - t0 - sentAt })
    }
    const cpuDone = await Promise.all(cpu)
    return { probes, firstCpuDone: Math.min(...cpuDone), lastCpuDone: Math.max(...cpuDone) }
  } finally {
    await server.stop()
  }
}

test('while CPU tasks fill every slot, GET /0 answers at once on step 5 and waits on step 3', async (t) => {
  const step5 = await probeWhileHashing('5')
  const step3 = await probeWhileHashing('3')
  const slowest5 = Math.max(...step5.probes.map((p) => p.latency))
  const first3 = step3.probes[0]!.latency
  t.diagnostic(
    `step 5: /0 answered in ${step5.probes.map((p) => p.latency.toFixed(1)).join(', ')} ms; first /cpu done ` +
      `at ${step5.firstCpuDone.toFixed(0)} ms`,
  )
  t.diagnostic(
    `step 3: /0 answered in ${step3.probes.map((p) => p.latency.toFixed(1)).join(', ')} ms; first /cpu done ` +
      `at ${step3.firstCpuDone.toFixed(0)} ms`,
  )

  // Step 5: the probes are answered while the hashing goes on. The first one, sent while every
  // slot hashes, before any hash is done; all five before the last hash is done (a /0 takes a
  // fraction of a ms of the loop, a hash hundreds of ms of a core, so a busy machine slows both
  // alike). How many ms a /0 took is reported, not asserted: on a loaded machine it can wait a
  // scheduler turn or two (205 ms seen once at a load average of 8 on 2 cores).
  const firstProbe5 = step5.probes[0]!
  assert.ok(
    firstProbe5.sentAt + firstProbe5.latency < step5.firstCpuDone,
    'the first /0 answered before the first /cpu finished',
  )
  const lastProbe5 = step5.probes.at(-1)!
  assert.ok(
    lastProbe5.sentAt + lastProbe5.latency < step5.lastCpuDone,
    'all five /0 answered before the last /cpu finished',
  )
  t.diagnostic(`step 5's slowest /0 took ${slowest5.toFixed(0)} ms`)

  // Step 3: the first probe arrives while the loop is hashing and waits for it.
  assert.ok(first3 >= 150, `step 3's /0 took only ${first3.toFixed(0)} ms`)
  assert.ok(step3.probes[0]!.sentAt + first3 >= step3.firstCpuDone - 5, 'its answer came only after a /cpu finished')
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
