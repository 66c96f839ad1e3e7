// The race as a time series, compact enough to record and replay: for each worker a lane, a flat
// list of four numbers per job it ran, in the order it ran them:
//
//   start ms, end ms, job id, from
//
// Times are ms since the start barrier (to 10 µs). `from` is the worker whose queue held the job,
// or -1 for the global queue; a job whose `from` is another worker was stolen from it: a steal
// arrow from lane `from` to this lane at `start`. Idle time is the gaps.
//
// A picture reads it through `spansUntil` and `stealsUntil`, which cut the race at a moment t:
// the same two calls draw a recorded race replayed at any speed and, later, a live one whose lanes
// are still growing (a job that has started but not ended has end = NaN, drawn up to t).

export const FIELDS = ['start', 'end', 'job', 'from'] as const
const WIDTH = FIELDS.length

export type Lane = number[]

export interface Span {
  start: number
  /** The end, or t for a job still running at t. */
  end: number
  job: number
  from: number
  running: boolean
}

export interface Steal {
  at: number
  job: number
  from: number
  to: number
}

/** The jobs of one lane that had started by time t, each cut at t. */
export function spansUntil(lane: Lane, t: number): Span[] {
  const spans: Span[] = []
  for (let i = 0; i + WIDTH <= lane.length; i += WIDTH) {
    const start = lane[i]!
    if (start > t) break
    const end = lane[i + 1]!
    const running = !(end <= t) // NaN (not ended yet) counts as running
    spans.push({ start, end: running ? t : end, job: lane[i + 2]!, from: lane[i + 3]!, running })
  }
  return spans
}

/** Every steal of the race that had happened by time t (a job run from another worker's queue). */
export function stealsUntil(lanes: Lane[], t: number): Steal[] {
  const steals: Steal[] = []
  lanes.forEach((lane, to) => {
    for (let i = 0; i + WIDTH <= lane.length; i += WIDTH) {
      const at = lane[i]!
      if (at > t) break
      const from = lane[i + 3]!
      if (from >= 0 && from !== to) steals.push({ at, job: lane[i + 2]!, from, to })
    }
  })
  return steals.sort((a, b) => a.at - b.at)
}

/** Time spent running jobs, in ms. */
export function busyMs(lane: Lane): number {
  let busy = 0
  for (let i = 0; i + WIDTH <= lane.length; i += WIDTH) busy += lane[i + 1]! - lane[i]!
  return busy
}

/** When the lane's last job ended (0 for a lane that ran nothing). */
export function lastEndMs(lane: Lane): number {
  return lane.length >= WIDTH ? lane[lane.length - WIDTH + 1]! : 0
}

export function jobCount(lane: Lane): number {
  return Math.floor(lane.length / WIDTH)
}
