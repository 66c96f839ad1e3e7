// What the main thread and a worker thread of the race tell each other, and the names of the
// three schedulers. Types only: the worker (worker.mjs) refers to them from its JSDoc.

export const SCHEDULERS = ['global', 'per-worker', 'stealing'] as const
export type SchedulerName = (typeof SCHEDULERS)[number]

export const LABELS: Record<SchedulerName, string> = {
  global: 'one global queue',
  'per-worker': 'a queue per worker',
  stealing: 'work stealing',
}

/** The worker's `workerData`: its place in the race and the shared memory it works on. */
export interface WorkerSetup {
  scheduler: SchedulerName
  /** This worker's index, 0 … workers − 1. */
  index: number
  barrier: SharedArrayBuffer
  /** Int32 per job: how many rounds of cpuHash it is. */
  rounds: SharedArrayBuffer
  /** Int32 per job: how many times it ran (the race checks: exactly once). */
  runs: SharedArrayBuffer
  /** The global queue ('global' only). */
  queue: SharedArrayBuffer | null
  /** Every worker's deque, by worker index ('per-worker' and 'stealing'). */
  deques: SharedArrayBuffer[]
  /** This worker's lane as it grows (lane-board.mjs), when the race is shown live; else null. */
  board: SharedArrayBuffer | null
}

export type WorkerMessage =
  | { type: 'ready' }
  | {
      type: 'done'
      /** The jobs this worker ran, four numbers each (see timeline.ts). */
      lane: number[]
      steals: number
      failedSteals: number
      lostRaces: number
      /**
       * CPU time this thread used from the start to its report (user + system, ms). Next to its
       * busy time it says how much of that time the thread really had a core.
       */
      cpuMs: number
      /** The XOR of the jobs' checksums: keeps the hashing from being optimised away. */
      checksum: number
    }
