// churn and busy-worker: a new connection for every request (load/churn.ts), and for busy-worker
// one worker kept hashing meanwhile (load/busy-worker.ts). Reported as a closed loop is, with the
// new connection said in the header and busy-worker's hold on its own line.

import { count, ms } from '../format.ts'
import type { BenchResult } from '../types.ts'
import { closedColumns, closedNotes } from './closed.ts'
import { type KindReport, none } from './parts.ts'

export const churn: KindReport = {
  name: 'churn',
  doneWord: ' done',
  latencyLabel: 'latency',
  throughputLabel: 'throughput',
  probeOf: () => null,
  sizingLines: none,
  latencyLines: none,
  columns: closedColumns,
  notes: closedNotes,
}

export const busyWorker: KindReport = { ...churn, name: 'busy-worker', sizingLines: holdLines }

/** The worker kept busy: which one, how big its tasks, how many it did during the load. */
function holdLines(r: BenchResult): string[] {
  if (!r.hold) return []
  const who = r.hold.worker === null ? 'the only event loop' : `worker ${r.hold.worker}`
  return [
    `kept busy: ${who}, /cpu/${count(r.hold.n)} back to back (${ms(r.hold.taskMs)} ms each in the generator), ` +
      `${count(r.hold.tasksDone)} tasks during the load`,
  ]
}
