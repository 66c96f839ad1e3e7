// `/__stats` for step 2 `--own-socket`, where each connection lives on its own thread: the thread
// that owns the asking connection answers, for the whole server, from shared memory
// (../shared/shared-stats.ts says why shared memory).
//
// Two rows: the main thread's (its loop, which accepts and starts threads; the connections it
// serves itself when --max-threads is reached; the thread accounting), and one row that every
// connection thread counts into (connections, requests in flight, answers).
//
// What the protocol's figures mean here:
// - connections, inFlight: both rows together, minus the connection asking;
// - eventLoopDelayP99Ms, eventLoopUtilization (and `recent`): the main thread's loop, the one every
//   new connection goes through, as in step 2's other mode. A connection thread's own loop is
//   blocked by design while it sleeps or hashes (that is the thread-per-request model), so its
//   delay would only repeat the request's duration;
// - heapUsed: the main thread's heap (a thread's heap goes with it when it ends).

import { COUNTER_FIELDS, LOOP_FIELDS, SharedTable, type SharedTableHandle } from '../shared/shared-stats.ts'
import { round } from '../shared/stats.ts'

export const OWN_SOCKET_FIELDS = [
  ...COUNTER_FIELDS,
  ...LOOP_FIELDS,
  'threadsSpawned',
  'threadsAlive',
  /** The mean time from `new Worker` to the thread running, in hundredths of a millisecond. */
  'threadStartCentiMs',
] as const

export const MAIN_ROW = 0
export const THREADS_ROW = 1

export function openOwnSocketTable(handle?: SharedTableHandle) {
  return new SharedTable(OWN_SOCKET_FIELDS, 2, handle)
}

export function ownSocketStats(table: ReturnType<typeof openOwnSocketTable>): Record<string, unknown> {
  const main = table.loop(MAIN_ROW)
  return {
    uptimeMs: Date.now() - table.epochMs,
    connections: table.sum('connections'),
    inFlight: table.sum('inFlight'),
    answered: table.sum('answered'),
    heapUsed: main.heapUsed,
    eventLoopDelayP99Ms: round(main.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: round(main.eventLoopDelayMaxMs),
    eventLoopUtilization: round(main.eventLoopUtilization, 3),
    recent: {
      eventLoopDelayP99Ms: round(main.recent.eventLoopDelayP99Ms),
      eventLoopDelayMaxMs: round(main.recent.eventLoopDelayMaxMs),
      eventLoopUtilization: round(main.recent.eventLoopUtilization, 3),
    },
    ownSocket: true,
    threadsSpawned: table.get(MAIN_ROW, 'threadsSpawned'),
    threadsAlive: table.get(MAIN_ROW, 'threadsAlive'),
    threadStartMsAvg: table.get(MAIN_ROW, 'threadStartCentiMs') / 100,
    poolSize: 0,
    queueLength: 0,
  }
}
