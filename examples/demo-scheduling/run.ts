// One scheduler's heat of the race, from the main thread: lay the jobs out the way the scheduler
// wants them, start the worker threads, wait until all are ready, start the clock, collect what
// each one ran, and check that every job ran exactly once.
//
// Placement happens here, before any worker exists, so it costs the race nothing:
// - global: one queue holding every job in list order;
// - per-worker and stealing: job i goes to worker i mod N's deque (round-robin), pushed in list
//   order, so the owner pops its newest, i.e. last-placed, job first.
//
// Shown live (`onProgress`, main.ts's `--events`), each worker also writes its lane to shared memory
// as it goes (lane-board.mjs), and the main thread reads them every 100 ms.
//
// A heat is bounded: it fails after `timeoutMs` (default 60 s), and a worker that fails fails it.
// Either way every worker thread is terminated and has exited before the promise settles: nothing
// outlives a heat.

import { Worker } from 'node:worker_threads'
import { barrierBuffer, nowNs, start } from './barrier.mjs'
import { Deque, dequeBuffer } from './deque.mjs'
import { globalQueueBuffer } from './global-queue.mjs'
import { LaneBoard, laneBoardBuffer } from './lane-board.mjs'
import type { SchedulerName, WorkerMessage, WorkerSetup } from './messages.ts'
import { busyMs, jobCount, lastEndMs, type Lane } from './timeline.ts'

const WORKER = new URL('./worker.mjs', import.meta.url)

export interface WorkerStats {
  jobs: number
  busyMs: number
  idleMs: number
  /** CPU time the thread used (it is below busyMs when the OS ran something else on its core). */
  cpuMs: number
  steals: number
  failedSteals: number
  lostRaces: number
}

export interface Heat {
  scheduler: SchedulerName
  /** From the start barrier to the end of the last job. */
  makespanMs: number
  workers: WorkerStats[]
  steals: number
  failedSteals: number
  lostRaces: number
  /**
   * CPU time ÷ busy time, over all workers: 1 when every worker had a core of its own whenever it
   * ran a job; lower on a loaded machine, or with more workers than cores.
   */
  onCpu: number
  /** One lane per worker (timeline.ts). */
  lanes: Lane[]
}

export interface HeatOptions {
  scheduler: SchedulerName
  workers: number
  /** Rounds of cpuHash, by job id. */
  rounds: readonly number[]
  timeoutMs?: number
  /**
   * Called every `progressMs` while the heat runs, with every lane so far (a job still running has
   * end NaN) and the ms since the start: the race shown as it happens (`--events`). The workers
   * then write their lanes to shared memory as they go (lane-board.mjs); without it they do not.
   */
  onProgress?: (lanes: Lane[], t: number) => void
  progressMs?: number
}

export async function runHeat(options: HeatOptions): Promise<Heat> {
  const { scheduler, workers, rounds, timeoutMs = 60_000, onProgress, progressMs = 100 } = options
  const count = rounds.length
  const roundsBuffer = new SharedArrayBuffer(count * 4)
  new Int32Array(roundsBuffer).set(rounds)
  const runs = new SharedArrayBuffer(count * 4)
  const barrier = barrierBuffer()
  const ids = Array.from({ length: count }, (_, id) => id)
  let queue: SharedArrayBuffer | null = null
  const deques: SharedArrayBuffer[] = []
  if (scheduler === 'global') {
    queue = globalQueueBuffer(ids)
  } else {
    for (let w = 0; w < workers; w++) deques.push(dequeBuffer(Math.ceil(count / workers)))
    const handles = deques.map((buffer) => new Deque(buffer))
    for (const id of ids) handles[id % workers]!.push(id) // round-robin, blind to cost
  }

  const boards = onProgress ? Array.from({ length: workers }, () => laneBoardBuffer(count)) : null
  let watching: NodeJS.Timeout | undefined

  const threads: Worker[] = []
  const results: (Extract<WorkerMessage, { type: 'done' }> | undefined)[] = []
  const exited: Promise<void>[] = []
  let failure: Error | null = null
  let ready = 0
  let timer: NodeJS.Timeout | undefined
  const finished = new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      failure ??= error
      for (const thread of threads) void thread.terminate()
      reject(failure)
    }
    timer = setTimeout(() => fail(new Error(`the ${scheduler} heat took longer than ${timeoutMs} ms`)), timeoutMs)
    for (let index = 0; index < workers; index++) {
      const board = boards?.[index] ?? null
      const setup: WorkerSetup = { scheduler, index, barrier, rounds: roundsBuffer, runs, queue, deques, board }
      const thread = new Worker(WORKER, { workerData: setup })
      threads.push(thread)
      exited.push(new Promise((done) => thread.once('exit', () => done())))
      thread.on('error', fail)
      thread.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready' && ++ready === workers) {
          const startedNs = start(barrier) // everyone waits: go
          if (boards && onProgress) watching = watchBoards(boards, startedNs, onProgress, progressMs)
        }
        if (message.type === 'done') {
          results[index] = message
          if (results.filter(Boolean).length === workers) resolve()
        }
      })
      thread.once('exit', (code) => {
        if (results[index] === undefined) fail(new Error(`worker ${index} exited (code ${code}) before reporting`))
      })
    }
  })
  try {
    await finished
  } finally {
    clearTimeout(timer)
    clearInterval(watching)
    await Promise.all(exited) // every thread gone, whatever happened
  }

  const counted = new Int32Array(runs)
  const wrong = ids.filter((id) => counted[id] !== 1)
  if (wrong.length > 0) {
    const id = wrong[0]!
    throw new Error(`${scheduler}: ${wrong.length} jobs did not run exactly once (job ${id} ran ${counted[id]} times)`)
  }

  const lanes = results.map((r) => r!.lane)
  const makespanMs = Math.max(...lanes.map(lastEndMs))
  const stats = results.map((r, w): WorkerStats => {
    const busy = busyMs(lanes[w]!)
    return {
      jobs: jobCount(lanes[w]!),
      busyMs: round(busy),
      idleMs: round(makespanMs - busy),
      cpuMs: round(r!.cpuMs),
      steals: r!.steals,
      failedSteals: r!.failedSteals,
      lostRaces: r!.lostRaces,
    }
  })
  const sum = (key: 'steals' | 'failedSteals' | 'lostRaces') => stats.reduce((s, w) => s + w[key], 0)
  return {
    scheduler,
    makespanMs,
    workers: stats,
    steals: sum('steals'),
    failedSteals: sum('failedSteals'),
    lostRaces: sum('lostRaces'),
    onCpu: Math.round((stats.reduce((s, w) => s + w.cpuMs, 0) / stats.reduce((s, w) => s + w.busyMs, 0)) * 1000) / 1000,
    lanes,
  }
}

/** Every `everyMs`, each worker's lane so far and the ms since the start. */
function watchBoards(
  buffers: SharedArrayBuffer[],
  startedNs: bigint,
  onProgress: (lanes: Lane[], t: number) => void,
  everyMs: number,
): NodeJS.Timeout {
  const boards = buffers.map((buffer) => new LaneBoard(buffer))
  return setInterval(() => {
    const t = Number(nowNs() - startedNs) / 1e6
    onProgress(
      boards.map((board) => board.read()),
      Math.round(t * 100) / 100,
    )
  }, everyMs)
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
