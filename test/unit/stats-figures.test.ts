// Figures in /__stats that cannot mislead: a task-time mean that is a mean (and a separately named
// estimate seeded with the first task), and an event-loop utilization that reads 0, not 1, for a
// loop that has not turned yet or has sat idle since it started.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { TaskTimes } from '../../examples/shared/task-time.ts'

test('one 1-second task: the mean and the estimate are both 1000 ms (a 1/16 average seeded with 0 said 62.5)', () => {
  const times = new TaskTimes()
  assert.deepEqual([times.meanMs, times.estimateMs], [0, 0])
  times.record(1000)
  assert.deepEqual([times.count, times.meanMs, times.estimateMs], [1, 1000, 1000])
})

test('the mean is the mean of every task; the estimate moves 1/16 of the way to each new one', () => {
  const times = new TaskTimes()
  for (const ms of [1000, 200, 300]) times.record(ms)
  assert.equal(times.meanMs, 500)
  const second = 1000 + (200 - 1000) / 16
  assert.equal(times.estimateMs, second + (300 - second) / 16)
})

// In a worker thread, Node counts the thread's start-up as active loop time, and a probe read
// before the loop first turns has seen no idle time at all: that read 1 (step 6's workers publish
// their figures once at start). The worker below does some start-up work, reads at once, then
// again after sitting idle.
test("a worker's loop utilization: 0 before its first turn, near 0 when idle after it", async () => {
  const stats = new URL('../../examples/shared/stats.ts', import.meta.url).href
  const code = `
    const { parentPort } = require('node:worker_threads')
    import(${JSON.stringify(stats)}).then(({ StatsProbe }) => {
      const probe = new StatsProbe({ number: 0, name: 'test' })
      const end = performance.now() + 30
      while (performance.now() < end); // start-up work, before the loop turns
      const atStart = probe.loop().sinceStart.eventLoopUtilization
      setTimeout(() => parentPort.postMessage([atStart, probe.loop().sinceStart.eventLoopUtilization]), 300)
    })`
  const worker = new Worker(code, { eval: true })
  try {
    const [atStart, afterIdle] = await new Promise<[number, number]>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    assert.equal(atStart, 0)
    // 300 ms asleep against a few ms of timers: even a starved thread stays far below this.
    assert.ok(afterIdle < 0.5, `idle loop read ${afterIdle}`)
  } finally {
    await worker.terminate()
  }
})
