// The open loop (`paced`, or `--rate` on a closed-loop scenario): requests on a fixed schedule,
// whatever the server does, each latency counted from when it was due. Its report: what was
// offered, what came back, the service time, every request the schedule could not keep.

import { count, DASH, latencyMs, perSecond } from '../format.ts'
import type { BenchResult } from '../types.ts'
import { type Column, failures, type KindReport, none, stepLabel } from './parts.ts'

export const open: KindReport = {
  name: 'open',
  doneWord: ' done',
  latencyLabel: 'latency from when each was due',
  throughputLabel: 'throughput',
  probeOf: () => null,
  sizingLines: none,
  latencyLines: none,
  columns: (_results, server) => [...openColumns(), ...server],
  notes: openNotes,
}

function openColumns(): Column[] {
  const stats = (r: BenchResult) => r.generator?.open ?? null
  return [
    { title: 'step', value: stepLabel },
    { title: 'offered req/s', value: (r) => perSecond(r.options.open?.ratePerSec) },
    { title: 'req/s', value: (r) => perSecond(r.metrics.throughput) },
    { title: 'p50 ms', value: (r) => latencyMs(r.metrics.latency, 'p50') },
    { title: 'p99 ms', value: (r) => latencyMs(r.metrics.latency, 'p99') },
    { title: 'max ms', value: (r) => latencyMs(r.metrics.latency, 'max') },
    { title: 'service p99 ms', value: (r) => latencyMs(r.metrics.serviceTime, 'p99') },
    {
      title: 'late/held/unanswered',
      value: (r) => {
        const o = stats(r)
        return o ? `${count(o.late)}/${count(o.heldAtBound)}/${count(r.metrics.unanswered)}` : DASH
      },
    },
    { title: 'errors (conn/timeout/non-2xx)', value: (r) => failures(r.metrics) },
    {
      title: 'sent/due',
      value: (r) => {
        const o = stats(r)
        return o ? `${count(o.sent)}/${count(o.scheduled)}` : DASH
      },
    },
  ]
}

function openNotes(results: BenchResult[]): string[] {
  const late = results.find((r) => r.generator?.open)?.generator?.open?.lateAfterMs ?? 10
  return [
    'Open loop: requests leave on a fixed schedule at the offered rate, whatever the server does, each on a free ' +
      'keep-alive connection or a new one, up to the bound; p50/p99/max count from when each request was due, so ' +
      'a stall is charged to every request it delayed.',
    'req/s = completed / (last completion − first due). service p99: from when each request actually left, what ' +
      'a closed-loop tool would report.',
    `late/held/unanswered: requests the generator itself sent more than ${late} ms late / that waited for a ` +
      'connection at the bound / still unanswered at the end (counted at their wait so far).',
  ]
}
