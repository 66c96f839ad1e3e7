// Step 6's dispatchers (examples/06-every-core/): which worker gets each new connection.
// - acceptor, round-robin: the main thread hands connections to the workers in turn;
// - kernel: every worker listens on the port (reusePort) and the kernel spreads connections;
// - acceptor, --pick least: a new connection goes to the worker holding the fewest;
// - a mode the running Node or OS lacks is refused with one line (exit 2).
// Each connection learns which worker serves it from its own `/__stats` (`worker`).

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { findStep } from '../../bench/steps.ts'
import { handleTransferMissing } from '../../examples/shared/handle-transfer.ts'
import { KeepAlive } from '../helpers/keep-alive.ts'
import { get, sleep } from '../helpers/raw-http.ts'

const ENTRY = join(REPO_ROOT, findStep('6')!.entry)
const transferMissing = handleTransferMissing()

async function withStep6<T>(args: string[], body: (server: ServerProcess) => Promise<T>): Promise<T> {
  // The tests hold connections open and count them; on a busy machine a test can outlast the
  // default header timeout (10 s) that would close the idle ones, so it is set long here.
  const server = await startServer(findStep('6')!, [...args, '--header-timeout', '600000'])
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}

/** What these tests read of `/__stats`: the worker that answered, and every worker's connections. */
type Shares = { worker: number; workers: { connections: number; accepted: number }[] }

/** The worker serving `connection`, from its own `/__stats`. */
async function workerOf(connection: KeepAlive): Promise<number> {
  return (await connection.stats<Shares>()).worker
}

describe('step 6: which worker gets a connection', () => {
  if (transferMissing === undefined) {
    test('acceptor, round-robin: 12 connections over 3 workers, 4 each, in turn', () =>
      withStep6(['--dispatch', 'acceptor', '--workers', '3'], async ({ port }) => {
        const held: KeepAlive[] = []
        for (let i = 0; i < 12; i++) held.push(await KeepAlive.open(port)) // one after another: accept order is known
        const workers = await Promise.all(held.map(workerOf))
        assert.deepEqual(workers, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
        const { workers: rows } = await held[0]!.stats<Shares>()
        assert.deepEqual(
          rows.map((w) => w.accepted),
          [4, 4, 4],
        )
        for (const h of held) h.close()
      }))

    test('acceptor, --pick least: a new connection goes to the worker holding the fewest', () =>
      withStep6(['--dispatch', 'acceptor', '--workers', '3', '--pick', 'least'], async ({ port }) => {
        // An idle server: ties go round-robin, so the first six spread out evenly. Each connection
        // is answered (so its worker has taken it and counts it) before the next one is opened: a
        // pick made while a worker is still taking the previous one could see a passing count.
        const held: KeepAlive[] = []
        const workers: number[] = []
        for (let i = 0; i < 6; i++) {
          held.push(await KeepAlive.open(port))
          workers.push(await workerOf(held.at(-1)!))
        }
        assert.deepEqual(workers, [0, 1, 2, 0, 1, 2])
        // Leave worker 0 with none, worker 1 with two, worker 2 with one.
        const [a, b, c, d, e, f] = held
        for (const h of [a, d, c]) h!.close()
        const observer = b! // on worker 1; its own /__stats does not count itself
        const loads = async () =>
          (await observer.stats<Shares>()).workers.map((w, i) => w.connections + (i === 1 ? 1 : 0))
        // The closes reach the workers in their own time: wait for them (long, for a busy machine).
        const deadline = performance.now() + 20_000
        while ((await loads()).join() !== '0,2,1' && performance.now() < deadline) await sleep(20)
        assert.deepEqual(await loads(), [0, 2, 1])
        const opened: KeepAlive[] = []
        for (let i = 0; i < 3; i++) {
          const before = await loads()
          const fewest = Math.min(...before)
          const h = await KeepAlive.open(port)
          opened.push(h)
          const worker = await workerOf(h)
          assert.equal(
            before[worker],
            fewest,
            `connection ${i} went to worker ${worker}; loads were ${before.join(', ')}`,
          )
        }
        assert.equal(await workerOf(opened[0]!), 0, 'the first one to the empty worker, not the next in turn')
        assert.deepEqual(await loads(), [2, 2, 2], 'and the loaded worker got nothing until the others caught up')
        for (const h of [b, e, f, ...opened]) h!.close()
      }))

    test('kernel dispatch refuses --pick least: the kernel picks', () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, '--dispatch', 'kernel', '--pick', 'least'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      })
      assert.equal(run.status, 2)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.match(run.stderr, /--pick applies to --dispatch acceptor only/)
    })
  } else {
    test(`acceptor dispatch is refused on this Node (${process.version}) with one line naming what it needs`, () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, '--dispatch', 'acceptor', '--port', '0'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      })
      assert.equal(run.status, 2)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.match(run.stderr, /--dispatch acceptor needs a Node that can hand a socket to a worker thread \(26\.6\+/)
      assert.equal(run.stdout, '', 'nothing listened')
    })

    test('without handle transfer, the default dispatch is the kernel', () =>
      withStep6([], async ({ port }) => {
        const stats = JSON.parse((await get(port, '/__stats')).body) as { dispatch: string }
        assert.equal(stats.dispatch, 'kernel')
      }))
  }

  test('kernel: 40 connections over 2 workers land on both', { skip: process.platform !== 'linux' }, () =>
    withStep6(['--dispatch', 'kernel', '--workers', '2'], async ({ port }) => {
      const held = await Promise.all(Array.from({ length: 40 }, () => KeepAlive.open(port)))
      const workers = await Promise.all(held.map(workerOf))
      const counts = [0, 1].map((w) => workers.filter((x) => x === w).length)
      // The kernel hashes each connection's addresses and ports; 40 fresh source ports all landing
      // on one listener would be a 1-in-2^39 event.
      assert.ok(
        counts.every((n) => n >= 4),
        `per worker: ${counts.join(', ')}`,
      )
      for (const h of held) h.close()
    }),
  )
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
