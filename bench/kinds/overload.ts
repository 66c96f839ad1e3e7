// What an open loop of sized `/cpu` tasks shows (the `overload` scenario, and each leg of the load
// curve): the figures of a server offered more CPU work than its cores can do, read the same way by
// the terminal's table (the kind's report below) and the deck's cards (components/OverloadCompare.vue).
//
// Past capacity a server can do one of two things with the excess: let it wait (a line that only
// grows, every task later than the one before), or refuse it at once (503 with Retry-After) and
// keep the wait of the tasks it accepts bounded. So the tasks it served and the requests it turned
// away are counted apart, each with its own latency (`Metrics.byStatus`): a quick 503 must not
// flatter the latency of the tasks, nor a slow task hide the 503s. The `/0` probe beside them is
// the I/O latency while all this goes on. The server's own counters come from its last `/__stats`
// (step 5 and the piscina peer count their line; step 5 also its wake-ups).
//
// Pure functions of a result; browser-safe (types only).

import { count, DASH, latencyMs, ms, perSecond } from '../format.ts'
import type { BenchResult, LatencySummary } from '../types.ts'
import { taskLines } from './cpu-mix.ts'
import { kindOf } from './kind.ts'
import { type Column, type KindReport, latencyLine, stepLabel } from './parts.ts'

export interface OverloadFigures {
  /** Requests a second offered (the rate the generator worked out from the sized task). */
  offered: number | null
  /** 2xx answers a second: completed − non-2xx, over the run's span. */
  servedPerSec: number | null
  /** Latency of the tasks served (2xx), with the requests left unanswered at their wait so far. */
  served: LatencySummary | null
  served2xx: number
  /** 503 answers: how many, and how long they took (from when each request was due). */
  rejected: number
  rejectedLatency: LatencySummary | null
  /** Any other non-2xx answer (500s, ...). */
  otherNon2xx: number
  /** The `/0` probe's latency (none for a load without a probe). */
  probe: LatencySummary | null
  /** Requests due and not answered when the run ended (counted in `served` at their wait so far). */
  unanswered: number
  /** The server's own counters, from its last `/__stats`; null where it does not report them. */
  queueLengthMax: number | null
  wakeUps: number | null
  tasksDone: number | null
  tasksRejected: number | null
  cpuLimit: number | null
}

/** Whether a result is an open loop of sized `/cpu` tasks (overload, load-curve). */
export function isCpuOpenLoop(r: Pick<BenchResult, 'options'>): boolean {
  return kindOf(r.options) === 'overload'
}

export function overloadFigures(r: BenchResult): OverloadFigures {
  const m = r.metrics
  const codes = m.statusCodes
  const served2xx = Object.entries(codes).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0)
  const rejected = codes['503'] ?? 0
  return {
    offered: r.options.open?.ratePerSec ?? null,
    servedPerSec: m.spanMs !== null && m.spanMs > 0 ? (served2xx * 1000) / m.spanMs : null,
    served: m.byStatus?.ok ?? null,
    served2xx,
    rejected,
    rejectedLatency: rejected > 0 ? (m.byStatus?.other ?? null) : null,
    otherNon2xx: m.non2xx - rejected,
    probe: r.probe?.latency ?? null,
    unanswered: m.unanswered,
    queueLengthMax: counter(r, 'queueLengthMax'),
    wakeUps: counter(r, 'wakeUps'),
    tasksDone: counter(r, 'tasksDone'),
    tasksRejected: counter(r, 'tasksRejected'),
    cpuLimit: counter(r, 'cpuLimit'),
  }
}

