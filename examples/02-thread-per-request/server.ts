// Step 2 — thread per request: block a thread, not the server.
//
// Step 1 blocked its only thread. The classic fix is to give each request a thread of its own:
// it may block as long as it likes, the others go on. Here the main thread keeps the sockets
// (parsing, writing answers) and each `/<ms>` or `/cpu/<n>` request is handed to a brand-new
// `worker_threads` Worker, which blocks with `Atomics.wait` (or hashes) and posts the answer back.
//
// Why not move the whole connection to the thread, as a C or Rust server would? Node 26.6 and 24.20
// can (an untouched socket in `postMessage`'s transfer list); Node 22 cannot (DataCloneError), and
// before those versions only child processes could receive handles. By default the main thread
// keeps the sockets and a thread gets only the work, so this step runs on every supported Node;
// where the Node can, `--own-socket` does the other thing (own-socket.ts): each connection is
// handed to a thread of its own, which reads, parses, blocks and writes until the connection closes.
//
// What a thread costs is the lesson: a Worker is a whole V8 isolate with its own heap and event
// loop, so each one takes tens of milliseconds and several megabytes to start. `/__stats` counts
// threads spawned and alive (now and at most), the average start time, and the requests refused
// with 503 at the `--max-threads` wall. `--pool N` swaps in a fixed pool of N threads
// (fixed-pool.ts) to show what reusing threads buys, and what capping them costs.
//
// Try: npm run step:2, then five `curl 127.0.0.1:6969/1000 &` at once: all answer after ~1 s.
//      npm run step:2 -- --own-socket    the same, each connection on a thread that owns its socket

import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { parseFlagsOrExit } from '../shared/cli.ts'
import type { Handler } from '../shared/connection.ts'
import { handleTransferMissing } from '../shared/handle-transfer.ts'
import { errorReply, ok, type Reply } from '../shared/http-response.ts'
import { startServer } from '../shared/server.ts'
import { FixedThreadPool } from './fixed-pool.ts'
import { startOwnSocketServer } from './own-socket.ts'

const WORKER_URL = new URL('./worker.mjs', import.meta.url)

const { server: options, flags } = parseFlagsOrExit('step:2', {
  pool: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 1024,
    help: 'use a fixed pool of N threads (0: a new thread per request)',
  },
  'max-threads': {
    kind: 'int',
    default: 1000,
    min: 1,
    max: 10_000,
    help: 'per-request mode: answer 503 beyond this many live threads, before the machine runs out of memory',
  },
  'own-socket': {
    kind: 'bool',
    help: 'a thread per connection that owns its socket (Node 26.6+ / 24.20+), instead of a thread per request',
  },
})
if (flags['own-socket'] && flags.pool > 0) refuse('--own-socket and --pool are two different servers: pick one')
const transferMissing = flags['own-socket'] ? handleTransferMissing() : undefined
if (transferMissing !== undefined) refuse(`--own-socket ${transferMissing}`)

function refuse(why: string): never {
  console.error(`step:2: ${why}`)
  process.exit(2)
}

// #region thread-cost
// Thread accounting for /__stats: the cost of threads, measured by the server itself.
let threadsSpawned = 0
let threadsAlive = 0
let threadsAliveMax = 0
let threadStartMsTotal = 0
let threadsStarted = 0

function countThread(worker: Worker): void {
  const spawnedAt = performance.now()
  threadsSpawned++
  threadsAliveMax = Math.max(threadsAliveMax, ++threadsAlive)
  worker.once('online', () => {
    threadStartMsTotal += performance.now() - spawnedAt
    threadsStarted++
  })
  worker.once('exit', () => threadsAlive--)
}
// #endregion thread-cost

const threadAccounting = {
  count: countThread,
  figures: () => ({
    threadsSpawned,
    threadsAlive,
    threadStartMsAvg: threadsStarted ? Math.round((threadStartMsTotal / threadsStarted) * 100) / 100 : 0,
  }),
}

/** Requests answered 503 because `--max-threads` threads were alive (counted for /__stats). */
let refusedAtMaxThreads = 0

// #region per-request
// A new thread for this one request. It blocks as long as it likes; the main thread goes on.
function runInNewThread(work: Parameters<Handler>[0], reply: (r: Reply) => void): void {
  if (threadsAlive >= flags['max-threads']) {
    refusedAtMaxThreads++
    reply(errorReply(503, `${threadsAlive} threads alive, the --max-threads limit`, { 'Retry-After': '1' }))
    return
  }
  // execArgv: [] — do not pass the TypeScript loader on to the thread (see worker.mjs).
  const worker = new Worker(WORKER_URL, { workerData: work, execArgv: [] })
  countThread(worker)
  let answered = false
  const answer = (r: Reply) => {
    if (!answered) reply(r)
    answered = true
  }
  worker.once('message', (body: string) => answer(ok(body)))
  worker.once('error', (error) => answer(errorReply(500, error.message)))
  worker.once('exit', () => answer(errorReply(500, 'worker exited without an answer')))
}
// #endregion per-request

const pool = flags.pool > 0 ? new FixedThreadPool(flags.pool, WORKER_URL, countThread) : undefined

// #region handler
const handle: Handler = (work, reply) => {
  if (pool === undefined) return runInNewThread(work, reply)
  pool.run(work, (error, body) => reply(error ? errorReply(500, error.message) : ok(body!)))
}
// #endregion handler

if (flags['own-socket']) {
  const step = {
    number: 2,
    name: 'thread per connection, owning its socket',
    summary: 'Each connection is handed to a new worker thread that reads, parses, blocks and writes until it closes.',
  }
  startOwnSocketServer(step, options, flags['max-threads'], threadAccounting)
} else {
  startServer(
    {
      number: 2,
      name: pool ? `thread pool (${flags.pool} threads)` : 'thread per request',
      summary: pool
        ? `A fixed pool of ${flags.pool} threads does the blocking work; requests beyond that wait in a queue.`
        : 'Each request gets a new worker thread that blocks; the main thread keeps the sockets.',
      extraStats: () => ({
        ...threadAccounting.figures(),
        threadsAliveMax,
        // Per request: the wall, and how often it was hit. With --pool: the line, which has no bound
        // (nothing is refused), and the longest it grew.
        maxThreads: flags['max-threads'],
        refusedAtMaxThreads,
        poolSize: flags.pool,
        queueLength: pool?.queueLength ?? 0,
        queueLengthMax: pool?.queueLengthMax ?? 0,
      }),
    },
    options,
    handle,
  )
}
