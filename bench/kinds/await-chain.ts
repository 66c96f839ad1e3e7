// The microtask trap (await-trap, await-yield): two closed-loop connections of `/await/<n>`, a
// chain of awaits sized on the idle server, and the paced `/0` probe beside them. Its report: the
// chain's size, chains a second, and the probe's latency while the chains hold the loop.

import { count, DASH, ms, perSecond } from '../format.ts'
import type { BenchResult } from '../types.ts'
import {
  CLOSED_LOOP_NOTE,
  type Column,
  doneOfAsked,
  type KindReport,
  none,
  PROBE_NOTE,
  probeErrorsColumn,
  stepLabel,
} from './parts.ts'

export const awaitChain: KindReport = {
  name: 'await-chain',
  doneWord: ' chains done',
  latencyLabel: 'chain latency',
  throughputLabel: 'throughput',
  probeOf: (o) => o.awaitChain?.probe ?? null,
  sizingLines: chainLines,
  latencyLines: none,
  columns: (_results, server) => [
    { title: 'step', value: stepLabel },
    { title: 'route', value: (r) => r.options.path.replace(/\/\d+$/, '/<n>') },
    { title: 'awaits n', value: (r) => (r.awaitChain ? count(r.awaitChain.n) : DASH) },
    { title: 'chains/s', value: (r) => perSecond(r.metrics.throughput) },
    { title: 'chain p50 ms', value: (r) => ms(r.metrics.latency?.p50) },
    ...probeColumns(),
    ...server,
    { title: 'chains done', value: doneOfAsked },
  ],
  notes: chainNotes,
}

function probeColumns(): Column[] {
  return [
    { title: 'I/O p50 ms', value: (r) => ms(r.probe?.latency?.p50) },
    { title: 'I/O p99 ms', value: (r) => ms(r.probe?.latency?.p99) },
    { title: 'I/O max ms', value: (r) => ms(r.probe?.latency?.max) },
    { title: 'probe done', value: (r) => (r.probe ? count(r.probe.completed) : DASH) },
    probeErrorsColumn,
  ]
}

function chainLines(r: BenchResult): string[] {
  const c = r.awaitChain
  if (!c) return []
  const sizing = c.msPerMillion === null ? 'given' : `sized: the fastest /await/1,000,000 took ${ms(c.msPerMillion)} ms`
  return [
    `chain: n = ${count(c.n)} awaits (${sizing}, target ${c.targetMs} ms); one ${r.options.path} took ` +
      `${ms(c.serverMs)} ms on the idle server`,
  ]
}

function chainNotes(results: BenchResult[]): string[] {
  const chain = results.find((x) => x.awaitChain)?.awaitChain
  return [
    CLOSED_LOOP_NOTE,
    `chains/s = requests answered / (last answer − first send), two closed-loop connections; each request ` +
      `awaits n = ${chain ? count(chain.n) : '?'} promises that are already resolved, sized on the idle server ` +
      `to about ${chain?.targetMs ?? 300} ms (/await/<n>: microtasks only; /await-yield/<n>: the same, with ` +
      'await setImmediate() every 128).',
    PROBE_NOTE,
  ]
}
