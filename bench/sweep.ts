// A sweep: one step at offered rates from low to past its capacity, one short open-loop run (a
// "leg") at each, one after another — the points of a load curve. `npm run bench:sweep` and the
// deck's live sweeps run it; it is modelled on the comparison runner (compare.ts), whose abort and
// watchdog it shares.
//
// Why rates, not connections. A closed loop cannot show a knee: past capacity it is simply sent
// less. An open loop offers each rate whatever the server does, so below a server's capacity the
// latency is its service time plus a little queueing, and past it the line grows by the second and
// the latency with it: the knee is where each architecture runs out of threads that can hash (one
// for steps 1 and 3, the cores for step 5).
//
// The task is sized once. With sized `/cpu` tasks (the `load-curve` scenario) the rates are given
// as loads, multiples of one core's worth of tasks a second (1000 / the task's CPU ms): the first
// leg's load generator sizes the task (calibrate.ts) and works out its rate from it, and every
// later leg — and every later step of a recording, given `cpu` — gets the same `n` and a rate
// worked out from the same measurement. So "1.0" is the knee of a server that hashes on one thread
// on any machine, and the curves of several steps share one x-axis.
//
// Figures that mean what they say. Each leg runs on a fresh server, so each first answers
// `warmUpRequests` untimed requests of the leg's path (SWEEP_WARM_UP_REQUESTS): its cold first
// request is not a leg's p99. And a p99 needs answers: given `minSamples`, a leg runs long enough
// at its rate for about that many (`legDurationS`, within `maxLegS`); a leg left with fewer than
// 100 shows its p99 as the maximum it is (report/sweep-result.ts).
//
// Bounded: each leg has its duration and cap; a leg that the cap cuts, or that leaves requests
// unanswered, ends the sweep (its latencies are lower bounds, and every higher rate would only be
// cut sooner); an abort stops the leg that runs and starts no other.

import { availableParallelism } from 'node:os'
import { legAbort, type Runner } from './compare.ts'
import { findScenario, type RunInput, runScenario } from './index.ts'
import { expectedRate } from './options.ts'
import { coreRateOf, endsCurve } from './report/sweep-result.ts'
import type { BenchProgress, BenchResult, CpuCalibration } from './types.ts'

export interface SweepPlan {
  step: string
  /** `load-curve` (sized `/cpu` tasks), or an open-loop scenario (`paced`) with `rates` and a `path`. */
  scenario: string
  /** Sized tasks: the legs' offered loads, multiples of one core's worth of tasks a second, low to high. */
  loads?: readonly number[]
  /** The legs' offered rates in requests a second, low to high (instead of `loads`). */
  rates?: readonly number[]
  /** The task size from an earlier sweep: one calibration for every step of a recording. */
  cpu?: CpuCalibration | null
  /** The same for every leg; `cpuN` sizes the task instead of calibrating (its time is still measured). */
  overrides?: Pick<RunInput, 'durationS' | 'capS' | 'path' | 'connections' | 'cpuN'>
  /** The most a leg may offer (the deck's live cap): a faster leg is not run and ends the sweep. */
  maxRate?: number
  /** Untimed requests each leg's fresh server answers before its load (default none). */
  warmUpRequests?: number
  /**
   * Latencies a leg should have: it then runs `legDurationS` at its rate (overrides.durationS the
   * least, `maxLegS` the most), its cap as far past that as overrides.capS is past overrides.durationS.
   */
  minSamples?: number
  maxLegS?: number
}

/** What each leg's server answers before its load, untimed: the bench:sweep and live default. */
export const SWEEP_WARM_UP_REQUESTS = 20

/**
 * Seconds a leg at `ratePerSec` runs to have about `samples` latencies: at least `minS`, at most
 * `maxS` (a slow rate may then still end with fewer; its p99 is shown as the maximum).
 */
export function legDurationS(ratePerSec: number, samples: number, minS: number, maxS: number): number {
  if (!(ratePerSec > 0)) return minS
  return Math.min(maxS, Math.max(minS, Math.ceil(samples / ratePerSec)))
}

export interface SweepHooks {
  signal?: AbortSignal
  onLegStart?(leg: number): void
  onProgress?(leg: number, progress: BenchProgress): void
  onLegDone?(leg: number, result: BenchResult): void
  /** Given: a leg that fails is reported and ends the sweep; not given, the sweep rejects. */
  onLegFailed?(leg: number, error: unknown): void
  /** Abort a leg that has not settled this long after it started. */
  legTimeoutMs?: number
}

export interface SweepOutcome {
  /** One per leg of the plan: null for a leg that failed or was not reached. */
  results: (BenchResult | null)[]
  /** The task size the legs used (calibrated by the first, or given); null for other paths. */
  cpu: CpuCalibration | null
  /** Why the sweep stopped before its last leg (or its last leg was a lower bound); null otherwise. */
  stoppedBy: string | null
}

/**
 * The loads of a sweep of sized tasks on a machine with `cores` cores, in one core's worth of tasks
 * a second: around one core (the knee of steps 1 and 3), then around all of them (step 5's), and
 * past both. On 2 cores: 0.25 … 1.4, then 1.2 … 2.8: eleven legs.
 */
