// The microtask trap on step 3: `GET /await/<n>` only awaits promises that are already resolved,
// and still freezes the event loop as `/cpu` does, because the microtask queue is drained to the
// end before libuv polls again. `GET /await-yield/<n>` does the same awaits with a turn of the loop
// every 128, and a `/0` sent meanwhile is answered while it runs. The `/0`s go out once the server
// is awaiting (its CPU time shows it), and the order of the answers is the lesson: no number of ms
// is asserted but lower bounds, as a busy 2-core machine runs the tests.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { exchange, get, request } from '../helpers/raw-http.ts'
import { cpuGrown, cpuMs } from '../helpers/server-busy.ts'

const N = 8_000_000 // about 0.4 s of awaits here: long enough to probe in

/** One GET on its own connection; when its answer arrived, in ms since `t0`. */
async function timedGet(port: number, path: string, t0: number) {
  const { responses } = await exchange(port, [request(path)], { timeoutMs: 60_000 })
  return { body: responses[0]!.body, doneAt: performance.now() - t0 }
}

/**
 * Starts `path` and, once the server has used 30 ms of CPU on it (it has read it and is awaiting),
 * sends `/0` after `/0`, one at a time, until the awaits are answered. A run where the machine
 * stalled this process so long that the first `/0` left only as the awaits ended shows nothing
 * either way: it is run again (at most three times in all). Also returns the CPU time the server
 * used meanwhile: a lower bound on how long its loop was busy with the awaits.
 */
async function probeWhile({ port, pid }: ServerProcess, path: string) {
  for (let attempt = 1; ; attempt++) {
    const t0 = performance.now()
    const cpuBefore = cpuMs(pid)
    let chainDone = false
    const chain = timedGet(port, path, t0).finally(() => (chainDone = true))
    await cpuGrown(pid, cpuBefore, 30)
    const probes: { sentAt: number; doneAt: number; latency: number }[] = []
    do {
      const sentAt = performance.now() - t0
      const { body, doneAt } = await timedGet(port, '/0', t0)
      assert.equal(body, 'slept 0 ms\n')
      probes.push({ sentAt, doneAt, latency: doneAt - sentAt })
    } while (!chainDone)
    const done = await chain
    const serverCpuMs = cpuMs(pid) - cpuBefore
    if (probes[0]!.sentAt < done.doneAt - 10 || attempt === 3) return { chain: done, probes, attempt, serverCpuMs }
  }
}

type Stats = Record<string, number>

describe('step 3: awaiting settled promises is not a turn of the event loop', () => {
  let server: ServerProcess
  let port: number
  before(async () => {
    server = await startServer(findStep('3')!)
    port = server.port
    // Warm up both paths, so the runs below time the awaits, not the compiler; briefly, so the
    // event-loop delay the server reports afterwards comes from the runs below.
    await get(port, '/await/100000')
    await get(port, '/await-yield/100000')
  })
  after(() => server.stop())

  test('the answers say what was done', async () => {
    assert.equal((await get(port, '/await/5')).body, 'awaited 5\n')
    assert.equal((await get(port, '/await-yield/100')).body, 'awaited 100, yielded 0 times\n')
    assert.equal((await get(port, '/await-yield/256')).body, 'awaited 256, yielded 2 times\n')
    for (const path of ['/await/0', '/await/100000001', '/await/x', '/await/', '/await-yield/-1']) {
      assert.equal((await get(port, path)).status, 400, path)
    }
    assert.equal((await get(port, '/await')).status, 404)
  })

  test(`GET /await/${N} holds back a concurrent GET /0 until the awaits are done`, async (t) => {
    const { chain, probes, attempt, serverCpuMs } = await probeWhile(server, `/await/${N}`)
    const probe = probes[0]!
    const stats = JSON.parse((await get(port, '/__stats')).body) as Stats
    t.diagnostic(
      `a /0 sent at ${probe.sentAt.toFixed(0)} ms, answered at ${probe.doneAt.toFixed(0)} ms; the awaits ` +
        `answered at ${chain.doneAt.toFixed(0)} ms; ` +
        `event-loop delay max ${stats.eventLoopDelayMaxMs} ms (run ${attempt})`,
    )
    assert.equal(chain.body, `awaited ${N}\n`)
    assert.ok(probe.sentAt < chain.doneAt - 10, 'the /0 was sent while the awaits ran')
    assert.ok(probe.doneAt >= chain.doneAt - 5, 'the /0 was answered only once the awaits were over')
    assert.ok(
      probe.latency >= 0.5 * (chain.doneAt - probe.sentAt),
      `the /0 waited ${probe.latency.toFixed(0)} ms of the ${(chain.doneAt - probe.sentAt).toFixed(0)} ms left`,
    )
    // The server's own meter saw its loop stand still: the LoopLag view of the run. Its CPU time
    // over the run is nearly all awaits, and the loop stood still at least that long (a lower
    // bound: the wall time of a busy stretch is never shorter than its CPU time).
    assert.ok(
      stats.eventLoopDelayMaxMs! >= 0.5 * (serverCpuMs - 50),
      `event-loop delay max ${stats.eventLoopDelayMaxMs} ms, the server used ${serverCpuMs} ms of CPU`,
    )
  })

  test(`GET /await-yield/${N} does the same awaits, and a /0 sent meanwhile is answered at once`, async (t) => {
    const { chain, probes, attempt } = await probeWhile(server, `/await-yield/${N}`)
    const during = probes.filter((p) => p.doneAt < chain.doneAt)
    t.diagnostic(
      `/await-yield/${N}: done at ${chain.doneAt.toFixed(0)} ms; ${during.length} of ${probes.length} /0 ` +
        `answered before it, slowest ${Math.max(...probes.map((p) => p.latency)).toFixed(1)} ms (run ${attempt})`,
    )
    assert.equal(chain.body, `awaited ${N}, yielded ${Math.floor(N / 128)} times\n`)
    assert.ok(probes[0]!.sentAt < chain.doneAt - 10, 'the first /0 was sent while the awaits ran')
    assert.ok(during.length >= 1 && during[0] === probes[0], 'the first /0 was answered while the awaits went on')
    // How many ms each /0 took depends on the machine's load: reported above, not asserted.
  })
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
