// WorkerShares' rows: for each step, how many connections (or requests) each worker took, as
// segments of one bar (the worker the busy-worker scenario kept hashing marked), beside the rate,
// the p99 and the server's CPU per request; a step still running has its rate and p99 so far.

import type { LegView } from '../../bench/live/messages.ts'
import type { BenchResult } from '../../bench/types.ts'
import { cutNote } from './figures.ts'
import { legStage } from './live-runs.ts'
import { stepName } from './step-colors.ts'

export type ShareBy = 'accepted' | 'requests'

export interface Segment {
  /** The worker's index; -1 for a server with one event loop and no workers. */
  worker: number
  count: number
  share: number
  busy: boolean
}

export interface ShareRow {
  step: string
  name: string
  state: 'done' | 'running' | 'waiting' | 'failed' | 'missing'
  rate: number | null
  p99: number | null
  /** Server CPU time per completed request, in µs. */
  cpuPerRequest: number | null
  /** One per worker; a single one-loop segment for a server without workers; empty until done. */
  segments: Segment[]
  note: string
}

export function segmentsOf(r: BenchResult, by: ShareBy): Segment[] {
  const workers = r.server?.workers
  if (!workers || workers.length === 0) return [{ worker: -1, count: r.done, share: 1, busy: false }]
  const counts = workers.map((w) => Math.max(0, by === 'accepted' ? w.accepted : w.requests))
  const total = counts.reduce((a, b) => a + b, 0)
  return workers.map((w, i) => ({
    worker: w.worker,
    count: counts[i]!,
    share: total > 0 ? counts[i]! / total : 0,
    busy: r.hold?.worker === w.worker,
  }))
}

export function blankShareRow(step: string, state: ShareRow['state'], note: string): ShareRow {
  return { step, name: stepName(step), state, rate: null, p99: null, cpuPerRequest: null, segments: [], note }
}

export function shareRowOfResult(step: string, r: BenchResult, by: ShareBy): ShareRow {
  const cpuMs = r.server?.cpuMs ?? null
  const cut = cutNote(r)
  return {
    step,
    name: stepName(step),
    state: 'done',
    rate: r.metrics.throughput,
    p99: r.metrics.latency?.p99 ?? null,
    cpuPerRequest: cpuMs !== null && r.done > 0 ? (cpuMs * 1000) / r.done : null,
    segments: segmentsOf(r, by),
    note: cut === null ? '' : cut === 'stopped' ? 'stopped' : `cut by the ${r.options.capS} s cap`,
  }
}

export function shareRowOfLeg(leg: LegView, by: ShareBy): ShareRow {
  const s = legStage(leg)
  switch (s.stage) {
    case 'done':
      return shareRowOfResult(leg.step, s.result, by)
    case 'failed':
      return blankShareRow(leg.step, 'failed', s.note)
    case 'starting':
      return blankShareRow(leg.step, 'running', s.note)
    case 'running': {
      const p = s.progress
      const row = blankShareRow(leg.step, 'running', s.note)
      return { ...row, rate: p.completed / (p.elapsedMs / 1000), p99: p.p99Ms }
    }
    case 'skipped':
      return blankShareRow(leg.step, 'waiting', 'not run')
    case 'waiting':
      return blankShareRow(leg.step, 'waiting', '')
  }
}
