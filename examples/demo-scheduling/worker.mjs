// One worker thread of the race: waits at the start barrier, then runs jobs until its scheduler
// says there are none left for it, noting when each job started and ended, and reports.
//
// The loop is the same for all three schedulers; only `next()` differs (find-work.mjs). A job is
// `cpuHash` for its number of rounds: real CPU work, the same on every run. After each job the
// worker counts it in a shared array, one counter per job, which the main thread checks once the
// race is over: every job exactly once, under every scheduler.
//
// Plain JavaScript on purpose: see the note at the top of ../shared/work.mjs.

import { parentPort, workerData } from 'node:worker_threads'
import { cpuHash } from '../shared/work.mjs'
import { nowNs, waitForStart } from './barrier.mjs'
import { Deque } from './deque.mjs'
import { fromGlobalQueue, fromOwnQueue, withStealing } from './find-work.mjs'
import { GlobalQueue } from './global-queue.mjs'
import { LaneBoard } from './lane-board.mjs'
import { xorshift32 } from './random.mjs'

if (parentPort === null) throw new Error('worker.mjs runs inside a worker thread')
const port = parentPort
/** @type {import('./messages.ts').WorkerSetup} */
const setup = workerData
const rounds = new Int32Array(setup.rounds)
const runs = new Int32Array(setup.runs)
const deques = setup.deques.map((buffer) => new Deque(buffer))
const queue = setup.queue === null ? null : new GlobalQueue(setup.queue)
/** With `--events`: the lane as it grows, for the main thread to show (lane-board.mjs). */
const board = setup.board === null ? null : new LaneBoard(setup.board)
const me = setup.index
const counters = { steals: 0, failedSteals: 0, lostRaces: 0 }
const random = xorshift32(me + 1)
/** @param {number} n */
const pick = (n) => Math.floor(random() * n)

/** @returns {import('./find-work.mjs').Found} */
function next() {
  if (setup.scheduler === 'global') return fromGlobalQueue(/** @type {GlobalQueue} */ (queue))
  if (setup.scheduler === 'per-worker') return fromOwnQueue(deques, me)
  return withStealing(deques, me, counters, pick)
}

// Let V8 compile the hash loop before the clock starts, so no worker's first job runs slower.
let checksum = 0
for (let i = 0; i < 5; i++) checksum ^= Number.parseInt(cpuHash(200_000), 16)

port.postMessage({ type: 'ready' })
const start = waitForStart(setup.barrier)
const cpuAtStart = process.threadCpuUsage() // this thread's own CPU time, to compare with its busy time
/** ms since the start, to 10 µs */
const now = () => Math.round(Number(nowNs() - start) / 1e4) / 100

/** @type {number[]} start ms, end ms, job, from: four numbers per job */
const lane = []
for (;;) {
  const found = next()
  if (found.job < 0) break
  const began = now()
  board?.begin(began, found.job, found.from)
  checksum ^= Number.parseInt(cpuHash(Atomics.load(rounds, found.job)), 16)
  const ended = now()
  board?.end(ended)
  lane.push(began, ended, found.job, found.from)
  Atomics.add(runs, found.job, 1)
}

const cpu = process.threadCpuUsage(cpuAtStart)
/** @type {import('./messages.ts').WorkerMessage} */
const done = { type: 'done', lane, checksum, cpuMs: (cpu.user + cpu.system) / 1000, ...counters }
port.postMessage(done)
