// The race: the same job set under the three schedulers, one heat after another, each with fresh
// worker threads, and the two ratios the demo is about.
//
// - work stealing ÷ per-worker queues: what stealing buys over the same queues without it. With
//   every long job placed on worker 0 (jobs.ts), a queue per worker leaves the others idle while
//   worker 0 works through them; stealing lets them help. Target: ≤ 0.8.
// - work stealing ÷ global queue: what stealing costs against the scheduler that balances by
//   construction (whoever is free takes the next job). Target: within 10 %, either way.
//
// With `rounds` > 1 the heats run again in a rotated order (global, per-worker, stealing; then
// per-worker, stealing, global; …), so no scheduler always runs first or last on a machine whose
// load changes, and the ratios are taken per round, then their median.

import { SCHEDULERS, type SchedulerName } from './messages.ts'
import { runHeat, type Heat } from './run.ts'
import type { Lane } from './timeline.ts'

export const TARGETS = { stealingToPerWorkerMax: 0.8, stealingToGlobalWithin: 0.1 } as const

export interface Ratios {
  stealingToPerWorker: number
  stealingToGlobal: number
}

export interface Round {
  order: SchedulerName[]
  heats: Heat[]
  ratios: Ratios
}

export function ratiosOf(heats: readonly Heat[]): Ratios {
  const makespan = (name: SchedulerName) => heats.find((h) => h.scheduler === name)!.makespanMs
  return {
    stealingToPerWorker: makespan('stealing') / makespan('per-worker'),
    stealingToGlobal: makespan('stealing') / makespan('global'),
  }
}

export function meetsTargets(r: Ratios): { perWorker: boolean; global: boolean } {
  return {
    perWorker: r.stealingToPerWorker <= TARGETS.stealingToPerWorkerMax,
    global: Math.abs(r.stealingToGlobal - 1) <= TARGETS.stealingToGlobalWithin,
  }
}

/** What a caller that shows the race as it happens is told (main.ts's `--events`). */
export interface RaceWatcher {
  onHeatStart(scheduler: SchedulerName, round: number): void
  onProgress(scheduler: SchedulerName, lanes: Lane[], t: number): void
}

export async function runRace(
  options: { workers: number; rounds: readonly number[]; timeoutMs?: number },
  roundCount = 1,
  onHeat?: (heat: Heat, round: number) => void,
  watcher?: RaceWatcher,
): Promise<Round[]> {
  const rounds: Round[] = []
  for (let r = 0; r < roundCount; r++) {
    const order = SCHEDULERS.map((_, i) => SCHEDULERS[(i + r) % SCHEDULERS.length]!)
    const heats: Heat[] = []
    for (const scheduler of order) {
      watcher?.onHeatStart(scheduler, r)
      const onProgress = watcher ? (lanes: Lane[], t: number) => watcher.onProgress(scheduler, lanes, t) : undefined
      const heat = await runHeat({ ...options, scheduler, onProgress })
      heats.push(heat)
      onHeat?.(heat, r)
    }
    heats.sort((a, b) => SCHEDULERS.indexOf(a.scheduler) - SCHEDULERS.indexOf(b.scheduler))
    rounds.push({ order, heats, ratios: ratiosOf(heats) })
  }
  return rounds
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function medianRatios(rounds: readonly Round[]): Ratios {
  return {
    stealingToPerWorker: median(rounds.map((r) => r.ratios.stealingToPerWorker)),
    stealingToGlobal: median(rounds.map((r) => r.ratios.stealingToGlobal)),
  }
}
