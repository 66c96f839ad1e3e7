// One thread of step 5's pool: hash, give the CPU slot back, post the checksum. Forever.
//
// The slot goes back *before* the answer is posted, from this thread: the next task in line may
// start as soon as this core is free, without waiting for the main thread to get round to reading
// our message. The counter is shared memory (cpu-slot.mjs), so this thread can do it itself.
//
// Test hook (not part of the HTTP protocol): `STEP5_TEST_CRASH=<mode>:<n>[,<mode>:<n>…]` in the
// server's environment makes the thread that gets `/cpu/<n>` fail, so the tests can watch the pool
// recover. `throw:<n>` throws an uncaught exception while holding the slot (the `finally` gives the
// slot back, then the thread dies of the exception); `exit:<n>` ends the thread on the spot, still
// holding its slot, which the main thread must then give back for it. Pick an `n` nobody else asks
// for; with the variable unset (always, outside the tests) nothing here ever fails on purpose.
//
// Plain JavaScript on purpose: see the note at the top of ../shared/work.mjs.

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
  let checksum
  try {
    if (crashOn.get(n) === 'throw') throw new Error(`test crash on /cpu/${n}`)
    checksum = cpuHash(n)
  } finally {
    releaseHeldSlot(counter, held) // the core is free: let the next task in line start
  }
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