export function sweepLoads(cores = availableParallelism()): number[] {
  const oneCore = [0.25, 0.5, 0.75, 0.9, 1.1, 1.4]
  const everyCore = cores > 1 ? [0.6, 0.8, 0.95, 1.1, 1.4].map((f) => f * cores) : []
  return sortedUnique([...oneCore, ...everyCore])
}

/**
 * The loads of a live sweep: at most `max` legs (the deck's cap on the legs of one run), the same
 * shape as `sweepLoads`, fewer points.
 */
export function liveSweepLoads(max: number, cores = availableParallelism()): number[] {
  const oneCore = [0.5, 0.9, 1.2]
  const everyCore = cores > 1 ? [0.7, 0.95, 1.2, 1.5].map((f) => f * cores) : [1.5]
  return sortedUnique([...oneCore, ...everyCore]).slice(0, max)
}

function sortedUnique(loads: number[]): number[] {
  return [...new Set(loads.map((x) => Math.round(x * 100) / 100))].sort((a, b) => a - b)
}

/** How many legs a plan has. */
export function legCount(plan: Pick<SweepPlan, 'loads' | 'rates'>): number {
  return (plan.rates ?? plan.loads ?? []).length
}

export async function runSweep(
  plan: SweepPlan,
  hooks: SweepHooks = {},
  run: Runner = runScenario,
): Promise<SweepOutcome> {
  if ((plan.rates === undefined) === (plan.loads === undefined)) throw new Error('a sweep takes rates or loads')
  const count = legCount(plan)
  const outcome: SweepOutcome = { results: new Array(count).fill(null), cpu: plan.cpu ?? null, stoppedBy: null }
  const cores = availableParallelism()
  for (let leg = 0; leg < count && !hooks.signal?.aborted; leg++) {
    const load = plan.loads?.[leg]
    const coreRate = coreRateOf(outcome.cpu)
    // A rate known now: given, or a load once the task is sized. Else the generator works it out.
    const rate = plan.rates?.[leg] ?? (load !== undefined && coreRate !== null ? round2(load * coreRate) : undefined)
    if (rate !== undefined && plan.maxRate !== undefined && rate > plan.maxRate) {
      outcome.stoppedBy = `${rate} req/s is more than a sweep here may offer (${plan.maxRate})`
      break
    }
    const input: RunInput = {
      ...plan.overrides,
      ...legBounds(plan, rate ?? expectedRate(load! / cores, findScenario(plan.scenario) ?? {}, cores)),
      scenario: plan.scenario,
      step: plan.step,
      ...(outcome.cpu === null ? {} : { cpuN: outcome.cpu.n }),
      ...(rate !== undefined ? { rate } : { capacityFactor: load! / cores }),
      ...(plan.warmUpRequests ? { warmUpRequests: plan.warmUpRequests } : {}),
    }
    hooks.onLegStart?.(leg)
    const legSignal = legAbort(plan.step, hooks)
    let result: BenchResult
    try {
      result = await run(input, {
        signal: legSignal.signal,
        onProgress: (progress) => hooks.onProgress?.(leg, progress),
      })
    } catch (error) {
      if (hooks.onLegFailed === undefined) throw error
      hooks.onLegFailed(leg, error)
      outcome.stoppedBy = `${rateText(rate, load)}: ${error instanceof Error ? error.message : String(error)}`
      break
    } finally {
      legSignal.release()
    }
    outcome.cpu ??= result.cpu
    outcome.results[leg] = result
    hooks.onLegDone?.(leg, result)
    if (legSignal.signal.aborted) {
      const reason: unknown = legSignal.signal.reason
      outcome.stoppedBy = reason instanceof Error ? reason.message : 'stopped'
      break
    }
    if (endsCurve(result)) {
      const offered = result.options.open?.ratePerSec ?? rate
      outcome.stoppedBy =
        `at ${rateText(offered, load)} the run ${result.partial ? 'was cut by its cap' : 'ended'} with ` +
        `${result.metrics.unanswered} requests unanswered: a lower bound, and the last point`
      break
    }
  }
  return outcome
}

/** A leg's duration and cap at (about) `ratePerSec`, when the plan asks for a number of latencies. */
function legBounds(plan: SweepPlan, ratePerSec: number): Pick<RunInput, 'durationS' | 'capS'> {
  const { durationS, capS } = plan.overrides ?? {}
  if (plan.minSamples === undefined || durationS === undefined || capS === undefined) return {}
  const leg = legDurationS(ratePerSec, plan.minSamples, durationS, plan.maxLegS ?? durationS)
  return { durationS: leg, capS: capS + (leg - durationS) }
}

function rateText(rate: number | null | undefined, load: number | undefined): string {
  const loadText = load === undefined ? '' : ` (${load} × one core)`
  return rate === undefined || rate === null ? `load ${load}` : `${rate} req/s${loadText}`
}

function round2(x: number): number {
  return Math.round(x * 100) / 100
}
