// Step 5's server under load: the cap holds, the line is fair and bounded, nothing is lost, and a
// thread that dies costs one request. Margins are generous: a busy 2-core machine must not turn
// a true statement into a red test.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, stepArgs, type ServerProcess } from '../../bench/server/server-process.ts'
import { CPUS_MINUS_ONE, findStep } from '../../bench/steps.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { cpuHash } from '../../examples/shared/work.mjs'
import { exchange, get, request, sleep, type RawResponse } from '../helpers/raw-http.ts'

const STEP5 = findStep('5')!

async function withStep5<T>(
  args: string[],
  body: (server: ServerProcess) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  // The child inherits our environment at spawn time; set the test-only variables just for it.
  for (const [key, value] of Object.entries(env)) process.env[key] = value
  let server: ServerProcess
  try {
    server = await startServer(STEP5, args)
  } finally {
    for (const key of Object.keys(env)) delete process.env[key]
  }
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}

type Stats = Record<string, number>
async function stats(port: number): Promise<Stats> {
  return JSON.parse((await get(port, '/__stats')).body) as Stats
}

/** Polls /__stats until `ready` holds (or gives up after `ms`); returns the last snapshot. */
async function statsWhen(port: number, ready: (s: Stats) => boolean, ms = 5000): Promise<Stats> {
  const until = performance.now() + ms
  let s = await stats(port)
  while (!ready(s) && performance.now() < until) {
    await sleep(50)
    s = await stats(port)
  }
  return s
}

/** One GET on its own connection; resolves with the answer and when it arrived (performance.now()). */
async function timedGet(port: number, path: string, timeoutMs = 30_000): Promise<RawResponse & { doneAt: number }> {
  const { responses } = await exchange(port, [request(path)], { timeoutMs })
  return { ...responses[0]!, doneAt: performance.now() }
}

function cpuAnswer(n: number): string {
  return `cpu ${n} ${cpuHash(n)}\n`
}

