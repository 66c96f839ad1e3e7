// One worker thread of step 6: a whole event loop, serving the whole protocol on the connections it
// gets, with the same connection code as steps 1, 2, 3 and 5 (../shared/connection.ts). The Rust
// server step 6 imitates runs a Tokio runtime on each of its threads; in Node, each worker thread is an
// isolate with its own libuv loop, which is the same shape: shared nothing but the CPU cap and the
// stats table, both in shared memory.
//
// Connections arrive one of two ways (server.ts picks):
// - `--dispatch acceptor`: the main thread accepts and hands us the socket in a message;
// - `--dispatch kernel`: we listen ourselves, on the same port as every other worker
//   (`reusePort`), and the kernel spreads new connections over the listeners.
//
// `/<ms>` waits on this loop's timers, as in step 3. `/cpu/<n>` hashes right here, on this loop's
// thread, once the shared cap (cpu-cap.ts) admits it: exactly the Rust server's design, including its
// weakness. While it hashes, every other connection of this worker waits, however idle the other
// workers are.
//
// This module is TypeScript; the thread starts at ../shared/thread-entry.mjs, which loads it from
// sources the main thread had stripped once (../shared/thread-modules.ts), so a worker costs what a
// plain JavaScript worker costs.

import { createServer, type Socket } from 'node:net'
import { parentPort } from 'node:worker_threads'
import { type Handler, serveConnection } from '../shared/connection.ts'
import { errorReply, ok, type Reply } from '../shared/http-response.ts'
import type { SharedTableHandle } from '../shared/shared-stats.ts'
import { StatsProbe } from '../shared/stats.ts'
import { TaskTimes } from '../shared/task-time.ts'
import { threadData } from '../shared/thread-modules.ts'
import { cpuHash, workBody } from '../shared/work.mjs'
import { SharedCpuLimit } from './cpu-cap.ts'
import { everyCoreStats, openTable, type Setup } from './worker-stats.ts'

/** What the main thread sends each worker when it starts it (workers.ts). */
export interface WorkerInput {
  index: number
  setup: Setup
  table: SharedTableHandle
  /** The CPU cap's counter, shared by every worker (cpu-slot.mjs). */
  counter: Int32Array
  headerTimeoutMs: number
  step: { number: number; name: string }
  indexPage: string
}

/** Messages from the main thread. */
export type ToWorker = { kind: 'connection'; socket: Socket } | { kind: 'listen'; host: string; port: number }
/** Messages to the main thread. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'listening'; address: { address: string; family: string; port: number } }
  | { kind: 'listen-failed'; code: string }

if (parentPort === null) throw new Error('worker.ts runs inside a worker thread')
const port = parentPort
const input = threadData<WorkerInput>()
const me = input.index
const table = openTable(input.setup.workers, input.table)
const cap = new SharedCpuLimit(input.counter, input.setup.cpuLimit, input.setup.maxQueue)
const stats = new StatsProbe(
  input.step,
  () => everyCoreStats(table, input.setup, me, cap.running),
  table.counters(me), // connection.ts counts straight into this worker's row
)
const taskTimes = new TaskTimes() // one hash on this thread, for Retry-After's estimate

// #region handler
const handle: Handler = (work, reply) => {
  table.add(me, 'requests', 1)
  if (work.kind === 'sleep') {
    // I/O-bound: exactly step 3, on this worker's loop.
    if (work.ms === 0) reply(ok(workBody(work)))
    else setTimeout(() => reply(ok(workBody(work))), work.ms)
  } else {
    runCpuTask(work.n).then(reply)
  }
}
// #endregion handler

// #region cpu-task
async function runCpuTask(n: number): Promise<Reply> {
  const turn = cap.acquire() // a slot now, a place in this worker's line, or null: the line is full
  if (turn === null) {
    table.add(me, 'cpuRejected', 1)
    const retryAfter = Math.max(1, Math.ceil((cap.queueLength * taskTimes.estimateMs) / 1000))
    return errorReply(503, `${cap.queueLength} CPU tasks are already waiting on this worker`, {
      'Retry-After': String(retryAfter),
    })
  }
  table.set(me, 'cpuQueued', cap.queueLength)
  table.raise(me, 'cpuQueuedMax', cap.queueLength)
  await turn // a slot, maybe freed by a task on another worker: its Atomics.notify woke us
  table.set(me, 'cpuQueued', cap.queueLength)
  table.set(me, 'cpuRunning', 1)
  table.raise(me, 'cpuRunningMax', cap.mostEverRunning)
  const startedAt = performance.now()
  try {
    return ok(workBody({ kind: 'cpu', n }, cpuHash(n))) // on this loop's thread: nothing else runs here
  } finally {
    cap.release() // the slot goes back before the answer is written
    taskTimes.record(performance.now() - startedAt)
    table.set(me, 'cpuRunning', 0)
    table.add(me, 'cpuDone', 1)
  }
}
// #endregion cpu-task

const ctx = { handle, stats, headerTimeoutMs: input.headerTimeoutMs, indexPage: input.indexPage }

function serve(socket: Socket): void {
  table.add(me, 'accepted', 1)
  socket.allowHalfOpen = true // as every step's server: a client's FIN still gets its answer
  serveConnection(socket, ctx)
}

// #region messages
port.on('message', (message: ToWorker) => {
  if (message.kind === 'connection') serve(message.socket)
  else listenHere(message.host, message.port)
})
// #endregion messages

// #region reuse-port
/** `--dispatch kernel`: a listener of our own on the shared port. */
function listenHere(host: string, portNumber: number): void {
  const server = createServer({ allowHalfOpen: true }, serve)
  server.once('error', (error: NodeJS.ErrnoException) => {
    port.postMessage({ kind: 'listen-failed', code: error.code ?? error.message } satisfies FromWorker)
  })
  // reusePort (Linux, Node 22.12+): every worker binds the same port; the kernel picks a listener
  // for each new connection by a hash of its addresses and ports, not by how busy the worker is.
  server.listen({ host, port: portNumber, reusePort: true, backlog: 4096 }, () => {
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
    port.postMessage({ kind: 'listening', address } satisfies FromWorker)
  })
}
// #endregion reuse-port

// The cap's slow-moving counters and this loop's figures go into our row four times a second.
table.startPublishing(me, stats)
setInterval(() => {
  table.set(me, 'wakeUps', cap.wakeUps)
  table.set(me, 'wakeRaces', cap.wakeRaces)
  table.set(me, 'lostRaces', cap.lostRaces)
}, 250).unref()

port.postMessage({ kind: 'ready' } satisfies FromWorker)
