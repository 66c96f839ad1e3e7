// Step 5's pool on its own (examples/05-cpu-pool/worker-pool.ts), with the CPU limit it serves: a
// task carries its slot to a thread, and a task that cannot be given to any thread must give its
// slot back, or every such failure lowers the server's capacity for good.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CpuLimit } from '../../examples/05-cpu-pool/cpu-limit.ts'
import { WorkerPool } from '../../examples/05-cpu-pool/worker-pool.ts'
import { cpuHash } from '../../examples/shared/work.mjs'
import { sleep } from '../helpers/raw-http.ts'
import { cpuGrown, cpuMs } from '../helpers/server-busy.ts'

/** Polls `read` until it returns `want` or `ms` pass; returns the last value read. */
async function settlesAt<T>(read: () => T, want: T, ms = 5000): Promise<T> {
  const until = performance.now() + ms
  let value = read()
  while (value !== want && performance.now() < until) {
    await sleep(10)
    value = read()
  }
  return value
}

test('a task no thread can take fails (500 upstream) and gives its slot back at once', async () => {
  // One thread, two slots: the server refuses `--cpu-limit` above `--pool-size`, but the pool can
  // still run short of threads (a thread that died while starting is out for a second), and the
  // contract must hold then too.
  const limit = new CpuLimit(2, 10)
  const pool = new WorkerPool(1, limit.counter)
  try {
    await limit.acquire()
    const first = pool.run(30_000_000) // the only thread takes it, with its slot
    await limit.acquire()
    assert.equal(limit.running, 2)
    await assert.rejects(pool.run(1000), /no free thread/)
    assert.equal(limit.running, 1, "the refused task's slot is free again, before the other task ends")
    assert.equal(await first, cpuHash(30_000_000))
    assert.equal(await settlesAt(() => limit.running, 0), 0, 'no slot is lost: the limit is whole again')
    assert.deepEqual([pool.tasksDone, pool.tasksFailed], [1, 0])
  } finally {
    await pool.close()
  }
})

test('close() ends every thread; a task still running fails and its slot comes back', async () => {
  const limit = new CpuLimit(1, 10)
  const pool = new WorkerPool(2, limit.counter)
  await limit.acquire()
  const before = cpuMs(process.pid)
  const failed = assert.rejects(pool.run(2_000_000_000), /exited/)
  // Until the hash is surely running: this process has used more CPU than a thread's start costs
  // (the hash alone takes seconds of it).
  await cpuGrown(process.pid, before, 400)
  await pool.close()
  await failed
  assert.equal(limit.running, 0)
  assert.equal(pool.workersAlive, 0)
})
