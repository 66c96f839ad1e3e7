// A peer of step 5 for the bench: the same server with piscina (the worker pool most Node projects
// would reach for) in place of step 5's hand-written limit and pool, so the two can be measured side
// by side (`--step piscina`). Not part of the talk's steps; the talk can point at it as "the library
// does this too, and here is how ours compares".
//
// Everything but `/cpu` is step 5's code path: the shared connection handling, a timer for `/<ms>`.
// How the CPU cap maps onto piscina, and where it differs:
// - piscina has no cap separate from its thread count: it runs one task per thread
//   (`concurrentTasksPerWorker: 1`) and queues the rest. So its threads = --cpu-limit (default the
//   CPU count). Step 5 keeps spare threads above the cap (2 × CPUs); giving piscina 2 × CPUs threads
//   would let 2 × CPUs tasks hash at once on CPUs cores, which is a different cap, not the same pool.
// - minThreads = maxThreads, and `idleTimeout: Infinity`: piscina's defaults (min = CPUs, max =
//   1.5 × CPUs, idle threads ended at once) would start and end threads under a bursty load, and the
//   bench would measure thread churn instead of the pool.
// - `maxQueue` = --max-queue (default 256, as step 5); a full queue rejects with piscina's
//   "Task queue is at limit", answered 503 with `Retry-After: 1` (piscina gives no estimate).
// - Order: piscina's queue is FIFO too. Its threads block in `Atomics.wait` between tasks
//   (`atomics: 'sync'`, the default), so a thread picks up its next task without waiting for its
//   own event loop.
// - `cpuRunning` is seen from outside piscina (tasks handed to it minus its queue), so
//   `cpuRunningMax` is sampled when a task is handed over, not counted where it runs; so is
//   `queueLengthMax` (the queue is longest just after a hand-over, before a thread takes a task).

import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import { parseFlagsOrExit } from '../../examples/shared/cli.ts'
import type { Handler } from '../../examples/shared/connection.ts'
import { errorReply, ok, type Reply } from '../../examples/shared/http-response.ts'
import { startServer } from '../../examples/shared/server.ts'
import { workBody } from '../../examples/shared/work.mjs'

const CPUS = availableParallelism()
const { server: options, flags } = parseFlagsOrExit('piscina peer', {
  'cpu-limit': {
    kind: 'int',
    default: CPUS,
    min: 1,
    max: 256,
    help: 'CPU tasks that may hash at once (= piscina threads)',
  },
  'max-queue': {
    kind: 'int',
    default: 256,
    min: 0,
    max: 100_000,
    help: 'CPU tasks that may wait for a thread; beyond that, 503',
  },
})

let threadsSpawned = 0
const pool = new Piscina<number, string>({
  filename: new URL('./piscina-worker.mjs', import.meta.url).href,
  minThreads: flags['cpu-limit'],
  maxThreads: flags['cpu-limit'],
  idleTimeout: Infinity,
  maxQueue: flags['max-queue'],
  concurrentTasksPerWorker: 1,
  execArgv: [], // plain JavaScript threads, without the TypeScript loader (see examples/shared/work.mjs)
})
pool.on('workerCreate', () => threadsSpawned++)
pool.on('error', (error: Error) => console.error(`piscina: ${error.message}`)) // unhandled, it would end the process

let handedOver = 0 // tasks given to piscina and not yet settled
let cpuRunningMax = 0
let queueLengthMax = 0
let tasksDone = 0
let tasksFailed = 0
let tasksRejected = 0

const handle: Handler = (work, reply) => {
  if (work.kind === 'sleep') {
    // Exactly step 3 and step 5.
    if (work.ms === 0) reply(ok(workBody(work)))
    else setTimeout(() => reply(ok(workBody(work))), work.ms)
  } else runCpuTask(work.n).then(reply)
}

async function runCpuTask(n: number): Promise<Reply> {
  const result = pool.run(n)
  handedOver++
  cpuRunningMax = Math.max(cpuRunningMax, handedOver - pool.queueSize)
  queueLengthMax = Math.max(queueLengthMax, pool.queueSize)
  try {
    const checksum = await result
    tasksDone++
    return ok(workBody({ kind: 'cpu', n }, checksum))
  } catch (error) {
    const message = (error as Error).message
    if (message === 'Task queue is at limit' || message === 'No task queue available and all Workers are busy') {
      tasksRejected++
      return errorReply(503, `piscina: ${message}`, { 'Retry-After': '1' })
    }
    tasksFailed++
    return errorReply(500, `piscina: ${message}`)
  } finally {
    handedOver--
  }
}

startServer(
  {
    number: 'piscina',
    name: 'piscina peer of step 5',
    summary:
      `Step 5's server with piscina in place of its pool: ${flags['cpu-limit']} piscina threads, up ` +
      `to ${flags['max-queue']} tasks queued.`,
    extraStats: () => ({
      cpuLimit: flags['cpu-limit'],
      cpuRunning: handedOver - pool.queueSize,
      cpuRunningMax,
      queueLength: pool.queueSize,
      queueLengthMax,
      maxQueue: flags['max-queue'],
      tasksDone,
      tasksFailed,
      tasksRejected,
      poolSize: pool.maxThreads,
      workersAlive: pool.threads.length,
      threadsSpawned,
    }),
  },
  options,
  handle,
)
