// Step 5 — an async, CPU-bounded worker pool: the event loop keeps the I/O, threads do the hashing.
//
// Step 3 showed one `GET /cpu/<n>` freezing every other request, because the hash ran on the loop's
// only thread. Here the loop does exactly what it did in step 3 for everything else (a timer for
// `/<ms>`, parsing, writing answers), and sends `/cpu` work to a pool of worker threads. The pieces,
// one concept per file:
//
//   cpu-limit.ts    at most --cpu-limit tasks hash at once (default: the CPU count, so every core
//                   may hash and the loop shares them; CPUs − 1 keeps a core for the loop); the
//                   rest wait in a bounded line (shared/fifo.ts), first come first served, woken by
//                   Atomics.notify from the thread that frees a slot (cpu-slot.mjs)
//   worker-pool.ts  min(2 × CPUs, 40) threads, started once; a thread that dies fails only its own
//                   request (500) and is replaced
//   pool-worker.mjs one thread: hash, give the slot back, post the checksum
//
// A request that finds the line full gets 503 with `Retry-After` (the estimated time for the line
// ahead of it to clear), while `/0` keeps answering: the loop is never the one waiting.
//
// --max-queue defaults to 256: at the calibrated ~60 ms a task, a request at the back of a full
// line on 2 cores waits 256 × 60 / 2 ≈ 7.7 s, just under autocannon's default 10 s timeout, so a
// client allowed into the line is served before it gives up; beyond that, "retry later" is the
// kinder answer. 256 also lets a 200-connection burst of `/cpu` queue without a single 503.
//
// Try: npm run step:5, then
//   curl 127.0.0.1:6969/cpu/1000000000 & curl 127.0.0.1:6969/0     the /0 answers at once
//   curl 127.0.0.1:6969/__stats                                     cpuRunning, queueLength, ...

import { appendFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseFlagsOrExit } from '../shared/cli.ts'
import type { Client, Handler } from '../shared/connection.ts'
import { errorReply, ok, type Reply } from '../shared/http-response.ts'
import { startServer } from '../shared/server.ts'
import { round } from '../shared/stats.ts'
import { TaskTimes } from '../shared/task-time.ts'
import { workBody } from '../shared/work.mjs'
import { CpuLimit } from './cpu-limit.ts'
import { WorkerPool } from './worker-pool.ts'

const CPUS = availableParallelism()

const { server: options, flags } = parseFlagsOrExit('step:5', {
  'cpu-limit': {
    kind: 'int',
    default: CPUS,
    min: 1,
    max: 256,
    help: 'CPU tasks that may hash at once (the CPU count - 1 keeps a core for the event loop)',
  },
  'max-queue': {
    kind: 'int',
    default: 256,
    min: 0,
    max: 100_000,
    help: 'CPU tasks that may wait for a slot; beyond that, 503',
  },
  'pool-size': { kind: 'int', default: Math.min(2 * CPUS, 40), min: 1, max: 256, help: 'worker threads in the pool' },
})
if (flags['cpu-limit'] > flags['pool-size']) {
  console.error(
    `step:5: --cpu-limit ${flags['cpu-limit']} exceeds --pool-size ${flags['pool-size']}: a slot needs a ` +
      `thread (try --help)`,
  )
  process.exit(2)
}

const limit = new CpuLimit(flags['cpu-limit'], flags['max-queue'])
const pool = new WorkerPool(flags['pool-size'], limit.counter)
let tasksRejected = 0
const taskTimes = new TaskTimes() // one task's time on a thread: the mean, and the estimate for Retry-After

const handle: Handler = (work, reply, client) => {
  if (work.kind === 'sleep') {
    // I/O-bound: exactly step 3. The loop sets a timer and goes back to serving others.
    if (work.ms === 0) reply(ok(workBody(work)))
    else setTimeout(() => reply(ok(workBody(work))), work.ms)
  } else {
    runCpuTask(work.n, client).then(reply)
  }
}

// #region cpu-task
async function runCpuTask(n: number, client: Client): Promise<Reply | null> {
  const turn = limit.acquire(() => client.gone) // a slot now, a place in line, or null: the line is full
  if (turn === null) {
    tasksRejected++
    const retryAfter = { 'Retry-After': String(retryAfterSeconds()) }
    return errorReply(503, `${limit.queueLength} CPU tasks are already waiting`, retryAfter)
  }
  if (!(await turn)) return null // the client left while in line: dropped, no slot taken, nothing to say
  const startedAt = performance.now()
  try {
    const checksum = await pool.run(n) // the worker gives the slot back when its hash ends
    taskTimes.record(performance.now() - startedAt)
    return ok(workBody({ kind: 'cpu', n }, checksum))
  } catch (error) {
    return errorReply(500, `the worker thread failed: ${(error as Error).message}`)
  }
}
// #endregion cpu-task

/** How long the line ahead would take to clear at the recent pace, in whole seconds (at least 1). */
function retryAfterSeconds(): number {
  return Math.max(1, Math.ceil((limit.queueLength * taskTimes.estimateMs) / limit.cap / 1000))
}

// Test hook (not part of the HTTP protocol): with `STEP5_TEST_ADMISSIONS=<file>` in the server's
// environment, every `/cpu` request draws a ticket when it asks for a slot (the order of arrival)
// and its ticket is appended to the file when its turn comes (the order of admission), so a test
// can check first come, first served from outside the limit. Unset (always, outside the tests),
// nothing is recorded and `acquire` is the limit's own.
const admissionsFile = process.env.STEP5_TEST_ADMISSIONS
if (admissionsFile) {
  writeFileSync(admissionsFile, '')
  const acquire = limit.acquire.bind(limit)
  let tickets = 0
  limit.acquire = (gone) => {
    const ticket = tickets++
    const turn = acquire(gone)
    void turn?.then((admitted) => appendFileSync(admissionsFile, admitted ? `${ticket}\n` : `${ticket} dropped\n`))
    return turn
  }
}

startServer(
  {
    number: 5,
    name: 'async CPU-bounded pool',
    summary:
      `The event loop serves I/O; /cpu runs on ${pool.size} worker threads, at most ${limit.cap} at ` +
      `once, the rest waiting in line (up to ${limit.maxQueue}).`,
    extraStats: () => ({
      cpuLimit: limit.cap,
      cpuRunning: limit.running,
      cpuRunningMax: limit.mostEverRunning,
      queueLength: limit.queueLength,
      queueLengthMax: limit.mostEverQueued,
      maxQueue: limit.maxQueue,
      tasksDone: pool.tasksDone,
      tasksFailed: pool.tasksFailed,
      tasksRejected,
      tasksAbandoned: limit.abandoned,
      poolSize: pool.size,
      workersAlive: pool.workersAlive,
      threadsSpawned: pool.threadsSpawned,
      wakeUps: limit.wakeUps,
      wakeRaces: limit.wakeRaces,
      taskMsMean: round(taskTimes.meanMs),
      taskMsEstimate: round(taskTimes.estimateMs),
    }),
  },
  options,
  handle,
)
