// The work a request asks for, defined once for every step.
//
// Two kinds of work, so the talk can tell them apart:
// - `GET /<ms>` is I/O-bound: the server just waits (a stand-in for a database or a disk).
//   How it waits is the whole difference between the steps. Steps 1 and 2 block a thread with
//   `blockingSleep`; steps 3–5 let their event loop or runtime wait without a thread.
// - `GET /cpu/<n>` is CPU-bound: `cpuHash` runs n rounds of an integer hash. It is real,
//   deterministic work (not a timed spin), so every step must return the same checksum.
//
// This file is plain JavaScript (with JSDoc types that `tsc --checkJs` checks) because worker
// threads load it directly. Node can strip TypeScript types itself, in workers too, but a worker
// whose entry is `.ts` loads the stripper into its own isolate: 2–3× the start-up time and twice
// the memory (`npm run workers:measure`), and step 2 would measure the stripper, not the thread.

// #region blocking-sleep
/** One `Int32Array` nobody ever notifies: `Atomics.wait` on it sleeps the calling thread. */
const neverNotified = new Int32Array(new SharedArrayBuffer(4))

/**
 * Sleep the calling thread for `ms` milliseconds. Nothing else runs on this thread meanwhile:
 * no callbacks, no timers, no other connections. That is what "blocking" means.
 * @param {number} ms
 */
export function blockingSleep(ms) {
  Atomics.wait(neverNotified, 0, 0, ms)
}
// #endregion blocking-sleep

// #region cpu-hash
/**
 * n rounds of an FNV-1a-style integer hash over the loop counter: about 1 ns a round on a laptop
 * core, and each round depends on the last, so the engine cannot skip or parallelise it.
 * @param {number} n
 * @returns {string} the checksum as 8 hex digits
 */
export function cpuHash(n) {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ i, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}
// #endregion cpu-hash

/**
 * The body of a successful answer. Every step builds its answers here so they match exactly.
 * @param {import('./work-types.ts').Work} work
 * @param {string} [checksum] the result of `cpuHash(work.n)` for CPU work
 */
export function workBody(work, checksum) {
  return work.kind === 'sleep' ? `slept ${work.ms} ms\n` : `cpu ${work.n} ${checksum}\n`
}

/**
 * Do the work by blocking the calling thread, the way steps 1 and 2 do, and return the answer body.
 * @param {import('./work-types.ts').Work} work
 */
export function doWorkBlocking(work) {
  if (work.kind === 'sleep') {
    blockingSleep(work.ms)
    return workBody(work)
  }
  return workBody(work, cpuHash(work.n))
}
