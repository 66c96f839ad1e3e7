// Step 6's `/__stats` and the weakness it is there to show, in both dispatch modes:
// - a `/cpu` hashes on the worker that received it: that worker's other connections wait for it,
//   another worker's do not, and whichever worker answers `/__stats` meanwhile sees the busy one
//   stalled (its loop silent) with a CPU task running;
// - the per-worker figures add up to the top-level ones, and `imbalance` is max ÷ mean requests.

import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { exchange, get, request } from '../helpers/raw-http.ts'
import { KeepAlive } from '../helpers/keep-alive.ts'
import { cpuGrown, cpuMs } from '../helpers/server-busy.ts'

interface WorkerRow {
  worker: number
  connections: number
  accepted: number
  requests: number
  inFlight: number
  cpuRunning: number
  cpuDone: number
  stalledMs: number
}
interface Stats {
  worker: number
  workerCount: number
  connections: number
  inFlight: number
  imbalance: number
  eventLoopStalledMs: number
  tasksDone: number
  cpuRunning: number
  workers: WorkerRow[]
}

const LONG_CPU = 1_000_000_000 // about a second of hashing on a laptop core, more on a busy machine

for (const id of ['6', '6-kernel']) {
  describe(`step ${id}: /__stats per worker`, () => {
    let server: ServerProcess
    const open: KeepAlive[] = []
    after(async () => {
      for (const c of open) c.close()
      await server?.stop()
    })

    test('a /cpu holds up its own worker, not the others; the others see it stalled and hashing', async () => {
      // The connections below stay open across both tests, idle at times for longer than the default
      // header timeout (10 s) on a busy machine: a long one keeps the server from closing them.
      server = await startServer(findStep(id)!, ['--workers', '2', '--header-timeout', '600000'])
      // Find two connections on one worker and one on the other, whatever the dispatcher does.
      const byWorker: KeepAlive[][] = [[], []]
      for (let i = 0; i < 40 && (byWorker[0]!.length < 2 || byWorker[1]!.length < 2); i++) {
        const c = await KeepAlive.open(server.port)
        open.push(c)
        byWorker[(await c.stats<Stats>()).worker]!.push(c)
      }
      const [hashing, sameWorker] = byWorker[0]!
      const [otherWorker] = byWorker[1]!

      const t0 = performance.now()
      const cpuBefore = cpuMs(server.pid)
      const cpu = hashing!.get(`/cpu/${LONG_CPU}`).then(() => performance.now() - t0)
      await cpuGrown(server.pid, cpuBefore, 50) // worker 0 is hashing now, with most of a second to go
      const other = otherWorker!.get('/0').then(() => performance.now() - t0)
      const same = sameWorker!.get('/0').then(() => performance.now() - t0)
      const otherDone = await other
      // While the hash runs, worker 1 answers /__stats for the whole server.
      await new Promise((r) => setTimeout(r, 500))
      const during = await otherWorker!.stats<Stats>()
      const duringAt = performance.now() - t0
      const [cpuDone, sameDone] = await Promise.all([cpu, same])

      assert.ok(
        otherDone < cpuDone,
        `the other worker answered at ${otherDone.toFixed(0)} ms, the hash ended at ${cpuDone.toFixed(0)} ms`,
      )
      assert.ok(
        sameDone >= cpuDone - 5,
        `the same worker's /0 answered at ${sameDone.toFixed(0)} ms, before the hash ended at ${cpuDone.toFixed(0)} ms`,
      )
      if (duringAt < cpuDone - 100) {
        // Only meaningful if the hash was still running when we asked (it is, on any laptop).
        assert.equal(during.worker, 1)
        assert.equal(during.workers[0]!.cpuRunning, 1, 'worker 0 is hashing')
        assert.equal(during.cpuRunning, 1, 'one slot of the shared cap is taken')
        assert.ok(during.workers[0]!.stalledMs > 0, 'worker 0 has not published for a while')
        assert.equal(during.eventLoopStalledMs, during.workers[0]!.stalledMs)
        assert.equal(during.workers[1]!.stalledMs, 0)
      }
      const afterwards = await otherWorker!.stats<Stats>()
      assert.equal(afterwards.tasksDone, 1)
      assert.equal(afterwards.workers[0]!.cpuDone, 1)
    })

    test('per-worker figures add up; imbalance is max ÷ mean requests', async () => {
      const conns = open.slice(0, 4)
      for (const c of conns) await c.get('/0') // one request on each of four connections
      const stats = await conns[0]!.stats<Stats>()
      const rows = stats.workers
      assert.equal(stats.workerCount, 2)
      assert.equal(rows.length, 2)
      // Connections: the top-level figure leaves out the asking connection; so does its own row.
      assert.equal(
        rows.reduce((n, w) => n + w.connections, 0),
        stats.connections,
      )
      assert.equal(stats.connections, open.length - 1)
      assert.equal(rows.reduce((n, w) => n + w.accepted, 0) >= open.length, true)
      const requests = rows.map((w) => w.requests)
      const mean = (requests[0]! + requests[1]!) / 2
      assert.equal(stats.imbalance, Math.round((Math.max(...requests) / mean) * 100) / 100)
      // /__stats does not count as a request: sampling it cannot skew the figure.
      const again = await conns[0]!.stats<Stats>()
      assert.deepEqual(
        again.workers.map((w) => w.requests),
        requests,
      )
      assert.equal(again.inFlight, 0)
    })
  })
}

describe('step 6: a new connection per /__stats poll', () => {
  test('a fresh connection asking for /__stats counts no connection of its own', async () => {
    const server = await startServer(findStep('6')!, ['--workers', '2'])
    try {
      const stats = JSON.parse((await get(server.port, '/__stats')).body) as Stats
      assert.equal(stats.connections, 0)
      assert.deepEqual(
        stats.workers.map((w) => w.connections),
        [0, 0],
      )
      const { responses } = await exchange(server.port, [request('/cpu/1000')])
      assert.equal(responses[0]!.status, 200)
    } finally {
      await server.stop()
    }
  })
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
