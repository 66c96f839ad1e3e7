// The closed loop (drill, burst512, hello, c10k, short-sleeps): autocannon, each connection sending
// its next request when its last answer arrives. Its report: req/s against the closed loop's limit,
// the steady state, the latencies, when the last request was done.

import { latencyMs, perSecond } from '../format.ts'
import type { BenchResult } from '../types.ts'
import {
  CLOSED_LOOP_NOTE,
  type Column,
  orDash,
  doneOfAsked,
  failures,
  type KindReport,
  none,
  stepLabel,
} from './parts.ts'

export const closed: KindReport = {
  name: 'closed',
  doneWord: ' done',
  latencyLabel: 'latency',
  throughputLabel: 'throughput',
  probeOf: () => null,
  sizingLines: none,
  latencyLines: none,
  columns: closedColumns,
  notes: closedNotes,
}

export function closedColumns(results: BenchResult[], server: Column[]): Column[] {
  const columns: Column[] = [
    { title: 'step', value: stepLabel },
    { title: 'req/s', value: (r) => perSecond(r.metrics.throughput) },
  ]
  if (results.some((r) => r.limit !== null))
    columns.push({ title: 'ratio to limit', value: (r) => orDash(r.limit?.ratio?.toFixed(3)) })
  if (results.some((r) => r.metrics.steadyThroughput !== null))
    columns.push({ title: 'steady req/s', value: (r) => perSecond(r.metrics.steadyThroughput) })
  columns.push(
    { title: 'p50 ms', value: (r) => latencyMs(r.metrics.latency, 'p50') },
    { title: 'p99 ms', value: (r) => latencyMs(r.metrics.latency, 'p99') },
    { title: 'max ms', value: (r) => latencyMs(r.metrics.latency, 'max') },
    {
      title: 'last done s',
      value: (r) => orDash(r.metrics.spanMs === null ? undefined : (r.metrics.spanMs / 1000).toFixed(3)),
    },
    { title: 'errors (conn/timeout/non-2xx)', value: (r) => failures(r.metrics) },
    ...server,
    { title: 'done/asked', value: doneOfAsked },
  )
  return columns
}

export function closedNotes(results: BenchResult[]): string[] {
  const notes = [
    CLOSED_LOOP_NOTE,
    "req/s = completed / (last completion − first send), from our own timestamps (not autocannon's " +
      'per-second average); latencies from an HDR histogram of every response, to the microsecond.',
  ]
  if (results.some((r) => r.limit))
    notes.push('ratio to limit: req/s ÷ (connections × 1000 / ms), the most a closed loop of /<ms> requests can do.')
  if (results.some((r) => r.metrics.steadyThroughput !== null))
    notes.push(
      "steady req/s: each connection's own rate between its first and last completion, summed: the ramp " +
        '(connecting, first wave) left out.',
    )
  notes.push('last done s: last completion − first send.')
  return notes
}
