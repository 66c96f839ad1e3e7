// The half of the CPU limit that every thread shares: the counter, and how a slot is given back.
//
// The limit (cpu-limit.ts) runs on the main thread, and only the main thread ever *takes* a slot.
// But the slot is *given back* by the worker thread that ran the task, at the moment its hash ends,
// without waiting for the main thread to read the answer. That is why the counter lives in a
// SharedArrayBuffer: two threads change it, so every change is an `Atomics` operation.
//
// Plain JavaScript on purpose: the worker threads load this file directly (see examples/shared/work.mjs
// for why they do not run the TypeScript loader).

/** Where the count of CPU tasks holding a slot lives in the shared Int32Array. */
export const RUNNING = 0

/** A fresh counter, shared by whichever threads receive it (in `workerData` or a message). */
export function createCounter() {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
}

// #region release-slot
/**
 * Give one slot back: one task fewer running, then wake the one waiter, if there is one.
 *
 * Decrement first, notify second. The main thread never starts waiting without first checking the
 * counter, atomically with the start of the wait (see cpu-limit.ts): if our decrement comes first,
 * that check sees the free slot; if the wait comes first, our notify finds the waiter. No order of
 * the two threads loses the wake-up. `1`: a freed slot is worth one task, so wake at most one.
 * @param {Int32Array} counter
 */
export function releaseSlot(counter) {
  Atomics.sub(counter, RUNNING, 1)
  Atomics.notify(counter, RUNNING, 1)
}
// #endregion release-slot

/**
 * A task's slot travels with it to a worker thread; `held` (one Int32, 1 while the task still holds
 * the slot) says whether it has been given back yet. The worker gives it back when its hash ends; if
 * the worker dies first, the main thread gives it back for it. Whoever swaps the 1 for a 0 does the
 * release: the swap is atomic, so exactly one of the two does it, never both, never neither.
 * @param {Int32Array} counter
 * @param {Int32Array} held
 */
export function releaseHeldSlot(counter, held) {
  if (Atomics.exchange(held, 0, 0) === 1) releaseSlot(counter)
}