/** A number from the server's last `/__stats`, or null. */
function counter(r: BenchResult, key: string): number | null {
  const value = r.server?.final?.[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export const overload: KindReport = {
  name: 'overload',
  // Answers are not all tasks done: a server may answer 503.
  doneWord: ' answered',
  latencyLabel: 'CPU task latency',
  throughputLabel: 'CPU tasks/s',
  probeOf: (o) => o.cpuMix?.probe ?? null,
  sizingLines: taskLines,
  latencyLines: servedLines,
  columns: overloadColumns,
  notes: overloadNotes,
}

/** The tasks served and the requests turned away, apart, and the server's own counters. */
function servedLines(r: BenchResult): string[] {
  const f = overloadFigures(r)
  const lines = [
    latencyLine(`${count(f.served2xx)} tasks served (2xx), ${perSecond(f.servedPerSec)}/s`, { latency: f.served }),
  ]
  if (f.rejected > 0) lines.push(latencyLine(`${count(f.rejected)} turned away (503)`, { latency: f.rejectedLatency }))
  const counters = [
    f.queueLengthMax === null ? '' : `line max ${count(f.queueLengthMax)}`,
    f.wakeUps === null ? '' : `wake-ups ${count(f.wakeUps)}`,
    f.tasksDone === null ? '' : `tasks done ${count(f.tasksDone)}`,
    f.tasksRejected === null ? '' : `tasks rejected ${count(f.tasksRejected)}`,
  ].filter(Boolean)
  if (counters.length) lines.push(`server's counters: ${counters.join(' · ')}`)
  return lines
}

/**
 * cpu-mix's columns and the open loop's together, with the tasks served (2xx) and the requests
 * turned away (503) apart, each with its latency, and the server's line. The server's usual
 * columns are left out: the line and the CPU cap say more here.
 */
function overloadColumns(): Column[] {
  const f = (r: BenchResult) => overloadFigures(r)
  const counter = (x: number | null) => (x === null ? DASH : count(x))
  return [
    { title: 'step', value: stepLabel },
    { title: 'offered/s', value: (r) => perSecond(f(r).offered) },
    { title: 'tasks/s', value: (r) => perSecond(f(r).servedPerSec) },
    { title: 'task p50 ms', value: (r) => latencyMs(f(r).served, 'p50') },
    { title: 'task p99 ms', value: (r) => latencyMs(f(r).served, 'p99') },
    { title: '503s', value: (r) => count(f(r).rejected) },
    { title: '503 p99 ms', value: (r) => latencyMs(f(r).rejectedLatency, 'p99') },
    { title: '/0 p99 ms', value: (r) => latencyMs(f(r).probe, 'p99') },
    { title: 'line max', value: (r) => counter(f(r).queueLengthMax) },
    { title: 'wake-ups', value: (r) => counter(f(r).wakeUps) },
    { title: 'tasks done', value: (r) => counter(f(r).tasksDone) },
    { title: 'unanswered', value: (r) => count(f(r).unanswered) },
    {
      title: 'errors (conn/timeout/other non-2xx)',
      value: (r) => `${count(r.metrics.errors)}/${count(r.metrics.timeouts)}/${count(f(r).otherNon2xx)}`,
    },
    { title: 'CPU cap', value: (r) => counter(f(r).cpuLimit) },
  ]
}

function overloadNotes(results: BenchResult[]): string[] {
  const r = results.find((x) => x.cpu)
  const open = r?.options.open
  const factor = open?.capacityFactor === undefined ? '' : `${open.capacityFactor}× `
  return [
    `Open loop of /cpu tasks: each n = ${r?.cpu ? count(r.cpu.n) : '?'} hash rounds, sized to about ` +
      `${r?.cpu?.targetMs ?? '?'} ms of CPU here (${ms(r?.cpu?.localMs)} ms measured), offered at ` +
      `${factor}what the cores can hash (cores × 1000 / task ms = ${perSecond(open?.ratePerSec)}/s), on a fixed ` +
      'schedule whatever the server does; every step gets the same n and rate.',
    'tasks/s: 2xx answers / (last answer − first due). task p50/p99: latency of the tasks served (2xx), from ' +
      'when each was due, with the requests still unanswered at the end at their wait so far. 503s: requests ' +
      'turned away (Retry-After), counted apart with their own latency, so a quick refusal does not flatter the ' +
      'tasks.',
    '/0 p99: the paced /0 probe (100 req/s on 50 connections opened beforehand), the I/O latency meanwhile. line ' +
      "max, wake-ups, tasks done: the server's own /__stats counters after the run (– where it has none).",
  ]
}
