// Step 2 `--own-socket` (examples/02-thread-per-request/own-socket.ts): a thread per connection,
// which owns its socket and serves every request on it, then ends with it.
// - one thread per connection, not per request; it ends when the connection closes;
// - a thread that blocks holds up only its own connection;
// - `--max-threads`: beyond it, the main thread serves the connection itself, with 503 for work;
// - refused with one line where the Node cannot hand a socket to a thread, or beside `--pool`.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { findStep } from '../../bench/steps.ts'
import { handleTransferMissing } from '../../examples/shared/handle-transfer.ts'
import { exchange, get, request, sleep } from '../helpers/raw-http.ts'
import { cpuGrown, cpuMs, mostInFlight, statsUntil as pollStats } from '../helpers/server-busy.ts'

const ENTRY = join(REPO_ROOT, findStep('2')!.entry)
const transferMissing = handleTransferMissing()

interface Stats {
  threadsSpawned: number
  threadsAlive: number
  threadStartMsAvg: number
  connections: number
  ownSocket: boolean
}

async function withOwnSocket<T>(args: string[], body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServer(findStep('2')!, ['--own-socket', ...args])
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', ENTRY, '--port', '0', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  })
}

/** Polls /__stats (each poll is a connection, so a thread, of its own) until `ok` holds. */
const statsUntil = (port: number, ok: (s: Stats) => boolean) => pollStats<Stats>(port, ok)

describe('step 2 --own-socket', () => {
  test('--own-socket and --pool together are refused with one line', () => {
    const r = run(['--own-socket', '--pool', '2'])
    assert.equal(r.status, 2)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, /--own-socket and --pool/)
  })

  if (transferMissing !== undefined) {
    test(`refused on this Node (${process.version}) with one line naming what it needs`, () => {
      const r = run(['--own-socket'])
      assert.equal(r.status, 2)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      assert.match(r.stderr, /--own-socket needs a Node that can hand a socket to a worker thread \(26\.6\+/)
      assert.equal(r.stdout, '')
    })
    return
  }

  test('a thread per connection: three requests on one connection start one thread, which ends with it', () =>
    withOwnSocket([], async ({ port }) => {
      const first = await statsUntil(port, () => true) // this poll's own connection had a thread
      const { responses } = await exchange(port, [request('/20'), request('/cpu/1000'), request('/0')], { gapMs: 20 })
      assert.deepEqual(
        responses.map((r) => r.status),
        [200, 200, 200],
      )
      const stats = await statsUntil(port, (s) => s.threadsAlive === 1) // only the asking connection's
      assert.equal(stats.ownSocket, true)
      assert.equal(stats.threadsSpawned, first.threadsSpawned + 2, 'one for the three requests, one for this poll')
      assert.equal(stats.threadsAlive, 1, 'the thread of a closed connection has ended')
      assert.equal(stats.connections, 0)
      assert.ok(stats.threadStartMsAvg > 0)
    }))

  test('two sleeps on two connections overlap; a hash blocks only its own connection', () =>
    withOwnSocket([], async ({ port, pid }) => {
      await get(port, '/0')
      assert.equal(await mostInFlight(port, 2), 2, 'both sleeps in flight at once')

      const t1 = performance.now()
      const before = cpuMs(pid)
      const cpu = exchange(port, [request('/cpu/600000000')], { timeoutMs: 30_000 }).then(() => performance.now() - t1)
      await cpuGrown(pid, before, 50) // its thread is hashing now, with hundreds of ms to go
      const probe = exchange(port, [request('/0')], { timeoutMs: 30_000 }).then(() => performance.now() - t1)
      const [cpuDone, probeDone] = await Promise.all([cpu, probe])
      assert.ok(probeDone < cpuDone, `/0 at ${probeDone.toFixed(0)} ms should beat /cpu at ${cpuDone.toFixed(0)} ms`)
    }))

  test('--max-threads 1: a second connection is served by the main thread, 503 for work, and kept usable', () =>
    withOwnSocket(['--max-threads', '1'], async ({ port }) => {
      // Holds the one thread for 3 s; a second is ample for its thread to start, even when busy.
      const slow = exchange(port, [request('/3000')], { timeoutMs: 20_000 })
      await sleep(1000)
      const { responses, closed } = await exchange(port, [request('/0'), request('/'), request('/__stats')], {
        waitForCloseMs: 100,
      })
      assert.equal(responses[0]!.status, 503)
      assert.ok(Number(responses[0]!.headers.get('retry-after')) >= 1)
      assert.equal(responses[1]!.status, 200, 'the index page is answered all the same')
      const stats = JSON.parse(responses[2]!.body) as Stats
      assert.equal(stats.threadsAlive, 1)
      assert.equal(stats.connections, 1, "the slow connection; the asking one doesn't count itself")
      assert.equal(closed, false)
      assert.equal((await slow).responses[0]!.status, 200)
    }))
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
