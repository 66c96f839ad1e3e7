// The race as data: what `--json` prints and `--record` writes to recordings/scheduling.json,
// which the slide's component (components/SchedulingRace.vue) renders and replays. Nothing in it
// is typed by hand: every number comes from the run it describes, with the machine it ran on.

import { writeFileSync } from 'node:fs'
import { newEnvelope } from '../../bench/server/machine.ts'
import type { Recording } from '../../bench/recording.ts'
import { LONG_UNITS, SHORT_UNITS, totalUnits, type JobSet } from './jobs.ts'
import { LABELS, type SchedulerName } from './messages.ts'
import { medianRatios, TARGETS, type Ratios, type Round } from './race.ts'
import type { WorkerStats } from './run.ts'
import { FIELDS, type Lane } from './timeline.ts'

export const RESULT_FILE = new URL('../../recordings/scheduling.json', import.meta.url)

export interface RecordedHeat {
  scheduler: SchedulerName
  label: string
  makespanMs: number
  steals: number
  failedSteals: number
  lostRaces: number
  /** CPU time ÷ busy time over all workers (run.ts): below 1, the workers did not have their cores. */
  onCpu: number
  workers: WorkerStats[]
  timeline: { fields: typeof FIELDS; lanes: Lane[] }
}

export type SchedulingRecording = Recording<'scheduling/1', SchedulingBody>

interface SchedulingBody {
  jobSet: {
    seed: number
    workers: number
    jobs: number
    shortUnits: readonly [number, number]
    longUnits: readonly [number, number]
    /** Ids of the long jobs. */
    long: number[]
    /** Each job's cost in units, by id. */
    units: number[]
    /** The share of all work in long jobs. */
    longWorkShare: number
    /** cpuHash rounds per ms, measured on this machine before the race. */
    roundsPerMs: number
    unitMs: number
    /** The job set shared out perfectly: total work ÷ workers. */
    idealMakespanMs: number
  }
  targets: typeof TARGETS
  /** The first round's heats, in full: the race the slide replays. */
  heats: RecordedHeat[]
  /** Every round: its order, makespans and ratios. */
  rounds: { order: SchedulerName[]; makespanMs: Record<SchedulerName, number>; ratios: Ratios }[]
  /** The median of each ratio over the rounds (with one round: that round's). */
  ratios: Ratios
}

export function buildRecording(args: {
  command: string
  jobSet: JobSet
  roundsPerMs: number
  unitMs: number
  idealMakespanMs: number
  rounds: Round[]
}): SchedulingRecording {
  const { jobSet } = args
  const longUnits = jobSet.long.reduce((sum, id) => sum + jobSet.units[id]!, 0)
  return {
    ...newEnvelope('scheduling/1', args.command),
    jobSet: {
      seed: jobSet.seed,
      workers: jobSet.workers,
      jobs: jobSet.units.length,
      shortUnits: SHORT_UNITS,
      longUnits: LONG_UNITS,
      long: jobSet.long,
      units: jobSet.units,
      longWorkShare: round(longUnits / totalUnits(jobSet), 3),
      roundsPerMs: Math.round(args.roundsPerMs),
      unitMs: round(args.unitMs, 4),
      idealMakespanMs: round(args.idealMakespanMs, 2),
    },
    targets: TARGETS,
    heats: args.rounds[0]!.heats.map((heat) => ({
      scheduler: heat.scheduler,
      label: LABELS[heat.scheduler],
      makespanMs: heat.makespanMs,
      steals: heat.steals,
      failedSteals: heat.failedSteals,
      lostRaces: heat.lostRaces,
      onCpu: heat.onCpu,
      workers: heat.workers,
      timeline: { fields: FIELDS, lanes: heat.lanes },
    })),
    rounds: args.rounds.map((r) => ({
      order: r.order,
      makespanMs: Object.fromEntries(r.heats.map((h) => [h.scheduler, h.makespanMs])) as Record<SchedulerName, number>,
      ratios: {
        stealingToPerWorker: round(r.ratios.stealingToPerWorker, 3),
        stealingToGlobal: round(r.ratios.stealingToGlobal, 3),
      },
    })),
    ratios: mapRatios(medianRatios(args.rounds), (x) => round(x, 3)),
  }
}

export function writeRecording(recording: SchedulingRecording): void {
  writeFileSync(RESULT_FILE, `${toJson(recording)}\n`)
}

/** Indented like the other recordings, but a list of numbers (a lane: 4 numbers a job) on one line. */
export function toJson(recording: SchedulingRecording): string {
  return JSON.stringify(recording, null, 2).replace(
    /\[\s+(-?[\d.e+-]+(?:,\s+-?[\d.e+-]+)*)\s+\]/g,
    (_, list: string) => `[${list.split(/,\s+/).join(', ')}]`,
  )
}

function mapRatios(r: Ratios, f: (x: number) => number): Ratios {
  return { stealingToPerWorker: f(r.stealingToPerWorker), stealingToGlobal: f(r.stealingToGlobal) }
}

function round(x: number, digits: number): number {
  const p = 10 ** digits
  return Math.round(x * p) / p
}
