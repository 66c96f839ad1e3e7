// The start barrier: the clock starts only once every worker is up and waiting.
//
// Starting a worker thread takes tens of milliseconds (a fresh V8 isolate, its modules loaded),
// and they do not all come up at once. Timed from `new Worker`, the first scheduler would be
// charged for start-up, and the workers that came up first would look busy while the others were
// still loading. So each worker, once ready, says so and then blocks on one shared cell; the main
// thread, once it has heard from all of them, writes the start time and flips that cell. Every
// worker wakes to the same start time, and every time in the demo is measured from it.
//
// Times come from `process.hrtime.bigint()`: the system's monotonic clock (libuv's uv_hrtime,
// CLOCK_MONOTONIC on Linux), the same clock in every thread of the process, so the workers' times
// are comparable with each other and with the start time the main thread wrote.

const GO = 0 // Int32 cell: 0 until the start, then 1
const START_NS = 1 // BigInt64 cell (bytes 8–15): the start time, in ns

/** The shared memory for one barrier. */
export function barrierBuffer() {
  return new SharedArrayBuffer(16)
}

/** Now, in ns, on the clock every thread shares. */
export function nowNs() {
  return process.hrtime.bigint()
}

/**
 * Main thread, once every worker has said it is ready: starts the clock and wakes them all.
 * @param {SharedArrayBuffer} buffer
 * @returns {bigint} the start time, in ns
 */
export function start(buffer) {
  const start = nowNs()
  Atomics.store(new BigInt64Array(buffer), START_NS, start) // the start time first,
  const cells = new Int32Array(buffer)
  Atomics.store(cells, GO, 1) // then the flag (a worker that sees 1 sees the time too)
  Atomics.notify(cells, GO)
  return start
}

/**
 * Worker, once ready (and after telling the main thread so): blocks until the start.
 * @param {SharedArrayBuffer} buffer
 * @returns {bigint} the start time, in ns
 */
export function waitForStart(buffer) {
  const cells = new Int32Array(buffer)
  while (Atomics.load(cells, GO) === 0) Atomics.wait(cells, GO, 0)
  return Atomics.load(new BigInt64Array(buffer), START_NS)
}
