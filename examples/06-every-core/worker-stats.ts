// Step 6's `/__stats`: the whole server's figures and a row per worker, read from shared memory by
// whichever worker is asked (../shared/shared-stats.ts says why shared memory).
//
// One row per worker, and one more for the main thread (the acceptor, in `--dispatch acceptor`).
// What the protocol's top-level figures mean when there are many event loops:
// - connections, inFlight: the sum over the workers (minus the connection asking, as every step);
// - eventLoopDelayP99Ms / MaxMs (and `recent`): the worst loop in the process — every worker's and,
//   with `--dispatch acceptor`, the acceptor's — since a request can be delayed by any one of them;
// - eventLoopUtilization (and `recent`): the mean over the workers, the share of the server's
//   event-loop capacity in use (1 = every worker busy all the time); each worker's own is in its row;
// - rss: the process's (every thread's memory is in it); heapUsed: the sum of every thread's heap.
// A worker blocked by a long `/cpu` cannot copy its loop figures in until it is free again; its row
// says for how long it has been silent (`stalledMs`), and `eventLoopStalledMs` is the longest.
//
// Added for step 6: `workers` (one object per worker: connections open, connections it accepted or
// was handed, requests it served (`/<ms>` and `/cpu/<n>` only, so polling `/__stats` does not count),
// in flight, CPU tasks running, queued, done and turned away (503), its wake-ups from the shared
// cap, its loop delay and utilization (since it started, and over the last second), `stalledMs`),
// the `imbalance` of requests (max ÷ mean over the workers: 1 is perfectly even, N is one worker
// doing everything), the CPU cap's figures across the server, and `worker`: the index of the
// worker that answered this very request.

import { COUNTER_FIELDS, LOOP_FIELDS, type LoopFigures, SharedTable } from '../shared/shared-stats.ts'
import { round } from '../shared/stats.ts'

export const WORKER_FIELDS = [
  ...COUNTER_FIELDS,
  ...LOOP_FIELDS,
  /** Connections this worker received (handed over, or accepted by its own listener). */
  'accepted',
  /** Connections the acceptor handed to this worker (written by the main thread only). */
  'dispatched',
  'requests',
  'cpuRunning',
  'cpuQueued',
  'cpuQueuedMax',
  'cpuDone',
  'cpuRejected',
  'cpuRunningMax',
  'wakeUps',
  'wakeRaces',
  'lostRaces',
  /** Main thread's row: sockets the acceptor could not hand over (closed instead). */
  'transferFailed',
] as const

export type WorkerField = (typeof WORKER_FIELDS)[number]

export function openTable(workers: number, handle?: ConstructorParameters<typeof SharedTable>[2]) {
  return new SharedTable<WorkerField>(WORKER_FIELDS, workers + 1, handle)
}

/** Connections a worker holds or is about to: open ones, plus those handed over and not yet picked up. */
export function connectionLoad(table: SharedTable<WorkerField>, worker: number): number {
  return table.get(worker, 'connections') + table.get(worker, 'dispatched') - table.get(worker, 'accepted')
}

export interface Setup {
  workers: number
  dispatch: 'acceptor' | 'kernel'
  pick: string
  cpuLimit: number
  maxQueue: number
}

/** The step-specific part of `/__stats`, as seen from worker `self`. `cpuRunning`: the shared counter. */
export function everyCoreStats(
  table: SharedTable<WorkerField>,
  setup: Setup,
  self: number,
  cpuRunning: number,
): Record<string, unknown> {
  const workerRows = table.allRows().slice(0, setup.workers)
  const mainRow = setup.workers
  const loops = workerRows.map((row) => table.loop(row))
  const acceptor = table.loop(mainRow)
  const delayLoops = setup.dispatch === 'acceptor' ? [...loops, acceptor] : loops
  const requests = workerRows.map((row) => table.get(row, 'requests'))
  const meanRequests = requests.reduce((a, b) => a + b, 0) / setup.workers
  const worst = (pick: (l: LoopFigures) => number) => round(Math.max(...delayLoops.map(pick)))
  const mean = (pick: (l: LoopFigures) => number) => round(loops.map(pick).reduce((a, b) => a + b, 0) / loops.length, 3)

  return {
    uptimeMs: Date.now() - table.epochMs,
    dispatch: setup.dispatch,
    ...(setup.dispatch === 'acceptor' ? { pick: setup.pick } : {}),
    workerCount: setup.workers,
    worker: self,
    connections: table.sum('connections', workerRows),
    inFlight: table.sum('inFlight', workerRows),
    answered: table.sum('answered', workerRows),
    heapUsed: table.allRows().reduce((sum, row) => sum + table.loop(row).heapUsed, 0),
    eventLoopDelayP99Ms: worst((l) => l.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: worst((l) => l.eventLoopDelayMaxMs),
    eventLoopUtilization: mean((l) => l.eventLoopUtilization),
    recent: {
      eventLoopDelayP99Ms: worst((l) => l.recent.eventLoopDelayP99Ms),
      eventLoopDelayMaxMs: worst((l) => l.recent.eventLoopDelayMaxMs),
      eventLoopUtilization: mean((l) => l.recent.eventLoopUtilization),
    },
    eventLoopStalledMs: Math.max(...loops.map((l) => l.stalledMs)),
    cpuLimit: setup.cpuLimit,
    cpuRunning,
    cpuRunningMax: Math.max(...workerRows.map((row) => table.get(row, 'cpuRunningMax'))),
    queueLength: table.sum('cpuQueued', workerRows),
    queueLengthMax: Math.max(...workerRows.map((row) => table.get(row, 'cpuQueuedMax'))),
    maxQueue: setup.maxQueue,
    tasksDone: table.sum('cpuDone', workerRows),
    tasksRejected: table.sum('cpuRejected', workerRows),
    wakeUps: table.sum('wakeUps', workerRows),
    wakeRaces: table.sum('wakeRaces', workerRows),
    lostRaces: table.sum('lostRaces', workerRows),
    // #region stats
    imbalance: meanRequests > 0 ? round(Math.max(...requests) / meanRequests) : 1, // max ÷ mean
    workers: workerRows.map((row, i) => ({
      worker: row,
      connections: table.get(row, 'connections') - (row === self ? 1 : 0),
      accepted: table.get(row, 'accepted'),
      requests: requests[i],
      inFlight: table.get(row, 'inFlight'),
      cpuRunning: table.get(row, 'cpuRunning'),
      cpuQueued: table.get(row, 'cpuQueued'),
      cpuDone: table.get(row, 'cpuDone'),
      cpuRejected: table.get(row, 'cpuRejected'),
      wakeUps: table.get(row, 'wakeUps'),
      eventLoopDelayP99Ms: round(loops[i]!.eventLoopDelayP99Ms),
      recentDelayP99Ms: round(loops[i]!.recent.eventLoopDelayP99Ms),
      eventLoopUtilization: round(loops[i]!.eventLoopUtilization, 3),
      recentUtilization: round(loops[i]!.recent.eventLoopUtilization, 3),
      stalledMs: loops[i]!.stalledMs,
    })),
    // #endregion stats
    ...(setup.dispatch === 'acceptor'
      ? {
          acceptor: {
            eventLoopDelayP99Ms: round(acceptor.eventLoopDelayP99Ms),
            recentDelayP99Ms: round(acceptor.recent.eventLoopDelayP99Ms),
            eventLoopUtilization: round(acceptor.eventLoopUtilization, 3),
            dispatched: table.sum('dispatched', workerRows),
            transferFailed: table.get(mainRow, 'transferFailed'),
          },
        }
      : {}),
  }
}
