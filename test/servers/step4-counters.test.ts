// Step 4's counters (examples/04-poller/counters.ts): what each one counts, the peaks "since the
// last read" (a read ends the span for every reader), and `--no-counters`, which counts nothing
// and leaves the state figures (run queue, timers, sources, waiting tasks) as they were.

import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { NO_COUNTERS } from '../../examples/04-poller/counters.ts'
import { PENDING, type Context, type Future, type PollResult, type Waker } from '../../examples/04-poller/future.ts'
import { Runtime } from '../../examples/04-poller/runtime.ts'
import { exchange, get, request } from '../helpers/raw-http.ts'
import { statsUntil } from '../helpers/server-busy.ts'

/** Pending until woken once from outside, then done. */
class Parked implements Future<string> {
  waker: Waker | null = null
  woken = false
  poll(cx: Context): PollResult<string> {
    if (this.woken) return 'done'
    this.waker = cx.waker
    return PENDING
  }
  wake(): void {
    this.woken = true
    this.waker?.wake()
  }
}

function parkedTasks(rt: Runtime, n: number): Parked[] {
  const parked = Array.from({ length: n }, () => new Parked())
  for (const [i, p] of parked.entries()) rt.spawn(p, `parked ${i}`)
  rt.executor.runReadyTasks() // each polled once: all pending now
  return parked
}

describe('step 4 counters, in the runtime', () => {
  test('passes, polls and wakes are counted; the run-queue peak is the longest queue a pass took', () => {
    const rt = new Runtime()
    const parked = parkedTasks(rt, 5)
    assert.deepEqual(
      pick(rt.stats(), 'passes', 'taskPolls', 'wakes', 'runQueue', 'runQueuePeak'),
      // The spawns' five wakes, one pass polling five tasks.
      { passes: 1, taskPolls: 5, wakes: 5, runQueue: 0, runQueuePeak: 5 },
    )
    for (const p of parked.slice(0, 3)) p.wake()
    // Read while three wait for the next pass: the queue now counts in the peak.
    assert.deepEqual(pick(rt.stats(), 'runQueue', 'runQueuePeak', 'wakes'), { runQueue: 3, runQueuePeak: 3, wakes: 8 })
    rt.executor.runReadyTasks()
    // The pass took those same three: the peak since the last read is 3 again, and the queue is empty.
    assert.deepEqual(pick(rt.stats(), 'runQueue', 'runQueuePeak', 'passes', 'taskPolls', 'tasks'), {
      runQueue: 0,
      runQueuePeak: 3,
      passes: 2,
      taskPolls: 8,
      tasks: 2,
    })
    // Nothing queued since: the read before ended the span, and this one starts from zero.
    assert.equal(rt.stats().runQueuePeak, 0)
  })

  test('a read ends the peak for every reader: the second of two readers sees only what came after the first', () => {
    const rt = new Runtime()
    const parked = parkedTasks(rt, 6)
    const first = rt.stats() // reader A
    for (const p of parked.slice(0, 2)) p.wake()
    rt.executor.runReadyTasks()
    const second = rt.stats() // reader B: only the pass of two, after A's read
    const third = rt.stats() // reader A again: B's read ended the span, nothing since
    assert.deepEqual(
      [first, second, third].map((s) => pick(s, 'runQueuePeak', 'statsReads')),
      [
        { runQueuePeak: 6, statsReads: 1 },
        { runQueuePeak: 2, statsReads: 2 },
        { runQueuePeak: 0, statsReads: 3 },
      ],
    )
  })

  test('NO_COUNTERS counts nothing; the state figures are looked up as before', () => {
    const rt = new Runtime({ counters: NO_COUNTERS })
    parkedTasks(rt, 4)[0]!.wake()
    const stats = rt.stats()
    assert.deepEqual(
      pick(stats, 'counters', 'passes', 'taskPolls', 'wakes', 'runQueuePeak', 'tasks', 'runQueue', 'statsReads'),
      { counters: 'off', passes: 0, taskPolls: 0, wakes: 0, runQueuePeak: 0, tasks: 4, runQueue: 1, statsReads: 1 },
    )
  })
})

describe('step 4 counters, in /__stats', () => {
  after(() => assert.equal(runningServers(), 0))

  test('sleepers are timers in the heap, idle keep-alive connections wait in the reactor', () =>
    withStep4([], async ({ port }) => {
      const sleepers = Array.from({ length: 4 }, () => exchange(port, [request('/1500')], { timeoutMs: 10_000 }))
      const idle = await Promise.all(Array.from({ length: 3 }, () => connectIdle(port)))
      // Until the sleepers and idle connections are all in (on a busy machine it takes a while).
      const busy = await statsUntil(port, (s) => s.timersPending >= 4 && s.waitingForReadiness === 4)
      assert.equal(busy.counters as unknown, 'on')
      assert.ok(busy.timersPending >= 4, `timersPending ${busy.timersPending}`)
      // The listener, four sleeping connections, three idle ones, and the one asking.
      assert.ok(busy.registrations >= 9, `registrations ${busy.registrations}`)
      // The accept loop and the three idle connections wait for readiness; the sleepers wait for
      // their timers, and the asker is being polled.
      assert.equal(busy.waitingForReadiness, 4)
      assert.ok(busy.readinessEvents! > 0 && busy.polls! > 0)
      for (const socket of idle) socket.destroy()
      await Promise.all(sleepers)
      const after = await stats(port)
      assert.ok(after.timersFired >= busy.timersFired + 4, `timersFired ${busy.timersFired} → ${after.timersFired}`)
      assert.ok(after.passes > busy.passes && after.taskPolls > busy.taskPolls && after.wakes > busy.wakes)
      assert.equal(after.statsReads, busy.statsReads + 1)
    }))

  test('--no-counters: the counters stay 0, the state figures still follow the load', () =>
    withStep4(['--no-counters'], async ({ port }) => {
      const sleepers = Array.from({ length: 3 }, () => exchange(port, [request('/800')], { timeoutMs: 10_000 }))
      const busy = await statsUntil(port, (s) => s.timersPending >= 3)
      assert.equal(busy.counters as unknown, 'off')
      for (const key of ['passes', 'taskPolls', 'wakes', 'polls', 'readinessEvents', 'timersFired', 'runQueuePeak'])
        assert.equal(busy[key], 0, key)
      assert.ok(busy.timersPending >= 3, `timersPending ${busy.timersPending}`)
      await Promise.all(sleepers)
    }))
})

async function withStep4<T>(args: string[], body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServer(findStep('4')!, args)
  try {
    await get(server.port, '/0')
    return await body(server)
  } finally {
    await server.stop()
  }
}

function connectIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** `/__stats`: numbers, and `counters`, the one string ('on' or 'off'). */
async function stats(port: number): Promise<Record<string, number>> {
  return JSON.parse((await get(port, '/__stats')).body) as Record<string, number>
}

function pick(body: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, body[k]]))
}
