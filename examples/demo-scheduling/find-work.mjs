// The three schedulers, each reduced to the one thing that differs between them: how a worker
// finds its next job. Everything else (the jobs, the threads, the clock, the bookkeeping) is the
// same code for all three (worker.mjs), so the race compares scheduling and nothing else.
//
// 1. One global queue: take the next job from the list every worker shares.
// 2. A queue per worker, jobs placed round-robin up front, no balancing: a worker runs its own
//    queue dry and stops, whatever the others still have.
// 3. Work stealing: the same per-worker queues and the same placement as 2, plus one rule: a
//    worker whose own queue is empty takes the oldest job from another worker's queue.
//
// 2 and 3 use the same deque (deque.mjs), so they differ only in that rule. A found job says
// where it came from: `from` is the worker whose queue held it, or -1 for the global queue.

import { LOST } from './deque.mjs'

/** @typedef {import('./deque.mjs').Deque} Deque */
/** @typedef {import('./global-queue.mjs').GlobalQueue} GlobalQueue */
/** @typedef {{ job: number, from: number }} Found  job -1: nothing left for this worker */
/** @typedef {{ steals: number, failedSteals: number, lostRaces: number }} StealCounters */

/** @type {Found} */
const NOTHING = { job: -1, from: -1 }

/**
 * @param {GlobalQueue} queue
 * @returns {Found}
 */
export function fromGlobalQueue(queue) {
  return { job: queue.take(), from: -1 }
}

/**
 * @param {Deque[]} deques every worker's deque, by worker index
 * @param {number} me this worker's index
 * @returns {Found}
 */
// #region own-queue
export function fromOwnQueue(deques, me) {
  const job = deques[me].pop()
  return job >= 0 ? { job, from: me } : NOTHING // empty: this worker is done, busy neighbours or not
}
// #endregion own-queue

/**
 * @param {Deque[]} deques every worker's deque, by worker index
 * @param {number} me this worker's index
 * @param {StealCounters} counters
 * @param {(n: number) => number} pick a random whole number below n
 * @returns {Found}
 */
// #region stealing
export function withStealing(deques, me, counters, pick) {
  const job = deques[me].pop() // own deque first, newest job first
  if (job >= 0) return { job, from: me }
  for (;;) {
    let lostARace = false
    const first = pick(deques.length) // start at a random victim, so thieves spread out
    for (let k = 0; k < deques.length; k++) {
      const victim = (first + k) % deques.length
      if (victim === me) continue
      const stolen = deques[victim].steal() // its oldest job
      if (stolen >= 0) {
        counters.steals++
        return { job: stolen, from: victim }
      }
      counters.failedSteals++
      if (stolen === LOST) {
        counters.lostRaces++
        lostARace = true // someone else got that job; the deque may hold more
      }
    }
    // Every deque was EMPTY. Nobody pushes once the clock runs, so empty stays empty: done.
    if (!lostARace) return NOTHING
  }
}
// #endregion stealing
