// `npm run threads:record`: what a thread costs, a Node Worker beside a native thread, recorded in
// recordings/thread-cost.json for section 3 of the deck (components/ThreadCost.vue renders it).
//
// Node: step 2's own server, measured by itself through `/__stats` (threadStartMsAvg: `new Worker`
// to 'online'; threadsAlive; rss), in three phases:
//   1. idle: the server's RSS before any thread exists;
//   2. one at a time: SEQUENTIAL requests of `/0`, each waiting for the last, so each Worker starts
//      on a quiet machine (after a few warm-up requests, left out of the average);
//   3. all at once: LIVE requests of `/HOLD_MS` sent together; while every thread is alive and
//      parked in Atomics.wait, the RSS minus the idle RSS, divided by the threads alive, is what
//      a live thread costs. The average start time of this burst shows what contention does.
// Native: recordings/thread-cost.c, compiled here with the system `cc` into a temporary
// directory (no binary is committed) and run with the same counts: pthread_create to the thread's
// first line, and VmRSS (and VmSize, the reserved stack) with LIVE threads parked on a condvar.
//
// Real runs only: every number in the file comes from this run. Without a C compiler the native
// part is recorded as missing, with the reason, and the slide says so.

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFlagsOrExit } from '../examples/shared/flags.ts'
import { kibibytes, mebibytes, microseconds, ms } from '../bench/format.ts'
import { newEnvelope } from '../bench/server/machine.ts'
import type { Recording } from '../bench/recording.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { fetchStats, type StatsBody } from '../bench/server/server-stats.ts'
import { type ServerProcess, startServer } from '../bench/server/server-process.ts'
import { findStep } from '../bench/steps.ts'

const LIVE = 50
const HOLD_MS = 3000
const WARMUP = 3
const SEQUENTIAL = 20
const NATIVE_SEQUENTIAL = 200
const OUTPUT = join(REPO_ROOT, 'recordings/thread-cost.json')
const C_SOURCE = join(REPO_ROOT, 'recordings/thread-cost.c')
const SCHEMA = 'thread-cost/1'

export type ThreadCostRecord = Recording<typeof SCHEMA, ThreadCosts>

interface ThreadCosts {
  node: {
    what: string
    idleRssBytes: number
    sequential: { spawned: number; startMsAvg: number }
    burst: { spawned: number; startMsAvg: number }
    live: { threads: number; rssBytes: number; rssPerThreadBytes: number; holdMs: number }
  }
  native:
    | (Pick<NativeRun, 'sequential' | 'burst'> & {
        what: string
        compiler: string
        live: Pick<NativeRun['live'], 'threads' | 'idleRssBytes' | 'liveRssBytes'> & {
          rssPerThreadBytes: number
          vmSizePerThreadBytes: number
        }
      })
    | { missing: string }
}

/** What thread-cost.c prints: one JSON object. */
interface NativeRun {
  sequential: { spawned: number; startUsAvg: number; startUsMedian: number }
  burst: { spawned: number; startUsAvg: number }
  live: {
    threads: number
    idleRssBytes: number
    liveRssBytes: number
    idleVmSizeBytes: number
    liveVmSizeBytes: number
  }
}

function number(stats: StatsBody | null, key: string): number {
  const value = stats?.[key]
  if (typeof value !== 'number') throw new Error(`/__stats has no number '${key}': ${JSON.stringify(stats)}`)
  return value
}

async function stats(server: ServerProcess): Promise<StatsBody> {
  const body = await fetchStats(server.url, 5000)
  if (body === null) throw new Error('step 2 did not answer /__stats')
  return body
}

/** One GET on its own connection; resolves with the status once the answer is complete. */
function request(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
  })
}

/** The average start time of the threads spawned between two snapshots (the server keeps a running average). */
function startMsBetween(before: StatsBody, after: StatsBody): { spawned: number; startMsAvg: number } {
  const spawned = number(after, 'threadsSpawned') - number(before, 'threadsSpawned')
  const total =
    number(after, 'threadStartMsAvg') * number(after, 'threadsSpawned') -
    number(before, 'threadStartMsAvg') * number(before, 'threadsSpawned')
  return { spawned, startMsAvg: Math.round((total / spawned) * 100) / 100 }
}

