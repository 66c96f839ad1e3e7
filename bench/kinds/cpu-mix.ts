// cpu-mix (and cpu-burst): `/cpu/<n>` tasks sized on this machine, one closed-loop connection per
// core (cpu-burst: one wave), and the paced `/0` probe beside them. Its report: the task's size,
// CPU tasks a second, and the I/O latency while the cores are busy.

import { count, DASH, latencyMs, ms, perSecond } from '../format.ts'
import type { BenchResult } from '../types.ts'
import {
  CLOSED_LOOP_NOTE,
  doneOfAsked,
  type KindReport,
  none,
  PROBE_NOTE,
  probeErrorsColumn,
  stepLabel,
} from './parts.ts'

export const cpuMix: KindReport = {
  name: 'cpu-mix',
  doneWord: ' CPU tasks done',
  latencyLabel: 'CPU task latency',
  throughputLabel: 'CPU tasks/s',
  probeOf: (o) => o.cpuMix?.probe ?? null,
  sizingLines: taskLines,
  latencyLines: none,
  columns: (_results, server) => [
    { title: 'step', value: stepLabel },
    { title: 'CPU tasks/s', value: (r) => perSecond(r.metrics.throughput) },
    { title: 'I/O p50 ms', value: (r) => latencyMs(r.probe?.latency, 'p50') },
    { title: 'I/O p99 ms', value: (r) => latencyMs(r.probe?.latency, 'p99') },
    { title: 'I/O max ms', value: (r) => latencyMs(r.probe?.latency, 'max') },
    { title: 'probe done', value: (r) => (r.probe ? count(r.probe.completed) : DASH) },
    probeErrorsColumn,
    ...server,
    { title: 'CPU tasks done', value: doneOfAsked },
  ],
  notes: (results) => {
    const r = results.find((x) => x.cpu)
    return [
      CLOSED_LOOP_NOTE,
      `CPU tasks/s = /cpu tasks completed / (last completion − first send), one closed-loop connection per ` +
        `core; each task is n = ${r?.cpu ? count(r.cpu.n) : '?'} hash rounds, calibrated to about ` +
        `${r?.cpu?.targetMs ?? 60} ms here.`,
      PROBE_NOTE,
    ]
  },
}

/** The sized task: its n, how it was sized, what it cost here and on the idle server. */
export function taskLines(r: BenchResult): string[] {
  if (!r.cpu) return []
  return [
    `CPU task: n = ${count(r.cpu.n)} (${r.cpu.source}, target ${r.cpu.targetMs} ms): ${ms(r.cpu.localMs)} ` +
      `ms in the generator, ${ms(r.cpu.serverMs)} ms on the idle server`,
  ]
}
