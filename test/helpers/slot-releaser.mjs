// A test thread for test/unit/step5-cpu-limit.test.ts: it plays a pool worker. For each task it is sent,
// it counts itself in an independent gauge of "tasks running right now" (and its high-water mark),
// spins for a random few microseconds, and gives the task's slot back with the real
// `releaseHeldSlot`, from this thread, as step 5's pool-worker.mjs does.
// It also checks, before each release, that the counter still counts the slot it holds (a counter
// that has gone to zero or below means someone released a slot twice).
// With `pauseAfterNotifyMs`, every `Atomics.notify` on this thread is followed by a pause: whatever
// a release does after its notify happens long after the woken waiter has looked at the counter.

import { parentPort, workerData } from 'node:worker_threads'
import { releaseHeldSlot, RUNNING } from '../../examples/05-cpu-pool/cpu-slot.mjs'

if (parentPort === null) throw new Error('runs in a worker thread')
const port = parentPort
/** @type {{ counter: Int32Array, gauge: Int32Array, maxSpinMicros: number, pauseAfterNotifyMs?: number }} */
const { counter, gauge, maxSpinMicros, pauseAfterNotifyMs = 0 } = workerData
const NOW = 0 // gauge[0]: tasks between start and release, as the releasers count them
const MAX = 1 // gauge[1]: the most ever at once
const BAD = 2 // gauge[2]: releases that found the counter not counting their slot

if (pauseAfterNotifyMs > 0) {
  const realNotify = Atomics.notify
  const pause = new Int32Array(new SharedArrayBuffer(4))
  /** @type {(array: Int32Array, index: number, count?: number) => number} */
  const pausingNotify = (array, index, count) => {
    const woken = realNotify(array, index, count)
    Atomics.wait(pause, 0, 0, pauseAfterNotifyMs)
    return woken
  }
  Atomics.notify = /** @type {typeof Atomics.notify} */ (pausingNotify)
}

port.on('message', (/** @type {{ held: Int32Array }} */ task) => {
  const now = Atomics.add(gauge, NOW, 1) + 1
  for (let max = Atomics.load(gauge, MAX); now > max; max = Atomics.load(gauge, MAX)) {
    if (Atomics.compareExchange(gauge, MAX, max, now) === max) break
  }
  const until = performance.now() + (Math.random() * maxSpinMicros) / 1000
  while (performance.now() < until) {
    // busy, like a short hash
  }
  if (Atomics.load(counter, RUNNING) < 1) Atomics.add(gauge, BAD, 1)
  Atomics.sub(gauge, NOW, 1)
  releaseHeldSlot(counter, task.held)
})
