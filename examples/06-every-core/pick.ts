// Which worker gets the next connection, when one thread accepts them all (`--dispatch acceptor`).
//
// - round-robin (the default): worker 0, 1, …, N−1, 0, … — what the Rust server's channel amounts to, and
//   what `node:cluster` does by default. Blind to load, like the kernel's hash, but evenly so.
// - least: the worker with the fewest connections, counting those handed over and not yet picked up
//   (a worker blocked by a long `/cpu` cannot pick anything up, so its count grows while it is
//   stuck and it stops being chosen). Ties go round-robin, so an idle server still spreads its
//   connections. It reads the counts from the shared stats table, which each worker keeps current.
//   Fewest connections is not least work: a worker may hold few connections that each ask for a
//   lot, and a new connection says nothing yet about what it will ask.

import type { SharedTable } from '../shared/shared-stats.ts'
import { connectionLoad, type WorkerField } from './worker-stats.ts'

/** Returns the index of the worker for the next connection. */
export type Pick = () => number

export function roundRobin(workers: number): Pick {
  let next = 0
  return () => {
    const chosen = next
    next = (next + 1) % workers
    return chosen
  }
}

// #region least
export function leastConnections(workers: number, table: SharedTable<WorkerField>): Pick {
  let last = workers - 1
  return () => {
    let chosen = -1
    let fewest = Infinity
    for (let step = 1; step <= workers; step++) {
      const worker = (last + step) % workers // start after the last one chosen: ties go round-robin
      const load = connectionLoad(table, worker)
      if (load < fewest) {
        fewest = load
        chosen = worker
      }
    }
    last = chosen
    return chosen
  }
}
// #endregion least
