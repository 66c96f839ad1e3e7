// For the CPU-cap tests of steps 5 and 6: has a promise settled yet? A wake-up arrives as a task or
// a message on a later turn of the event loop, so "not yet" means only after a few turns have passed.

import { setImmediate as nextTurn } from 'node:timers/promises'
import { sleep } from './raw-http.ts'

/** Whether `promise` has settled after the event loop has had a few turns to deliver wake-ups. */
export async function settled(promise: Promise<unknown>, turns = 5): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  for (let i = 0; i < turns && !done; i++) await nextTurn()
  await sleep(5)
  return done
}
