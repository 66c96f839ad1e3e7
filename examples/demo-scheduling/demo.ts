// The demo from start to end, without the command line: measure the machine, build the job set,
// run the race, and return it as a recording (recording.ts). main.ts parses the flags and prints.

import { roundsPerMs as measureRoundsPerMs } from './calibrate.ts'
import { jobRounds, type JobSet, makeJobSet, totalUnits } from './jobs.ts'
import { type RaceWatcher, runRace } from './race.ts'
import { buildRecording, type SchedulingRecording } from './recording.ts'
import type { Heat } from './run.ts'

export interface DemoOptions {
  workers: number
  seed: number
  /** The ideal makespan: how long the job set takes when shared out perfectly. */
  targetMs: number
  rounds: number
  command: string
  onHeat?: (heat: Heat, round: number) => void
  /** The job set, once built (before the first heat). */
  onJobSet?: (jobSet: JobSet) => void
  /** The race as it happens (race.ts). */
  watcher?: RaceWatcher
}

export async function runDemo(options: DemoOptions): Promise<SchedulingRecording> {
  const roundsPerMs = measureRoundsPerMs()
  const jobSet = makeJobSet(options.seed, options.workers)
  const { rounds, unitMs } = jobRounds(jobSet, roundsPerMs, options.targetMs)
  options.onJobSet?.(jobSet)
  const raced = await runRace({ workers: options.workers, rounds }, options.rounds, options.onHeat, options.watcher)
  return buildRecording({
    command: options.command,
    jobSet,
    roundsPerMs,
    unitMs,
    idealMakespanMs: (totalUnits(jobSet) * unitMs) / options.workers,
    rounds: raced,
  })
}
