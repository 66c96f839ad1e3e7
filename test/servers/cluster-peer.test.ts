// The node:cluster peer of step 6 (bench/peers/cluster-server.ts), in both scheduling policies:
// - its `/__stats` is the whole server's, whichever worker process answers: the requests the
//   workers served add up, every worker is listed with its pid, requests in flight on two add up;
// - the bench's view from outside (/proc) counts the worker processes, and only them;
// - no worker process outlives the primary, whether it is stopped (SIGTERM) or killed (SIGKILL);
// - a bad flag gets one line and exit code 2.
// (The workload protocol itself is the protocol suite's: both entries are in bench/steps.ts.)

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { processCpuMs, processStatus, serverProcesses } from '../../bench/server/machine.ts'
import { runningServers, type ServerProcess, startServer } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { get, sleep } from '../helpers/raw-http.ts'

interface WorkerRow {
  worker: number
  pid: number | null
  accepted: number
  requests: number
  inFlight: number
}
interface Stats {
  step: string
  policy: string
  worker: number
  workerCount: number
  primaryPid: number | null
  inFlight: number
  rss: number
  workers: WorkerRow[]
}

const WORKERS = 2

async function stats(port: number): Promise<Stats> {
  const r = await get(port, '/__stats')
  assert.equal(r.status, 200)
  return JSON.parse(r.body) as Stats
}

/** Polls `/__stats` until `done` holds (the others' rows arrive every ~200 ms), or fails after `ms`. */
async function statsUntil(port: number, done: (s: Stats) => boolean, ms: number, what: string): Promise<Stats> {
  const deadline = performance.now() + ms
  let last = await stats(port)
  while (!done(last)) {
    if (performance.now() > deadline)
      assert.fail(`${what}: not within ${ms} ms; last /__stats: ${JSON.stringify(last)}`)
    await sleep(50)
    last = await stats(port)
  }
  return last
}

/** Alive and not a zombie (a zombie has exited; only its parent has not reaped it yet). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]
    return state !== 'Z'
  } catch {
    return false
  }
}

async function goneWithin(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = performance.now() + ms
  let left = pids.filter(alive)
  while (left.length > 0 && performance.now() < deadline) {
    await sleep(50)
    left = left.filter(alive)
  }
  return left
}

async function start(id: string): Promise<ServerProcess> {
  const step = findStep(id)
  assert.ok(step, `${id} is registered`)
  return startServer(step, ['--workers', String(WORKERS)])
}

/** Every worker's pid, once every worker has reported its row. */
async function workerPids(port: number): Promise<number[]> {
  const s = await statsUntil(port, (x) => x.workers.every((w) => w.pid !== null), 10_000, 'every worker listed')
  return s.workers.map((w) => w.pid!)
}

for (const policy of ['rr', 'none']) {
  const id = `cluster-${policy}`
  describe(`${id}: the node:cluster peer`, () => {
    const servers: ServerProcess[] = []
    after(async () => {
      for (const server of servers) await server.stop()
    })

    test('the requests the workers served add up, on the one port the primary picked', async () => {
      const server = await start(id)
      servers.push(server)
      // A fresh server has served no request (`/__stats` is not counted): every one below is ours.
      const COUNT = 8
      for (let i = 0; i < COUNT; i++) assert.equal((await get(server.port, '/0')).status, 200)
      const served = (s: Stats) => s.workers.reduce((sum, w) => sum + w.requests, 0)
      const after = await statsUntil(server.port, (s) => served(s) === COUNT, 5000, `${COUNT} requests served`)
      if (policy === 'rr') {
        // The primary hands each new connection to the next free worker: one at a time, both get some.
        for (const w of after.workers) assert.ok(w.requests > 0, `worker ${w.worker} served none`)
      }
      await sleep(300) // rows as last heard are ~200 ms old at most: the sum has not gone past COUNT
      assert.equal(served(await stats(server.port)), COUNT)
    })

    test('/__stats is the whole server: every worker process, requests in flight on any of them', async () => {
      const server = servers[0]!
      const first = await stats(server.port)
      assert.equal(first.step, id)
      assert.equal(first.policy, policy)
      assert.equal(first.workerCount, WORKERS)
      assert.equal(first.workers.length, WORKERS)
      assert.ok(first.rss > 1e6)

      const pids = await workerPids(server.port)
      assert.equal(new Set(pids).size, WORKERS, 'one process per worker')
      assert.ok(!pids.includes(server.pid), 'the workers are not the primary')
      assert.equal((await stats(server.port)).primaryPid, server.pid)

      // Two sleeps on two connections: under SCHED_RR on two workers, under SCHED_NONE wherever the
      // kernel put them; either way the server has two requests in flight, whoever is asked.
      const slow = [get(server.port, '/2000'), get(server.port, '/2000')]
      const seen = await statsUntil(server.port, (s) => s.inFlight === 2, 1500, 'inFlight 2')
      assert.equal(seen.inFlight, 2)
      for (const r of await Promise.all(slow)) assert.equal(r.body, 'slept 2000 ms\n')
      await statsUntil(server.port, (s) => s.inFlight === 0, 5000, 'inFlight back to 0')
    })

    test("the bench's outside view (/proc) covers the worker processes, not tsx's esbuild", async (t) => {
      if (process.platform !== 'linux') return t.skip('reads /proc')
      const server = servers[0]!
      const pids = await workerPids(server.port)
      assert.deepEqual(
        serverProcesses(server.pid).sort((a, b) => a - b),
        [server.pid, ...pids].sort((a, b) => a - b),
      )
      // A sum over the three processes is more than the primary's own figure.
      const primaryThreads = Number(/^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1])
      assert.ok(processStatus(server.pid)!.threads > primaryThreads)
      assert.ok(processCpuMs(server.pid)! > 0)
    })

    test('no worker outlives the primary: stopped (SIGTERM), or killed (SIGKILL)', async () => {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const server = await start(id)
        const pids = await workerPids(server.port)
        assert.ok(pids.every(alive))
        server.child.kill(signal)
        const left = await goneWithin(pids, 10_000)
        assert.deepEqual(left, [], `worker processes still running after the primary's ${signal}`)
        await server.stop()
      }
    })
  })
}

describe('cluster peer: bad flags', () => {
  const entry = join(REPO_ROOT, 'bench/peers/cluster-server.ts')
  for (const args of [
    ['--workers', '0'],
    ['--policy', 'sometimes'],
    ['--wokers', '2'],
  ]) {
    test(`${args.join(' ')}: one line on stderr, exit code 2, no server`, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', entry, '--port', '0', ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      })
      assert.equal(r.status, 2, r.stderr)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      assert.equal(r.stdout, '')
    })
  }
})

test('cluster peer: no server left running', () => {
  assert.equal(runningServers(), 0)
})
