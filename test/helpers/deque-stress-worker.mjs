// A thread for the deque's stress tests (test/unit/demo-scheduling-deque.test.ts). Its role comes in
// `workerData`:
// - `owner`: first alone (the thieves wait for THIEVES_GO): pushes `solo` jobs and pops them all,
//   so the owner has taken jobs whatever the scheduler does. Then, with the thieves let in, pushes
//   the rest in random bursts and pops in between; every `pauseEvery` jobs it empties its deque,
//   fills it anew and stops popping until the deque is empty, so those jobs can only go to thieves,
//   however the threads are scheduled. Once every job is pushed and its deque is empty, raises
//   "owner done";
// - `thief`: once let in, steals from the owner's deque until the owner is done and the deque is
//   empty;
// - `race-owner` / `race-thief`: the one-element race, round after round: the owner pushes one
//   job, announces the round, and pops; the thief steals as soon as it sees the round. Each waits
//   a random few hundred nanoseconds first, so they meet at a different moment every round, and
//   in some rounds inside each other's compare-exchange. Exactly one of them must get the job.
//   The owner goes on until both sides have won rounds and compare-exchanges have been lost
//   (`enough`), or until `total` rounds or `deadlineMs`: on a loaded machine the two threads are
//   not always on two cores at once, and only then can they race.
// All threads start together (the demo's start barrier), and every job a thread takes is counted
// in `taken[job]` (exactly once each, the test checks).

import { parentPort, workerData } from 'node:worker_threads'
import { waitForStart } from '../../examples/demo-scheduling/barrier.mjs'
import { Deque, EMPTY, LOST } from '../../examples/demo-scheduling/deque.mjs'
import { xorshift32 } from '../../examples/demo-scheduling/random.mjs'

/**
 * @typedef {object} Setup
 * @property {'owner' | 'thief' | 'race-owner' | 'race-thief'} role
 * @property {SharedArrayBuffer} deque
 * @property {SharedArrayBuffer} taken Int32 per job
 * @property {SharedArrayBuffer} control Int32 cells, see below
 * @property {SharedArrayBuffer} barrier
 * @property {number} total jobs (or at most this many rounds)
 * @property {number} seed
 * @property {number} [solo] the owner: jobs it pushes and pops before the thieves are let in
 * @property {number} [pauseEvery] the owner: fill the deque and wait for the thieves to empty it, this often
 * @property {number} [deadlineMs] the race: stop after this long even if not `enough`
 * @property {number} [enough] the race: stop once each side won, and compare-exchanges were lost, this often
 */

const OWNER_DONE = 0 // the owner pushes no more
const ROUND = 1 // the race: the round the owner has pushed
const ACK = 2 // the race: the round the thief has finished
const STOP = 3 // the race: no more rounds
const THIEF_LOST = 4 // the race: how often the thief lost a compare-exchange
const THIEVES_GO = 5 // the stress test: 0 while the owner works alone, then 1
const PAUSED = 6 // the stress test: a cell the owner sleeps on while the thieves empty its deque

if (parentPort === null) throw new Error('a worker thread')
/** @type {Setup} */
const setup = workerData
const deque = new Deque(setup.deque)
const taken = new Int32Array(setup.taken)
const control = new Int32Array(setup.control)
const random = xorshift32(setup.seed)
const counts = { took: 0, lost: 0, empty: 0, rounds: 0, soloPops: 0, pausedPushes: 0 }

/**
 * Waits a random few hundred nanoseconds, so owner and thief meet at a different offset each round.
 * @param {number} spins
 */
function pause(spins) {
  for (let i = 0; i < spins; i++) Atomics.load(control, OWNER_DONE)
}

/** @param {number} job */
function took(job) {
  if (job >= 0) {
    Atomics.add(taken, job, 1)
    counts.took++
  } else if (job === LOST) counts.lost++
  else if (job === EMPTY) counts.empty++
  return job >= 0
}

parentPort.postMessage('ready')
waitForStart(setup.barrier)

if (setup.role === 'owner') {
  const solo = Math.min(setup.solo ?? 0, deque.capacity, setup.total)
  let next = 0
  // Alone: every job pushed now is popped by the owner, as no thief is looking yet.
  while (next < solo) deque.push(next++)
  while (deque.size() > 0) if (took(deque.pop())) counts.soloPops++
  Atomics.store(control, THIEVES_GO, 1)
  Atomics.notify(control, THIEVES_GO)
  const pauseEvery = setup.pauseEvery ?? Infinity
  let nextPause = next + pauseEvery
  while (next < setup.total || deque.size() > 0) {
    if (next >= nextPause) {
      // Empty the deque, refill it, and pop nothing until it is empty: only a thief can take the
      // jobs pushed now.
      nextPause = next + pauseEvery
      while (deque.size() > 0) took(deque.pop())
      for (let i = 0; i < deque.capacity && next < setup.total; i++) {
        deque.push(next++)
        counts.pausedPushes++
      }
      while (deque.size() > 0) Atomics.wait(control, PAUSED, 0, 1)
    } else if (next < setup.total && random() < 0.6 && deque.size() < deque.capacity) {
      const burst = 1 + Math.floor(random() * 8)
      for (let i = 0; i < burst && next < setup.total && deque.size() < deque.capacity; i++) deque.push(next++)
    } else {
      took(deque.pop())
    }
  }
  Atomics.store(control, OWNER_DONE, 1)
} else if (setup.role === 'thief') {
  while (Atomics.load(control, THIEVES_GO) === 0) Atomics.wait(control, THIEVES_GO, 0)
  // Stop only when the owner is done AND the deque is empty (the flag first: once it is up, the
  // owner pushes no more, so an empty deque then stays empty).
  for (;;) {
    const done = Atomics.load(control, OWNER_DONE) === 1
    const job = deque.steal()
    took(job)
    if (done && job === EMPTY) break
  }
} else if (setup.role === 'race-owner') {
  const deadline = Date.now() + (setup.deadlineMs ?? 10_000)
  const enough = setup.enough ?? 0
  let round = 0
  for (;;) {
    const thiefWon = round - counts.took
    const raced = counts.lost + Atomics.load(control, THIEF_LOST)
    if (round >= setup.total || Date.now() > deadline) break
    if (counts.took >= enough && thiefWon >= enough && raced >= enough && enough > 0) break
    round++
    deque.push(round - 1)
    Atomics.store(control, ROUND, round)
    pause(Math.floor(random() * 300))
    took(deque.pop())
    while (Atomics.load(control, ACK) < round) Atomics.wait(control, ACK, round - 1, 5)
  }
  counts.rounds = round
  Atomics.store(control, STOP, 1)
} else {
  for (let round = 1; ; round++) {
    // Spin: be there the instant the job is.
    while (Atomics.load(control, ROUND) < round && Atomics.load(control, STOP) === 0) {}
    if (Atomics.load(control, ROUND) < round) break // stopped
    pause(Math.floor(random() * 100))
    took(deque.steal())
    Atomics.store(control, THIEF_LOST, counts.lost)
    Atomics.store(control, ACK, round)
    Atomics.notify(control, ACK)
    counts.rounds = round
  }
}

parentPort.postMessage(counts)
