// What the scheduling race (SchedulingRace.vue) draws, as plain data: the race (a recording, or a
// live race so far) reduced to one view, and that view cut at a moment `t`: per heat and per worker
// the jobs done, busy and idle time, and the steals so far, with the geometry of its lanes. The
// lanes are cut by the time series' own readers (examples/demo-scheduling/timeline.ts), which also
// take lanes still growing (a job not ended yet has end = NaN). Tested in test/unit/.

import { clockTime, day } from '../../bench/format.ts'
import { findDemo, type LiveHeat } from '../../bench/live/demos.ts'
import type { RunView } from '../../bench/live/messages.ts'
import { LABELS, SCHEDULERS } from '../../examples/demo-scheduling/messages.ts'
import type { SchedulingRecording } from '../../examples/demo-scheduling/recording.ts'
import { type Lane, spansUntil, stealsUntil } from '../../examples/demo-scheduling/timeline.ts'

/** What the picture needs: a recording, or a live race so far. */
export interface RaceView {
  workers: number
  /** Ids of the long jobs. */
  long: number[]
  heats: {
    scheduler: string
    label: string
    /** null while a live heat is still running. */
    makespanMs: number | null
    steals: number
    failedSteals: number
    lanes: Lane[]
    /** This heat's own clock (ms): a live race cuts each heat where it is; else the shared `t`. */
    at?: number
  }[]
  ratios: { stealingToPerWorker: number; stealingToGlobal: number } | null
  /** One line saying where the numbers come from. */
  caption: string
}

export function viewOfRecording(rec: SchedulingRecording): RaceView {
  const m = rec.machine
  const least = Math.min(...rec.heats.map((h) => h.onCpu))
  const shared =
    least < 0.9 ? ` · shared machine: workers had a core ${Math.round(least * 100)} % of their busy time` : ''
  return {
    workers: rec.jobSet.workers,
    long: rec.jobSet.long,
    heats: rec.heats.map((h) => ({
      scheduler: h.scheduler,
      label: h.label,
      makespanMs: h.makespanMs,
      steals: h.steals,
      failedSteals: h.failedSteals,
      lanes: h.timeline.lanes,
    })),
    ratios: rec.ratios,
    caption:
      `recorded ${day(rec.recordedAt)} on ${m.cpuModel} (${m.cores} cores, load ${m.loadAverage1m}), ` +
      `Node ${m.node}${shared} · ` +
      `${rec.jobSet.jobs} jobs, ${rec.jobSet.long.length} long · ${rec.command}`,
  }
}

/** The live race so far, each heat cut at `clock(heat)`; `workers` until the demo has said how many. */
export function viewOfLive(
  run: RunView,
  state: Extract<NonNullable<RunView['demo']>, { demo: 'scheduling' }>,
  clock: (heat: LiveHeat) => number,
  workers: number,
): RaceView {
  const heats = SCHEDULERS.map((scheduler) => {
    const heat = state.heats.find((h) => h.scheduler === scheduler)
    return {
      scheduler,
      label: heat?.label ?? LABELS[scheduler],
      makespanMs: heat?.status === 'done' ? heat.makespanMs : null,
      steals: heat?.steals ?? 0,
      failedSteals: heat?.failedSteals ?? 0,
      // JSON has no NaN: a job still running came as null.
      lanes: heat ? heat.lanes.map((lane) => lane.map((x) => (x === null ? Number.NaN : x))) : [],
      at: heat ? clock(heat) : 0,
    }
  })
  const status =
    run.status === 'running'
      ? `running, ${state.heats.filter((h) => h.status === 'done').length} of 3 heats done`
      : run.status === 'done'
        ? `one round, ${clockTime(run.startedAt)}`
        : (run.message ?? run.status)
  return {
    workers: state.workers || workers,
    long: state.long,
    heats,
    ratios: state.ratios,
    caption: `live on this machine · ${status} · ${findDemo('scheduling')?.command ?? ''}`,
  }
}

/** When the race ends: the slowest makespan (or, live, the furthest clock). */
export function raceEnd(view: RaceView): number {
  return Math.max(1, ...view.heats.map((h) => h.makespanMs ?? h.at ?? 0))
}

/** Each heat cut at its own clock, else at `t`: per worker its spans, jobs, busy and idle time; the steals. */
export function heatsAt(view: RaceView, t: number) {
  return view.heats.map((heat) => {
    const now = heat.at ?? t
    const done = heat.makespanMs !== null && now >= heat.makespanMs
    const shownT = Math.min(now, heat.makespanMs ?? now)
    const lanes = heat.lanes.map((lane, w) => {
      const spans = spansUntil(lane, now)
      const busy = spans.reduce((sum, s) => sum + (s.end - s.start), 0)
      return { w, spans, jobs: spans.length, busy, idle: Math.max(0, shownT - busy) }
    })
    return { ...heat, done, lanes, steals: stealsUntil(heat.lanes, now), shownT }
  })
}

/** The time axis's ticks, a round step for the race's length, up to `scaleMax`. */
export function raceTicks(end: number, scaleMax: number): number[] {
  const step = end > 4000 ? 1000 : end > 1500 ? 500 : end > 600 ? 200 : 100
  const out: number[] = []
  for (let ms = 0; ms <= scaleMax; ms += step) out.push(ms)
  return out
}

export const tickLabel = (ms: number): string => (ms === 0 ? '0' : ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`)