describe('step 5: an async, CPU-bounded worker pool', () => {
  test('200 concurrent /cpu requests: never more than the cap running at once, every checksum right', () =>
    withStep5([], async ({ port }) => {
      const ns = Array.from({ length: 200 }, (_, i) => 10_000_000 + i)
      const answers = await Promise.all(ns.map((n) => timedGet(port, `/cpu/${n}`)))
      answers.forEach((r, i) => {
        assert.equal(r.status, 200, r.body)
        assert.equal(r.body, cpuAnswer(ns[i]!))
      })
      const s = await statsWhen(port, (s) => s.cpuRunning === 0)
      assert.equal(s.cpuLimit, availableParallelism(), 'the cap defaults to the CPU count')
      assert.ok(s.cpuRunningMax <= s.cpuLimit, `${s.cpuRunningMax} ran at once, cap ${s.cpuLimit}`)
      assert.equal(s.cpuRunningMax, s.cpuLimit, 'the load did fill every slot')
      assert.ok(s.queueLengthMax > 0, 'and requests did wait in line')
      assert.deepEqual([s.cpuRunning, s.queueLength, s.tasksDone, s.tasksFailed, s.tasksRejected], [0, 0, 200, 0, 0])
      assert.equal(s.poolSize, Math.min(2 * availableParallelism(), 40))
    }))

  test("the bench's 5-spare-core entry: step 5 with a cap of CPUs − 1, never below 1", async () => {
    assert.deepEqual(stepArgs({ args: ['--cpu-limit', CPUS_MINUS_ONE] }, 8), ['--cpu-limit', '7'])
    assert.deepEqual(stepArgs({ args: ['--cpu-limit', CPUS_MINUS_ONE] }, 1), ['--cpu-limit', '1'])
    const server = await startServer(findStep('5-spare-core')!)
    try {
      const s = await stats(server.port)
      assert.equal(s.step, 5)
      assert.equal(s.cpuLimit, Math.max(1, availableParallelism() - 1))
    } finally {
      await server.stop()
    }
  })

  test('first come, first served: with one slot, requests start in the order they arrived', () =>
    withStep5(['--cpu-limit', '1'], async ({ port }) => {
      await get(port, '/cpu/1000') // warm up
      // One long task holds the slot; requests keep arriving every 15 ms, before and while the line
      // drains, so arrivals race with freed slots and wake-ups. With one slot, a task's answer comes
      // before the next task can even start: the order of answers is the order of admission.
      const holder = timedGet(port, '/cpu/200000000')
      await sleep(30)
      const followers: Promise<RawResponse & { doneAt: number }>[] = []
      for (let i = 0; i < 30; i++) {
        followers.push(timedGet(port, `/cpu/${20_000_000 + i}`))
        await sleep(15)
      }
      const answers = await Promise.all([holder, ...followers])
      assert.ok(answers.every((r) => r.status === 200))
      const doneOrder = answers
        .map((r, i) => ({ i, at: r.doneAt }))
        .sort((a, b) => a.at - b.at)
        .map((x) => x.i)
      assert.deepEqual(
        doneOrder,
        answers.map((_, i) => i),
        'answered in arrival order',
      )
      const s = await stats(port)
      assert.equal(s.cpuRunningMax, 1)
    }))

  test('no lost wake-ups: 3000 short tasks from 50 connections all complete', (t) =>
    withStep5([], async ({ port }) => {
      const CONNECTIONS = 50
      const PER_CONNECTION = 60
      const results = await Promise.all(
        Array.from({ length: CONNECTIONS }, async (_, c) => {
          const ns = Array.from({ length: PER_CONNECTION }, (_, k) => 1000 + c * PER_CONNECTION + k)
          // Pipelined: the server takes them one at a time, each waiting for a slot in turn.
          const { responses } = await exchange(port, [ns.map((n) => request(`/cpu/${n}`)).join('')], {
            count: PER_CONNECTION,
            timeoutMs: 60_000,
          })
          return responses.every((r, k) => r.status === 200 && r.body === cpuAnswer(ns[k]!))
        }),
      )
      assert.ok(results.every(Boolean), 'every answer 200 with its checksum')
      const s = await statsWhen(port, (s) => s.cpuRunning === 0)
      assert.deepEqual([s.tasksDone, s.cpuRunning, s.queueLength], [CONNECTIONS * PER_CONNECTION, 0, 0])
      assert.ok(s.cpuRunningMax <= s.cpuLimit)
      t.diagnostic(`most in line ${s.queueLengthMax}, check/wait races ${s.wakeRaces}`)
    }))

  test('one slot, 4000 tiny tasks, 100 connections: none stuck, admitted in arrival order, woken by notify', (t) => {
    const admissions = join(mkdtempSync(join(tmpdir(), 'step5-')), 'admissions.txt')
    return withStep5(
      ['--cpu-limit', '1', '--max-queue', '100000'],
      async ({ port }) => {
        const CONNECTIONS = 100
        const PER_CONNECTION = 40
        // Pipelined: each connection hands the server its next request only once the last is
        // answered, so up to 100 requests stand in line at once, and every freed slot must be
        // passed on by a wake-up. A few microseconds of hashing each: the line turns over fast.
        const results = await Promise.all(
          Array.from({ length: CONNECTIONS }, async (_, c) => {
            const ns = Array.from({ length: PER_CONNECTION }, (_, k) => 10_000 + c * PER_CONNECTION + k)
            const { responses } = await exchange(port, [ns.map((n) => request(`/cpu/${n}`)).join('')], {
              count: PER_CONNECTION,
              timeoutMs: 120_000,
            })
            return responses.filter((r, k) => r.status === 200 && r.body === cpuAnswer(ns[k]!)).length
          }),
        )
        const TOTAL = CONNECTIONS * PER_CONNECTION
        assert.equal(
          results.reduce((a, b) => a + b, 0),
          TOTAL,
          'every request answered 200 with its checksum',
        )
        const s = await statsWhen(port, (s) => s.cpuRunning === 0 && s.inFlight === 0)
        assert.deepEqual(
          [s.tasksDone, s.tasksRejected, s.cpuRunning, s.queueLength, s.inFlight, s.cpuRunningMax],
          [TOTAL, 0, 0, 0, 0, 1],
        )
        assert.ok(s.queueLengthMax >= 10, `the line held at most ${s.queueLengthMax}: the test did not contend`)
        assert.ok(s.wakeUps > 0, 'slots were passed on by Atomics.notify waking the front of the line')
        t.diagnostic(
          `most in line ${s.queueLengthMax}, wake-ups ${s.wakeUps}, check/wait races ${s.wakeRaces}, of ${TOTAL} tasks`,
        )

        // The order of admission, as the server recorded it: ticket i is the i-th request to ask
        // for a slot. First come, first served means the tickets come out 0, 1, 2, ... in order.
        const tickets = readFileSync(admissions, 'utf8').trim().split('\n').map(Number)
        assert.equal(tickets.length, TOTAL)
        const outOfOrder = tickets.findIndex((ticket, i) => ticket !== i)
        assert.equal(outOfOrder, -1, `admission ${outOfOrder} went to ticket ${tickets[outOfOrder]}`)
      },
      { STEP5_TEST_ADMISSIONS: admissions },
    ).finally(() => rmSync(dirname(admissions), { recursive: true, force: true }))
  })

  test('clients that leave while in line cost no slot and no hash; the line goes on, in order', () =>
    withStep5(['--cpu-limit', '1'], async ({ port }) => {
      await get(port, '/cpu/1000') // warm up
      const holder = timedGet(port, '/cpu/1000000000') // holds the only slot for a second or so
      await statsWhen(port, (s) => s.cpuRunning === 1)
      // Six clients join the line, each with a task that would hash for a few hundred ms, and leave
      // before their turn: three close their socket (FIN, as curl or autocannon do on a timeout),
      // three reset it (RST).
      const leavers = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const socket = connect({ port, host: '127.0.0.1' })
          await once(socket, 'connect')
          socket.write(request(`/cpu/${300_000_000 + i}`))
          return socket
        }),
      )
      const queued = await statsWhen(port, (s) => s.queueLength === 6)
      assert.equal(queued.queueLength, 6, 'the six are in line behind the holder')
      for (const [i, socket] of leavers.entries()) {
        if (i % 2 === 0) socket.destroy()
        else socket.resetAndDestroy()
      }
      await sleep(50)
      const stayer = timedGet(port, '/cpu/20000000') // joins behind them, and waits for its answer
      const [held, stayed] = await Promise.all([holder, stayer])
      assert.equal(held.body, cpuAnswer(1_000_000_000))
      assert.equal(stayed.body, cpuAnswer(20_000_000))

      const s = await statsWhen(port, (s) => s.inFlight === 0 && s.connections === 0 && s.cpuRunning === 0)
      assert.equal(s.tasksAbandoned, 6, 'each of the six was dropped from the line')
      assert.equal(s.tasksDone, 3, 'and none of them hashed: only the warm-up, the holder and the stayer did')
      assert.deepEqual([s.cpuRunning, s.queueLength, s.inFlight, s.connections], [0, 0, 0, 0])
      assert.ok(s.queueLengthMax >= 7)
      // The slot went on to the next in line without anyone losing a wake-up: the limit is whole.
      const again = await Promise.all([timedGet(port, '/cpu/1001'), timedGet(port, '/cpu/1002')])
      assert.deepEqual(
        again.map((r) => r.body),
        [cpuAnswer(1001), cpuAnswer(1002)],
      )
    }))

  test('a full line gets 503 with Retry-After, while /0 still answers at once', () =>
    withStep5(['--cpu-limit', '1', '--max-queue', '2'], async ({ port }) => {
      await get(port, '/cpu/1000')
      const running = timedGet(port, '/cpu/400000000')
      await sleep(50)
      const queued = [timedGet(port, '/cpu/50000000'), timedGet(port, '/cpu/50000001')]
      await sleep(50)
      const refused = await timedGet(port, '/cpu/50000002')
      assert.equal(refused.status, 503)
      assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/)
      const t0 = performance.now()
      const io = await timedGet(port, '/0')
      assert.equal(io.body, 'slept 0 ms\n')
      assert.ok(io.doneAt - t0 < 250, `/0 took ${(io.doneAt - t0).toFixed(0)} ms`)
      const answers = await Promise.all([running, ...queued])
      assert.ok(io.doneAt < answers[0]!.doneAt, '/0 answered while the line was still full')
      assert.ok(answers.every((r) => r.status === 200))
      const s = await stats(port)
      assert.deepEqual([s.tasksRejected, s.queueLengthMax, s.queueLength], [1, 2, 0])
      assert.equal((await get(port, '/cpu/1001')).body, cpuAnswer(1001), 'room again once the line moved')
    }))

  test('a thread that dies or throws fails only its own request (500); the pool is whole again', () =>
    withStep5(
      ['--cpu-limit', '1'],
      async ({ port }) => {
        const before = await statsWhen(port, (s) => s.workersAlive === s.poolSize)
        // 777: the thread exits while holding the slot, so the main thread must give it back; with one
        // slot, a slot lost here would leave every later /cpu waiting forever.
        const died = await get(port, '/cpu/777')
        assert.equal(died.status, 500)
        assert.match(died.body, /exited with code 1/)
        assert.equal((await get(port, '/cpu/5000')).body, cpuAnswer(5000))
        // 778: the thread throws (an uncaught exception: 'error', then 'exit'); it dies holding its slot too.
        const threw = await get(port, '/cpu/778')
        assert.equal(threw.status, 500)
        assert.match(threw.body, /test crash on \/cpu\/778/)
        assert.equal((await get(port, '/cpu/5001')).body, cpuAnswer(5001))
        // Among others in flight, only the crashing request fails.
        const mixed = await Promise.all(
          ['/cpu/20000000', '/cpu/777', '/cpu/20000001', '/cpu/778', '/cpu/20000002'].map((p) => timedGet(port, p)),
        )
        assert.deepEqual(
          mixed.map((r) => r.status),
          [200, 500, 200, 500, 200],
        )
        assert.equal(mixed[2]!.body, cpuAnswer(20_000_001))

        const after = await statsWhen(port, (s) => s.workersAlive === s.poolSize && s.cpuRunning === 0)
        assert.equal(after.workersAlive, before.poolSize, 'back to full size')
        assert.equal(after.threadsSpawned, before.threadsSpawned + 4, 'one new thread per crash')
        assert.deepEqual([after.tasksFailed, after.cpuRunning, after.queueLength], [4, 0, 0])
        assert.equal((await get(port, '/cpu/5002')).body, cpuAnswer(5002))
      },
      { STEP5_TEST_CRASH: 'exit:777,throw:778' },
    ))

  test('flags: --cpu-limit above --pool-size, or 0, is refused with one line and exit 2', () => {
    for (const args of [
      ['--cpu-limit', '8', '--pool-size', '4'],
      ['--cpu-limit', '0'],
      ['--max-queue', '-1'],
    ]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, STEP5.entry), ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      })
      assert.equal(run.status, 2, args.join(' '))
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
    }
  })
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
