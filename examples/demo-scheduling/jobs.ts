// The job set every scheduler runs: the same jobs, in the same order, on every run with the same
// seed and worker count.
//
// Costs are skewed, as real work is: nine jobs in ten are short (1 to 3 units of work), one in ten
// is long (20 to 40 units). The long ones are a tenth of the jobs and about 60 % of the work. A
// unit becomes milliseconds of CPU only at run time (`jobRounds`), after the machine's speed has
// been measured, so the job set itself is the same everywhere.
//
// Where the long jobs sit is chosen, and this is the one place the demo is staged: they fall only
// at positions 0, N, 2N, … (N = the worker count), as when every batch of N requests opens with
// its expensive one. Placing jobs round-robin, blind to cost, then hands every long job to worker
// 0: the worst case of cost-blind placement, shown on purpose and the same on every run, so the
// difference between the schedulers is theirs and not the luck of one shuffle. (With long jobs at
// random positions round-robin is sometimes fine and sometimes bad; no run-time scheduler knows a
// job's cost in advance, so it cannot rule the bad case out.)

import { xorshift32 } from './random.mjs'

export const JOBS_PER_WORKER = 150
export const LONG_SHARE = 0.1
export const SHORT_UNITS: readonly [number, number] = [1, 3]
export const LONG_UNITS: readonly [number, number] = [20, 40]
export const DEFAULT_SEED = 2026

export interface JobSet {
  seed: number
  /** The worker count the set was built for (it decides where the long jobs sit). */
  workers: number
  /** Each job's cost in units of work, by job id (= position in the list). */
  units: number[]
  /** Ids of the long jobs. */
  long: number[]
}

export function makeJobSet(seed: number, workers: number): JobSet {
  const random = xorshift32(seed)
  const between = ([lo, hi]: readonly [number, number]) => Math.round((lo + random() * (hi - lo)) * 100) / 100
  const units: number[] = []
  const long: number[] = []
  const count = JOBS_PER_WORKER * workers
  // Only every N-th position may hold a long job, so it is long with N times the share there.
  const longChance = Math.min(1, LONG_SHARE * workers)
  for (let id = 0; id < count; id++) {
    const isLong = id % workers === 0 && random() < longChance
    units.push(between(isLong ? LONG_UNITS : SHORT_UNITS))
    if (isLong) long.push(id)
  }
  return { seed, workers, units, long }
}

export function totalUnits(set: JobSet): number {
  return set.units.reduce((sum, u) => sum + u, 0)
}

/**
 * Turns units into rounds of `cpuHash` for this machine: the set is scaled so that, shared out
 * perfectly among its workers, it takes `targetMs` (the ideal makespan).
 */
export function jobRounds(set: JobSet, roundsPerMs: number, targetMs: number): { rounds: number[]; unitMs: number } {
  const unitMs = (targetMs * set.workers) / totalUnits(set)
  const rounds = set.units.map((u) => Math.max(1, Math.round(u * unitMs * roundsPerMs)))
  return { rounds, unitMs }
}