async function measureNode(): Promise<ThreadCostRecord['node']> {
  const step = findStep('2')!
  const server = await startServer(step, ['--max-threads', String(LIVE * 2)])
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)) // let start-up garbage settle
    const idle = await stats(server)
    const idleRssBytes = number(idle, 'rss')

    for (let i = 0; i < WARMUP; i++) await request(`${server.url}/0`, 10_000)
    const beforeSequential = await stats(server)
    for (let i = 0; i < SEQUENTIAL; i++) {
      const status = await request(`${server.url}/0`, 10_000)
      if (status !== 200) throw new Error(`GET /0 answered ${status}`)
    }
    // A thread ends just after posting its answer: wait until the last one has gone, so the
    // snapshot covers exactly these threads, every one of them started and finished.
    let afterSequential = await stats(server)
    for (let i = 0; i < 100 && number(afterSequential, 'threadsAlive') !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      afterSequential = await stats(server)
    }
    if (number(afterSequential, 'threadsAlive') !== 0)
      throw new Error('threads still alive 2 s after the sequential requests')

    const answers = Array.from({ length: LIVE }, () => request(`${server.url}/${HOLD_MS}`, HOLD_MS + 20_000))
    let live: StatsBody | null = null
    let rssBytes = 0
    const deadline = performance.now() + HOLD_MS - 200
    // Sample while the threads are parked; keep the largest RSS seen with all of them alive.
    while (performance.now() < deadline) {
      const now = await stats(server)
      if (
        number(now, 'threadsAlive') === LIVE &&
        number(now, 'threadsSpawned') - number(afterSequential, 'threadsSpawned') === LIVE
      ) {
        live = now
        rssBytes = Math.max(rssBytes, number(now, 'rss'))
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const statuses = await Promise.all(answers)
    if (statuses.some((s) => s !== 200)) throw new Error(`the burst got answers ${[...new Set(statuses)].join(', ')}`)
    if (live === null)
      throw new Error(
        `never saw all ${LIVE} threads alive at once within ${HOLD_MS} ms: the machine is too busy to measure`,
      )
    const afterBurst = await stats(server)

    return {
      what:
        `step 2 (examples/02-thread-per-request), its own /__stats: ${SEQUENTIAL} requests of /0 one after ` +
        `another (after ${WARMUP} warm-up), then ${LIVE} requests of /${HOLD_MS} at once`,
      idleRssBytes,
      sequential: startMsBetween(beforeSequential, afterSequential),
      burst: startMsBetween(afterSequential, afterBurst),
      live: {
        threads: LIVE,
        rssBytes,
        rssPerThreadBytes: Math.round((rssBytes - idleRssBytes) / LIVE),
        holdMs: HOLD_MS,
      },
    }
  } finally {
    await server.stop()
  }
}

function measureNative(): ThreadCostRecord['native'] {
  const version = spawnSync('cc', ['--version'], { encoding: 'utf8' })
  if (version.status !== 0) return { missing: 'no C compiler (cc) on this machine' }
  const dir = mkdtempSync(join(tmpdir(), 'thread-cost-'))
  try {
    const binary = join(dir, 'thread-cost')
    execFileSync('cc', ['-O2', '-pthread', '-o', binary, C_SOURCE], { stdio: 'inherit' })
    const out = execFileSync(binary, [String(LIVE), String(NATIVE_SEQUENTIAL)], { encoding: 'utf8', timeout: 60_000 })
    const raw = JSON.parse(out) as NativeRun
    return {
      what:
        `recordings/thread-cost.c, compiled with cc -O2 -pthread: ${NATIVE_SEQUENTIAL} threads one after ` +
        `another, then ${LIVE} at once, parked on a condition variable`,
      compiler: version.stdout.split('\n')[0]!.trim(),
      sequential: raw.sequential,
      burst: raw.burst,
      live: {
        threads: raw.live.threads,
        idleRssBytes: raw.live.idleRssBytes,
        liveRssBytes: raw.live.liveRssBytes,
        rssPerThreadBytes: Math.round((raw.live.liveRssBytes - raw.live.idleRssBytes) / raw.live.threads),
        vmSizePerThreadBytes: Math.round((raw.live.liveVmSizeBytes - raw.live.idleVmSizeBytes) / raw.live.threads),
      },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  readFlagsOrExit('threads:record', {}, { usage: 'usage: npm run threads:record  (no flags)' })
  const envelope = newEnvelope(SCHEMA, 'npm run threads:record')
  console.log('step 2: idle, one thread at a time, then all at once ...')
  const node = await measureNode()
  console.log('native threads: compiling and running recordings/thread-cost.c ...')
  const native = measureNative()
  const record: ThreadCostRecord = { ...envelope, node, native }
  writeFileSync(OUTPUT, `${JSON.stringify(record, null, 2)}\n`)
  console.log(
    `Node Worker: start ${ms(node.sequential.startMsAvg)} ms one at a time, ` +
      `${ms(node.burst.startMsAvg)} ms when ${node.burst.spawned} start at once; ` +
      `${mebibytes(node.live.rssPerThreadBytes)} RSS per live thread`,
  )
  if ('missing' in native) console.log(`native thread: not measured (${native.missing})`)
  else
    console.log(
      `native thread: start ${microseconds(native.sequential.startUsAvg)} one at a time, ` +
        `${microseconds(native.burst.startUsAvg)} when ${native.burst.spawned} start at once; ` +
        `${kibibytes(native.live.rssPerThreadBytes)} RSS per live thread ` +
        `(${mebibytes(native.live.vmSizePerThreadBytes)} reserved)`,
    )
  console.log(`recorded in ${OUTPUT}`)
}

main().catch((error: unknown) => {
  console.error(`threads:record: ${(error as Error).message}`)
  process.exit(1)
})
