// Which live run a card shows. The channel (channel.ts) holds the run in progress and the last
// finished run of each target; a card asks for its own: the comparison of exactly its steps, the
// sweep or the watch of its step, or the newest leg that ran its step. Plain functions of the
// channel's state, tested in test/unit/.

import type { LegView, RunRequest, RunView } from '../../bench/live/messages.ts'
import type { BenchChannel } from './channel.ts'

/** What a component asks the plugin to run: a run request without its id. */
export type RunAsk =
  | Omit<Extract<RunRequest, { kind: 'single' }>, 'requestId'>
  | Omit<Extract<RunRequest, { kind: 'compare' }>, 'requestId'>
  | Omit<Extract<RunRequest, { kind: 'watch' }>, 'requestId'>
  | Omit<Extract<RunRequest, { kind: 'demo' }>, 'requestId'>
  | Omit<Extract<RunRequest, { kind: 'sweep' }>, 'requestId'>

/** Whether `run` is what `ask` asks for (its kind, scenario or demo, and steps). */
export function isRunOf(run: RunView, ask: RunAsk): boolean {
  if (ask.kind === 'demo') return run.kind === 'demo' && run.scenario === ask.demo
  const steps = ask.kind === 'compare' ? ask.steps : [ask.step]
  return run.kind === ask.kind && run.scenario === ask.scenario && run.steps.join(',') === steps.join(',')
}

type Runs = Pick<BenchChannel, 'current' | 'finished'>

/** The run `ask` would start: in progress, else the last one finished; null if none. */
export function liveRun(channel: Runs, ask: RunAsk): RunView | null {
  if (channel.current && isRunOf(channel.current, ask)) return channel.current
  return channel.finished.find((run) => isRunOf(run, ask)) ?? null
}

/** A leg with something to show: not a step still waiting its turn, nor one a stop skipped. */
export function hasStarted(leg: LegView | undefined): leg is LegView {
  return leg !== undefined && leg.status !== 'waiting' && leg.status !== 'skipped'
}

/** The leg of a live run that ran (or runs) `step` on `scenario`, newest first; null if none. */
export function liveLeg(channel: Runs, scenario: string, step: string): { run: RunView; leg: LegView } | null {
  const runs = channel.current ? [channel.current, ...channel.finished] : channel.finished
  for (const run of runs) {
    if (run.scenario !== scenario || run.kind === 'sweep') continue // a sweep's legs are the load curve's
    const leg = run.legs.find((l) => l.step === step)
    if (hasStarted(leg)) return { run, leg }
  }
  return null
}

/** The badge in a card's heading: live (● while running) or recorded. */
export function badgeText(run: RunView | null): string {
  return run?.status === 'running' ? 'live ●' : run ? 'live' : 'recorded'
}

/** How a leg stands, for a card's row: a result, a failure, a run so far, or nothing yet. */
export type LegStage =
  | { stage: 'done'; result: NonNullable<LegView['result']> }
  | { stage: 'failed'; note: string }
  | { stage: 'starting'; note: string }
  | { stage: 'running'; progress: NonNullable<LegView['last']>; note: 'so far' }
  | { stage: 'waiting'; note: string }
  | { stage: 'skipped'; note: string }

export function legStage(leg: LegView): LegStage {
  if (leg.result) return { stage: 'done', result: leg.result }
  if (leg.status === 'failed') return { stage: 'failed', note: leg.error ?? 'failed' }
  if (leg.status === 'running') {
    const p = leg.last
    if (p === null || p.phase !== 'running' || p.elapsedMs <= 0)
      return { stage: 'starting', note: `${leg.phase ?? 'starting'}…` }
    return { stage: 'running', progress: p, note: 'so far' }
  }
  if (leg.status === 'skipped') return { stage: 'skipped', note: 'not run (stopped)' }
  return { stage: 'waiting', note: 'waiting' }
}

/**
 * A card's rows, one per step: from the live run's legs when there is one, else from the recorded
 * results (`missing` for a step never recorded). The one shape every comparison card shares.
 */
export function rowsOf<Row, R>(
  steps: readonly string[],
  run: RunView | null,
  recorded: (step: string) => R | null,
  of: { leg: (leg: LegView) => Row; result: (step: string, r: R) => Row; missing: (step: string) => Row },
): Row[] {
  return steps.map((step, i) => {
    const leg = run?.legs[i]
    if (leg) return of.leg(leg)
    const r = recorded(step)
    return r === null ? of.missing(step) : of.result(step, r)
  })
}
