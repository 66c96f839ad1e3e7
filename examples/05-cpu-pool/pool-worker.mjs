// One thread of step 5's pool: hash, give the CPU slot back, post the checksum. Forever.
//
// Who gives the slot back: this thread, the moment its hash ends, before it posts the answer. The
// main thread could do it when it reads the answer, with a plain number and no races at all (it is
// one thread). Doing it here makes the counter mean exactly "threads hashing now", and the cap
// count cores rather than answers not yet read. The price is correctness work: two threads now
// change the counter, so the main thread must check it and start waiting in one atomic step
// (cpu-limit.ts), and a slot must come back exactly once even if this thread dies (cpu-slot.mjs).
// Latency is about the same either way: the next task still needs the main thread to admit and
// post it, and the main thread needs one wake-up for that (our notify, or our answer).
//
// Only a hash that ended gives its slot back. A thread that fails keeps the slot and dies with it;
// the main thread frees it once the thread is gone (worker-pool.ts). Were we to free it here, in a
// `finally`, the main thread could hand the next task to a thread that is about to die.
//
// Test hook (not part of the HTTP protocol): `STEP5_TEST_CRASH=<mode>:<n>[,<mode>:<n>…]` in the
// server's environment makes the thread that gets `/cpu/<n>` fail, so the tests can watch the pool
// recover: `throw:<n>` throws an uncaught exception, `exit:<n>` ends the thread on the spot. Pick an
// `n` nobody else asks for; with the variable unset (always, outside the tests) nothing here fails
// on purpose.
//
// Plain JavaScript on purpose: see the note at the top of examples/shared/work.mjs.

import { parentPort, workerData } from 'node:worker_threads'
import { cpuHash } from '../shared/work.mjs'
import { releaseHeldSlot } from './cpu-slot.mjs'

if (parentPort === null) throw new Error('pool-worker.mjs runs inside a worker thread')
const port = parentPort
/** @type {{ counter: Int32Array, held: Int32Array }} */
const { counter, held } = workerData
const crashOn = parseCrashHook(process.env.STEP5_TEST_CRASH)

// #region worker
port.on('message', (/** @type {number} */ n) => {
  if (crashOn.get(n) === 'exit') process.exit(1) // in a worker, this ends the thread, not the process
  if (crashOn.get(n) === 'throw') throw new Error(`test crash on /cpu/${n}`)
  const checksum = cpuHash(n)
  releaseHeldSlot(counter, held) // this core is free: the next task in line may start
  port.postMessage(checksum)
})
// #endregion worker

/**
 * @param {string | undefined} text
 * @returns {Map<number, string>}
 */
function parseCrashHook(text) {
  const crashes = new Map()
  for (const item of (text ?? '').split(',')) {
    const match = /^(throw|exit):(\d+)$/.exec(item.trim())
    if (match) crashes.set(Number(match[2]), match[1])
  }
  return crashes
}
