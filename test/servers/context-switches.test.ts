// `/__stats` reports the process's context switches on Linux (examples/shared/stats.ts): every
// thread's, those that have exited included, not only the main thread's. Step 2 shows it best: a
// thread per request, each blocking once at least, then gone. Elsewhere the fields are absent.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, test } from 'node:test'
import { runningServers, startServer } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { exchange, get, request } from '../helpers/raw-http.ts'

type Stats = Record<string, number | undefined>

async function stats(port: number): Promise<Stats> {
  return JSON.parse((await get(port, '/__stats')).body) as Stats
}

/** The main thread's own counters, from the file we chose not to report (see stats.ts). */
function mainThreadSwitches(pid: number): { voluntary: number; involuntary: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)$`, 'm').exec(status)![1])
  return { voluntary: field('voluntary_ctxt_switches'), involuntary: field('nonvoluntary_ctxt_switches') }
}

test('step 2: context switches of all its threads, grown by a load of threads that block and exit', async (t) => {
  const server = await startServer(findStep('2')!)
  try {
    const { port, pid } = server
    const before = await stats(port)
    if (process.platform !== 'linux') {
      assert.equal(before.voluntaryContextSwitches, undefined, 'absent, not 0, where not measured')
      assert.equal(before.involuntaryContextSwitches, undefined)
      return
    }
    assert.equal(typeof before.voluntaryContextSwitches, 'number')
    assert.equal(typeof before.involuntaryContextSwitches, 'number')

    // 40 requests at once: 40 threads, each sleeping in Atomics.wait (a voluntary switch at least),
    // then exiting. And four hashes on threads, more than the cores: the scheduler preempts them.
    const THREADS = 40
    const answers = await Promise.all([
      ...Array.from({ length: THREADS }, () => exchange(port, [request('/20')], { timeoutMs: 30_000 })),
      ...Array.from({ length: 4 }, (_, i) =>
        exchange(port, [request(`/cpu/${200_000_000 + i}`)], { timeoutMs: 30_000 }),
      ),
    ])
    assert.ok(answers.every(({ responses }) => responses[0]?.status === 200))
    const afterLoad = await stats(port)
    const main = mainThreadSwitches(pid) // read after the stats: if anything, it is larger
    const voluntary = afterLoad.voluntaryContextSwitches! - before.voluntaryContextSwitches!
    const involuntary = afterLoad.involuntaryContextSwitches! - before.involuntaryContextSwitches!
    t.diagnostic(
      `during the load: ${voluntary} voluntary, ${involuntary} involuntary; process totals ` +
        `${afterLoad.voluntaryContextSwitches} / ${afterLoad.involuntaryContextSwitches}, main thread alone ` +
        `${main.voluntary} / ${main.involuntary}; ${afterLoad.threadsSpawned} threads spawned`,
    )
    assert.ok(voluntary >= THREADS, `${voluntary} voluntary switches for ${THREADS} threads that each slept`)
    assert.ok(involuntary > 0, 'four hashing threads on fewer cores were preempted')
    assert.ok(
      afterLoad.voluntaryContextSwitches! >= main.voluntary + THREADS,
      'the figure counts the exited threads, not only the main thread',
    )
  } finally {
    await server.stop()
  }
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
