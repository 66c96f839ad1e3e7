// What `npm run demo:scheduling -- --events` prints: the race as it happens, one JSON object per
// line, for a program that shows it live (the deck's dev server, bench/live/demos.ts, which the
// slide's SchedulingRace draws from). In order:
//
//   {"type":"jobs","workers":2,"jobs":300,"long":[0,4,...]}        the job set, once
//   {"type":"heat","scheduler":"global","label":"one global queue"}  a heat starts
//   {"type":"progress","scheduler":"global","t":412.5,"lanes":[[...],[...]]}   every 100 ms
//   {"type":"heat-done","scheduler":"global","makespanMs":1234.5,"steals":0,"failedSteals":0,"lanes":[...]}
//   ...                                                              the other two heats
//   {"type":"done","ratios":{"stealingToPerWorker":0.62,"stealingToGlobal":1.01}}
//
// `lanes` are timeline.ts's lanes (start, end, job, from per job); in `progress` a job still
// running has end null (JSON has no NaN). Types only, and one function that writes a line.

import type { SchedulerName } from './messages.ts'
import type { Ratios } from './race.ts'

export type RaceEvent =
  | { type: 'jobs'; workers: number; jobs: number; long: number[] }
  | { type: 'heat'; scheduler: SchedulerName; label: string; round: number }
  | { type: 'progress'; scheduler: SchedulerName; t: number; lanes: (number | null)[][] }
  | {
      type: 'heat-done'
      scheduler: SchedulerName
      makespanMs: number
      steals: number
      failedSteals: number
      lanes: number[][]
    }
  | { type: 'done'; ratios: Ratios }

/** One event as one line (NaN, a job not ended yet, becomes null). */
export function eventLine(event: RaceEvent): string {
  return JSON.stringify(event)
}
