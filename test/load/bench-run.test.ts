// Real runs of the bench against real servers, kept short: the numbers come out as they should,
// the cap cuts a run and says so, an abort stops everything at once, and no process the bench
// started is left behind — checked by pid, after a completed, a capped, an aborted and a
// Ctrl-C'd run. And the microtask trap's two scenarios, sized on step 3 and measured by the probe.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { isRunning, liveChildren } from '../../bench/server/child-processes.ts'
import { runScenario, type BenchProgress } from '../../bench/index.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'

function assertGone(pids: { server: number | null; generator: number | null }): void {
  for (const [name, pid] of Object.entries(pids)) {
    assert.ok(pid !== null, `the run reports its ${name} pid`)
    assert.equal(isRunning(pid), false, `${name} (pid ${pid}) is gone`)
  }
  assert.equal(liveChildren(), 0, 'no child process is tracked as running')
}

/** Direct children of `pid`, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) children.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return children
}

describe('bench runs against real servers', () => {
  test(
    '20 connections × 20 requests of /200: p50 in 200–300 ms, throughput within 25% of 100 req/s, ' +
      'nothing left running',
    async () => {
      const progress: BenchProgress[] = []
      const result = await runScenario(
        { step: '3', scenario: 'drill', connections: 20, requests: 20, path: '/200' },
        { onProgress: (p) => progress.push(p) },
      )
      assert.equal(result.endedBy, 'completed')
      assert.equal(result.partial, false)
      assert.deepEqual([result.done, result.asked], [20, 20])
      assert.deepEqual([result.metrics.errors, result.metrics.timeouts, result.metrics.non2xx], [0, 0, 0])
      const p50 = result.metrics.latency!.p50
      assert.ok(p50 >= 200 && p50 <= 300, `p50 ${p50} ms`)
      const throughput = result.metrics.throughput!
      assert.ok(Math.abs(throughput - 100) <= 25, `throughput ${throughput} req/s`)
      assert.equal(result.limit?.throughput, 100)
      assert.ok(result.server !== null && result.server.peakRssBytes! > 1e6, 'the server reported /__stats')
      // Plain JSON, and progress came while it ran.
      assert.deepEqual(JSON.parse(JSON.stringify(result)), result)
      assert.ok(progress.some((p) => p.phase === 'running'))
      assert.equal(progress.at(-1)?.completed, 20)
      assertGone(result.pids)
    },
  )

  test('an aborted run resolves at once with what was done, and kills the server and the generator', async () => {
    const controller = new AbortController()
    let abortedAt = 0
    const result = await runScenario(
      { step: '3', scenario: 'drill', path: '/5000' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'running' && abortedAt === 0) {
            abortedAt = performance.now()
            controller.abort()
          }
        },
      },
    )
    const settledAfter = performance.now() - abortedAt
    assert.ok(settledAfter < 3000, `settled ${settledAfter.toFixed(0)} ms after the abort`)
    assert.equal(result.endedBy, 'aborted')
    assert.equal(result.partial, true)
    assert.equal(result.done, 0, 'no /5000 answer can have come')
    assert.match(result.summary, /^0 of 150 done in .* \(aborted\); 150 unanswered$/)
    assertGone(result.pids)
  })

  test('a signal aborted before the run resolves with an empty partial result, starting nothing', async () => {
    const result = await runScenario({ step: '3' }, { signal: AbortSignal.abort() })
    assert.deepEqual(
      [result.endedBy, result.partial, result.done, result.pids.server, result.pids.generator],
      ['aborted', true, 0, null, null],
    )
    assert.equal(liveChildren(), 0)
  })

  test('the microtask trap: a chain sized on step 3, the /0 probe behind it, the yielding chain not', async () => {
    const trap = await runScenario({ step: '3', scenario: 'await-trap', durationS: 1.5 })
    const chain = trap.awaitChain!
    assert.equal(chain.source, 'sized')
    assert.ok(chain.n >= 1000 && chain.msPerMillion! > 0, `n = ${chain.n}, ${chain.msPerMillion} ms per million`)
    assert.equal(trap.options.path, `/await/${chain.n}`)
    assert.ok(trap.done > 0 && trap.metrics.non2xx === 0, trap.summary)
    assertGone(trap.pids)
    // The same chain, yielding every 128 awaits (as bench:record runs them: one n for both).
    const yielding = await runScenario({ step: '3', scenario: 'await-yield', durationS: 1.5, awaitN: chain.n })
    assert.deepEqual([yielding.options.path, yielding.awaitChain?.source], [`/await-yield/${chain.n}`, 'given'])
    assertGone(yielding.pids)
    const trapped = trap.probe!.latency!.p99
    const free = yielding.probe!.latency!.p99
    // Generous margins: a chain is ~300 ms; the trapped probe waits for whole chains, the other not.
    assert.ok(trapped >= 150, `the probe behind the trap: p99 ${trapped} ms`)
    assert.ok(free * 3 < trapped, `the probe beside the yielding chain: p99 ${free} ms, against ${trapped} ms`)
  })

  test('the microtask trap on a step that does not serve it: one line saying so', async () => {
    await assert.rejects(
      runScenario({ step: '4', scenario: 'await-trap', durationS: 1 }),
      /answered 404: step 3 serves/,
    )
    assert.equal(liveChildren(), 0)
  })

  test('the cap cuts a run: partial; requests left unanswered count in its latencies, as lower bounds', async () => {
    // Step 1 serves one /300 at a time: 10 of them need 3 s; the cap allows 1 s.
    const result = await runScenario({ step: '1', scenario: 'drill', connections: 10, path: '/300', capS: 1 })
    assert.equal(result.endedBy, 'cap')
    assert.equal(result.partial, true)
    assert.ok(result.done >= 2 && result.done <= 4, `${result.done} done`)
    const unanswered = 10 - result.done
    assert.equal(result.metrics.unanswered, unanswered)
    assert.match(
      result.summary,
      new RegExp(`^${result.done} of 10 done in 1\\.\\d\\d s \\(cut by the 1 s cap\\); ${unanswered} unanswered$`),
    )
    // The answered ones took 300-1000 ms; the others had waited about the whole second when the cap
    // came: the median is one of them, so it is at least that, and says so.
    const latency = result.metrics.latency!
    assert.ok(latency.p50 >= 900, `p50 ${latency.p50} ms`)
    assert.deepEqual(latency.lowerBound, ['p50', 'p90', 'p99', 'max', 'mean'])
    assertGone(result.pids)
  })
})

describe('npm run bench and Ctrl-C', () => {
  test('SIGINT stops the run, prints what was done, exits 130 and leaves no child behind', async () => {
    const cli = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'bench/cli/bench.ts'), '--scenario', 'drill', '--path', '/5000'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    cli.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    cli.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)))
    // Wait until the load runs (the progress line on stderr), then note the CLI's children.
    const t0 = performance.now()
    while (!/step 3 \d+\.\d s/.test(stderr) && performance.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 50))
    const children = childrenOf(cli.pid!)
    assert.equal(children.length, 2, `the server and the generator run (${stderr})`)
    cli.kill('SIGINT')
    assert.equal(await exited, 130, stderr)
    assert.match(stdout, /0 of 150 done in .* \(aborted\); 150 unanswered/)
    for (const pid of children) assert.equal(isRunning(pid), false, `child ${pid} is gone`)
  })
})
