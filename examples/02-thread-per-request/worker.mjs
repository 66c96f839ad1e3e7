// The thread side of step 2: do one piece of blocking work and post the answer body back.
//
// Started per request (the work arrives as `workerData`, the thread exits when done) or, with
// `--pool N`, kept alive to take one job after another from `message` events.
// Plain JavaScript on purpose: see the note at the top of examples/shared/work.mjs.

import { parentPort, workerData } from 'node:worker_threads'
import { doWorkBlocking } from '../shared/work.mjs'

if (parentPort === null) throw new Error('worker.mjs runs inside a worker thread')
const port = parentPort

// #region worker
if (workerData) {
  port.postMessage(doWorkBlocking(workerData)) // one request, then the thread ends
} else {
  port.on('message', (work) => port.postMessage(doWorkBlocking(work)))
}
// #endregion worker
