// Starting step 6's worker threads: N event loops (worker.ts), the shared stats table, and the one
// CPU-cap counter they all share.
//
// The workers are started once, together, and live as long as the server. A worker that dies takes
// its connections with it, and the dispatcher would go on handing it new ones, so the server says
// so and exits (code 1) rather than limp on with a hole: a worker never dies on bad input (the
// connection code answers 400/408/431 and keeps serving), only on a bug.

import type { Worker } from 'node:worker_threads'
import { createCounter } from '../05-cpu-pool/cpu-slot.mjs'
import { indexPage, type StepInfo } from '../shared/server.ts'
import { StatsProbe } from '../shared/stats.ts'
import { startThread } from '../shared/thread-modules.ts'
import type { FromWorker, WorkerInput } from './worker.ts'
import { openTable, type Setup, type WorkerField } from './worker-stats.ts'
import type { SharedTable } from '../shared/shared-stats.ts'

const WORKER_MODULE = new URL('./worker.ts', import.meta.url)

export interface Workers {
  threads: Worker[]
  table: SharedTable<WorkerField>
  /** The table's row for the main thread (the acceptor's loop figures). */
  mainRow: number
}

export async function startWorkers(setup: Setup, step: StepInfo, headerTimeoutMs: number): Promise<Workers> {
  const table = openTable(setup.workers)
  const counter = createCounter()
  const threads = Array.from({ length: setup.workers }, (_, index) => {
    const input: WorkerInput = {
      index,
      setup,
      table: table.handle(),
      counter,
      headerTimeoutMs,
      step: { number: step.number as number, name: step.name },
      indexPage: indexPage(step),
    }
    return startThread(WORKER_MODULE, input)
  })
  await Promise.all(threads.map((thread, index) => ready(thread, index)))
  for (const [index, thread] of threads.entries()) {
    thread.on('error', (error) => fail(`worker ${index} failed: ${error.message}`))
    thread.on('exit', (code) => fail(`worker ${index} exited (code ${code})`))
  }
  // The main thread's own loop (it accepts, with --dispatch acceptor) goes into the last row.
  const mainRow = setup.workers
  table.startPublishing(mainRow, new StatsProbe(step))
  return { threads, table, mainRow }
}

function ready(thread: Worker, index: number): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: FromWorker) => {
      if (message.kind !== 'ready') return
      thread.off('message', onMessage)
      resolve()
    }
    thread.on('message', onMessage)
    thread.once('error', (error) => fail(`worker ${index} failed to start: ${error.message}`))
  })
}

function fail(why: string): never {
  console.error(`step:6: ${why}`)
  process.exit(1)
}
