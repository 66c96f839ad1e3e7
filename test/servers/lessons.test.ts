// The lesson each step exists to show, measured with generous margins (a busy 2-core CI machine
// must not turn a true lesson into a red test):
// - step 1 answers one request at a time: two concurrent /300 take at least 600 ms in all;
// - steps 2 and 3 overlap them: the server has both in flight at once (its own /__stats);
// - step 3 runs /cpu on its loop: a /0 sent while it hashes (its CPU time shows it) waits;
// - step 2 keeps its loop free (the hash runs on a thread) and counts the threads it starts;
//   with --pool 2, a third concurrent request waits for a free thread (the longest line is
//   counted); with --max-threads 2, a third and a fourth are refused with 503, and counted.
// Times are asserted only as lower bounds (a sleep is never answered early); where a lesson is
// "at the same time", the test waits for the server's own evidence instead of a stopwatch. So the
// tests, each with a server of its own, run at the same time.

import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { exchange, get, request, sleep } from '../helpers/raw-http.ts'
import { cpuGrown, cpuMs, mostInFlight } from '../helpers/server-busy.ts'

async function withStep<T>(id: string, args: string[], body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServer(findStep(id)!, args)
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}

/** Sends `paths` at once, each on its own connection; returns each answer's time and the total. */
async function concurrently(port: number, paths: string[]) {
  const t0 = performance.now()
  const answers = await Promise.all(
    paths.map(async (path) => {
      const { responses } = await exchange(port, [request(path)], { timeoutMs: 10_000 })
      return { path, status: responses[0]!.status, doneMs: performance.now() - t0 }
    }),
  )
  return { answers, totalMs: performance.now() - t0 }
}

// A /cpu size that takes a few hundred ms on any laptop core.
const LONG_CPU = '/cpu/400000000'

describe('what each step shows', { concurrency: true }, () => {
  test('step 1: two concurrent /300 are served one after the other (>= 600 ms in all)', () =>
    withStep('1', [], async ({ port }) => {
      const { answers, totalMs } = await concurrently(port, ['/300', '/300'])
      assert.ok(answers.every((a) => a.status === 200))
      assert.ok(totalMs >= 590, `took ${totalMs.toFixed(0)} ms`)
    }))

  for (const id of ['2', '3']) {
    test(`step ${id}: two concurrent sleeps overlap (both in flight at once)`, () =>
      withStep(id, [], async ({ port }) => {
        assert.equal(await mostInFlight(port, 2), 2)
      }))
  }

  test('step 3: a /0 sent while a long /cpu runs waits for it (the loop is blocked)', () =>
    withStep('3', [], async ({ port, pid }) => {
      const t0 = performance.now()
      const before = cpuMs(pid)
      const cpu = exchange(port, [request(LONG_CPU)], { timeoutMs: 20_000 }).then(() => performance.now() - t0)
      await cpuGrown(pid, before, 50) // it is hashing now, with hundreds of ms of hashing to go
      const probeStart = performance.now()
      const probe = exchange(port, [request('/0')], { timeoutMs: 20_000 }).then(() => performance.now() - t0)
      const [cpuDone, probeDone] = await Promise.all([cpu, probe])
      assert.ok(
        probeDone >= cpuDone - 5,
        `/0 answered at ${probeDone.toFixed(0)} ms, before /cpu at ${cpuDone.toFixed(0)} ms`,
      )
      assert.ok(probeDone - (probeStart - t0) > 100, 'the /0 waited')
    }))

  test('step 2: the hash runs on a thread, so a /0 meanwhile answers at once; threads are counted', () =>
    withStep('2', [], async ({ port, pid }) => {
      const t0 = performance.now()
      const before = cpuMs(pid)
      const cpu = exchange(port, [request(LONG_CPU)], { timeoutMs: 20_000 }).then(() => performance.now() - t0)
      await cpuGrown(pid, before, 50) // its thread is hashing now, with hundreds of ms to go
      const probe = exchange(port, [request('/0')], { timeoutMs: 20_000 }).then(() => performance.now() - t0)
      const [cpuDone, probeDone] = await Promise.all([cpu, probe])
      assert.ok(probeDone < cpuDone, `/0 at ${probeDone.toFixed(0)} ms should beat /cpu at ${cpuDone.toFixed(0)} ms`)
      let stats = JSON.parse((await get(port, '/__stats')).body)
      assert.equal(stats.threadsSpawned, 2)
      const deadline = performance.now() + 20_000
      while (stats.threadsAlive > 0 && performance.now() < deadline) {
        await sleep(50)
        stats = JSON.parse((await get(port, '/__stats')).body)
      }
      assert.equal(stats.threadsAlive, 0, 'per-request threads end after answering')
      assert.ok(stats.threadStartMsAvg > 0)
    }))

  test('step 2 --pool 2: the third of three concurrent /1000 waits for a thread; only 2 threads ever start', () =>
    withStep('2', ['--pool', '2'], async ({ port }) => {
      await get(port, '/0')
      // A second each, so all three are in before the first is done, even on a busy machine.
      const { answers, totalMs } = await concurrently(port, ['/1000', '/1000', '/1000'])
      assert.ok(answers.every((a) => a.status === 200))
      assert.ok(totalMs >= 1990, `took ${totalMs.toFixed(0)} ms`)
      const stats = JSON.parse((await get(port, '/__stats')).body)
      assert.equal(stats.threadsSpawned, 2)
      assert.equal(stats.threadsAlive, 2)
      assert.equal(stats.poolSize, 2)
      assert.equal(stats.queueLength, 0)
      assert.equal(stats.queueLengthMax, 1, 'the third request waited in the line')
    }))

  test('step 2 --max-threads 2: beyond two live threads, 503 with Retry-After, counted in /__stats', () =>
    withStep('2', ['--max-threads', '2'], async ({ port }) => {
      const answers = await Promise.all(
        // Two seconds each, so all four are in while the first two still run, even on a busy machine.
        Array.from({ length: 4 }, () => exchange(port, [request('/2000')], { timeoutMs: 20_000 })),
      )
      const responses = answers.map((a) => a.responses[0]!)
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 200, 503, 503])
      for (const r of responses.filter((x) => x.status === 503)) assert.equal(r.headers.get('retry-after'), '1')
      const stats = JSON.parse((await get(port, '/__stats')).body)
      assert.equal(stats.maxThreads, 2)
      assert.equal(stats.refusedAtMaxThreads, 2)
      assert.equal(stats.threadsSpawned, 2)
      assert.equal(stats.threadsAliveMax, 2, 'never more threads alive than the wall')
    }))
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
