// The step-4 server as a process: what the talk claims about it, with generous margins.
// - its timers are a heap: a /100 sent after a /1000 answers after about 100 ms;
// - requests overlap (like step 3), and /cpu still blocks everything (like step 3);
// - /__stats shows the runtime's own counters;
// - a client pipelining a thousand requests is served in order, and the budget makes it yield;
// - --trace prints the life of a request, and nothing is printed without it.

import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { cpuHash } from '../../examples/shared/work.mjs'
import { exchange, get, request, sleep } from '../helpers/raw-http.ts'
import { cpuGrown, cpuMs, mostInFlight, outputUntil, statsUntil } from '../helpers/server-busy.ts'

async function withStep4<T>(args: string[], body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServer(findStep('4')!, args)
  try {
    await get(server.port, '/0') // warm up: the first request pays for lazy loading
    return await body(server)
  } finally {
    await server.stop()
  }
}

async function stats(port: number): Promise<Record<string, number>> {
  return JSON.parse((await get(port, '/__stats')).body) as Record<string, number>
}

describe('step 4 server', () => {
  test('a /100 sent after a /2000 answers first, not after the long one', () =>
    withStep4([], async ({ port }) => {
      const t0 = performance.now()
      const long = exchange(port, [request('/2000')], { timeoutMs: 20_000 }).then(() => performance.now() - t0)
      await sleep(20)
      const t1 = performance.now()
      const short = await exchange(port, [request('/100')], { timeoutMs: 20_000 })
      const shortMs = performance.now() - t1
      const shortDone = performance.now() - t0
      assert.equal(short.responses[0]?.body, 'slept 100 ms\n')
      assert.ok(shortMs >= 95, `the /100 took ${shortMs.toFixed(0)} ms`)
      const longDone = await long
      assert.ok(longDone >= 1995)
      assert.ok(
        shortDone < longDone,
        `the /100 done at ${shortDone.toFixed(0)} ms, the /2000 at ${longDone.toFixed(0)}`,
      )
    }))

  test('two concurrent sleeps overlap; a /0 sent during a long /cpu waits for it', () =>
    withStep4([], async ({ port, pid }) => {
      assert.equal(await mostInFlight(port, 2), 2, 'both sleeps in flight at once')

      const t1 = performance.now()
      const before = cpuMs(pid)
      const cpu = exchange(port, [request('/cpu/400000000')], { timeoutMs: 20_000 }).then(() => performance.now() - t1)
      await cpuGrown(pid, before, 50) // it is hashing now, with hundreds of ms of hashing to go
      const probe = await exchange(port, [request('/0')], { timeoutMs: 20_000 }).then(() => performance.now() - t1)
      const cpuDoneMs = await cpu
      assert.ok(
        probe >= cpuDoneMs - 50,
        `the /0 answered at ${probe.toFixed(0)} ms, the /cpu at ${cpuDoneMs.toFixed(0)} ms`,
      )
    }))

  test("/__stats shows the runtime's counters, and they follow the load", () =>
    withStep4([], async ({ port }) => {
      const idle = await stats(port)
      for (const key of [
        'tasks',
        'runQueue',
        'timersPending',
        'polls',
        'taskPolls',
        'budgetYields',
        'connections',
        'inFlight',
        'answered',
      ]) {
        assert.equal(typeof idle[key], 'number', `${key} is a number`)
      }
      const sleepers = Array.from({ length: 5 }, () => exchange(port, [request('/1500')], { timeoutMs: 10_000 }))
      const busy = await statsUntil(port, (s) => s.inFlight === 5)
      assert.equal(busy.inFlight, 5)
      assert.equal(busy.connections, 5)
      assert.ok(busy.timersPending >= 5, `timersPending ${busy.timersPending}`)
      assert.ok(busy.tasks >= 7, `tasks ${busy.tasks}: the accept loop, five sleepers, the asker`)
      assert.ok(busy.polls > idle.polls)
      await Promise.all(sleepers)
      const after = await statsUntil(port, (s) => s.inFlight === 0)
      assert.equal(after.inFlight, 0)
      assert.ok(after.answered >= idle.answered + 6)
    }))

  test('a thousand pipelined requests are answered in order, and the budget makes the connection yield', () =>
    withStep4([], async ({ port }) => {
      const before = await stats(port)
      // /cpu/<i> answers at once (inline) with a body of its own, so each step of the connection is
      // ready and the order of the answers can be checked one by one.
      const N = 1000
      const ns = Array.from({ length: N }, (_, i) => i + 1)
      const { responses } = await exchange(port, [ns.map((n) => request(`/cpu/${n}`)).join('')], {
        count: N,
        timeoutMs: 20_000,
      })
      assert.deepEqual(
        responses.map((r) => r.body),
        ns.map((n) => `cpu ${n} ${cpuHash(n)}\n`),
      )
      const afterwards = await stats(port)
      assert.ok(afterwards.budgetYields > before.budgetYields, 'the connection was made to yield at least once')
    }))

  test('--trace prints the life of a GET /100 on stderr; stdout still starts with the listening line', () =>
    withStep4(['--trace'], async (server) => {
      // Let the warm-up connection close: the timeline should be ours alone.
      await outputUntil(server.stderr, /closing -> closed/)
      const before = server.stderr().length
      const r = await get(server.port, '/100')
      assert.equal(r.status, 200)
      await outputUntil(() => server.stderr().slice(before), /closing -> closed/)
      const timeline = server.stderr().slice(before)
      const expected = [
        /poll +returned 1 event: token \d+ \(listener\) readable/,
        /accept +conn \d+ from 127\.0\.0\.1:\d+: token \d+, task \d+ \(conn \d+\)/,
        /conn \d+ +reading -> sleeping: GET \/100/,
        /timers +wake task \d+ \(conn \d+\) at t=/,
        /runtime +poll\(timeout \d+\.\d+ ms\): back to Node's loop/,
        /timers +deadline t=\S+ passed \(\S+ ms ago\): wake task \d+ \(conn \d+\)/,
        /conn \d+ +sleeping -> writing: 200/,
        /conn \d+ +writing -> closing: answered; this answer closes the connection/,
        /conn \d+ +closing -> closed: both sides have closed/,
      ]
      let from = 0
      for (const pattern of expected) {
        const match = pattern.exec(timeline.slice(from))
        assert.ok(match, `missing, or out of order: ${pattern}\n${timeline}`)
        from += match.index + match[0].length
      }
      for (const line of timeline.trimEnd().split('\n'))
        assert.match(line, /^ +\d+\.\d{3} {2}\S/, 'every line starts with its time')
      assert.match(
        timeline,
        /^ +0\.0\d\d {2}poll +returned/,
        'the timeline of a connection to an idle server starts at 0',
      )
    }))

  test('without --trace, the server prints nothing while it serves', () =>
    withStep4([], async (server) => {
      await get(server.port, '/20')
      await exchange(server.port, ['BROKEN\r\n\r\n'], { waitForCloseMs: 100 })
      assert.equal(server.stderr(), '')
    }))
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
