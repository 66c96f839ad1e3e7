// OverloadCompare's rows: for each server under the open-loop overload, the p99 of the tasks it
// served and of the `/0` probe, its rate, and what it did with the excess (503s, its line, the
// wake-ups of the line's front, the requests unanswered at the cap), from bench/kinds/overload.ts's
// reading of a result, or the figures so far of a server still running.

import type { LegView } from '../../bench/live/messages.ts'
import { overloadFigures } from '../../bench/kinds/overload.ts'
import type { BenchResult } from '../../bench/types.ts'
import { legStage } from './live-runs.ts'
import { stepName } from './step-colors.ts'

export interface OverloadRow {
  step: string
  name: string
  state: 'done' | 'running' | 'waiting' | 'failed' | 'missing'
  cut: boolean
  taskP99: number | null
  taskLower: boolean
  probeP99: number | null
  probeLower: boolean
  servedPerSec: number | null
  rejected: number | null
  rejectedP99: number | null
  lineMax: number | null
  wakeUps: number | null
  tasksDone: number | null
  unanswered: number | null
  note: string
}

export function blankOverloadRow(step: string, state: OverloadRow['state'], note: string): OverloadRow {
  return {
    step,
    name: stepName(step),
    state,
    cut: false,
    taskP99: null,
    taskLower: false,
    probeP99: null,
    probeLower: false,
    servedPerSec: null,
    rejected: null,
    rejectedP99: null,
    lineMax: null,
    wakeUps: null,
    tasksDone: null,
    unanswered: null,
    note,
  }
}

export function overloadRowOfResult(step: string, r: BenchResult): OverloadRow {
  const f = overloadFigures(r)
  return {
    step,
    name: stepName(step),
    state: 'done',
    cut: r.partial,
    taskP99: f.served?.p99 ?? null,
    taskLower: f.served?.lowerBound.includes('p99') ?? false,
    probeP99: f.probe?.p99 ?? null,
    probeLower: f.probe?.lowerBound.includes('p99') ?? false,
    servedPerSec: f.servedPerSec,
    rejected: f.rejected,
    rejectedP99: f.rejectedLatency?.p99 ?? null,
    lineMax: f.queueLengthMax,
    wakeUps: f.wakeUps,
    tasksDone: f.tasksDone,
    unanswered: f.unanswered,
    note: '',
  }
}

/**
 * A server still running: its 503s so far (every non-2xx answer, here all 503s), the probe's p99 so
 * far, and its unanswered requests. The tasks' own p99 is known once the run ends (the progress
 * reports one p99 for every answer, 503s included: not the tasks').
 */
export function overloadRowOfLeg(leg: LegView): OverloadRow {
  const s = legStage(leg)
  switch (s.stage) {
    case 'done':
      return overloadRowOfResult(leg.step, s.result)
    case 'failed':
      return blankOverloadRow(leg.step, 'failed', s.note)
    case 'starting':
      return blankOverloadRow(leg.step, 'running', s.note)
    case 'running': {
      const p = s.progress
      return {
        ...blankOverloadRow(leg.step, 'running', s.note),
        probeP99: p.probe?.p99Ms ?? null,
        probeLower: p.probe?.lowerBound.includes('p99') ?? false,
        rejected: p.non2xx,
        unanswered: p.unanswered,
      }
    }
    case 'skipped':
      return blankOverloadRow(leg.step, 'waiting', 'not run')
    case 'waiting':
      return blankOverloadRow(leg.step, 'waiting', '…')
  }
}

/** One scale for both latencies, so the probe's p99 beside a task's reads at its true size. */
export function overloadScale(rows: readonly OverloadRow[]): number {
  return Math.max(1e-9, ...rows.flatMap((r) => [r.taskP99 ?? 0, r.probeP99 ?? 0]))
}
