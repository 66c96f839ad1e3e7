// What every kind's report is built from: a table column, the columns and lines all kinds share
// (the step, failures, the server's figures, the probe), and the notes more than one kind prints.
// Pure functions of results; browser-safe. The kinds (closed.ts, …) pick from these; report/ lays
// them out.

import { count, DASH, doneOfAsked as doneOf, latencyMs, megabytes, ms } from '../format.ts'
import type { BenchResult, Metrics, ProbeOptions, ResolvedRunOptions } from '../types.ts'
import type { KindName } from './kind.ts'

/** One column of a comparison table: its title and each result's cell. */
export interface Column {
  title: string
  value: (r: BenchResult) => string
}

/** What a kind says about its runs: the words of a summary, its extra lines, its table and notes. */
export interface KindReport {
  name: KindName
  /** After the count in a summary: " done", " CPU tasks done", " chains done", " answered". */
  doneWord: string
  /** The label of the main load's latency line. */
  latencyLabel: string
  /** The label of the throughput line. */
  throughputLabel: string
  /** The paced probe beside the main load, where the kind has one (the generator's, the report's). */
  probeOf(options: Pick<ResolvedRunOptions, 'cpuMix' | 'awaitChain'>): ProbeOptions | null
  /** Lines after the summary that say how the load was sized (a task, a chain, a hold). */
  sizingLines(r: BenchResult): string[]
  /** Lines after the main latency line (overload: the tasks served and the 503s apart). */
  latencyLines(r: BenchResult): string[]
  /** The comparison table's columns; `server` are the server's, shared by every kind. */
  columns(results: BenchResult[], server: Column[]): Column[]
  /** The notes that say what this kind's columns mean. */
  notes(results: BenchResult[]): string[]
}

export function stepLabel(r: BenchResult): string {
  return r.step ? `${r.step.id} ${r.step.title}` : r.url
}

export function failures(m: Metrics): string {
  return `${count(m.errors)}/${count(m.timeouts)}/${count(m.non2xx)}`
}

export function doneOfAsked(r: BenchResult): string {
  const done = doneOf(r.done, r.asked)
  return r.partial ? `${done} (${r.endedBy === 'cap' ? `cap ${r.options.capS} s` : 'aborted'})` : done
}

/** The poll after the load went unanswered: the server's counters are from its last answer. */
export function stale(r: BenchResult): boolean {
  return r.server?.finalAnswered === false
}

export function numberOf(body: Record<string, unknown> | null, key: string): number | null {
  const value = body?.[key]
  return typeof value === 'number' ? value : null
}

export function latencyLine(label: string, m: Pick<Metrics, 'latency'>): string {
  const l = m.latency
  if (!l) return `${label}: no answers`
  return (
    `${label} ms: p50 ${latencyMs(l, 'p50')} · p90 ${latencyMs(l, 'p90')} · p99 ${latencyMs(l, 'p99')} · ` +
    `max ${latencyMs(l, 'max')}`
  )
}

function switches(s: { voluntary: number; involuntary: number } | null | undefined): string {
  return s ? `${count(s.voluntary)}/${count(s.involuntary)}` : DASH
}

/** The server's columns, the same for every kind; a figure from its last answer during the run is marked †. */
export function serverColumns(results: BenchResult[]): Column[] {
  const mark = (r: BenchResult, text: string) => (stale(r) && text !== DASH ? `${text}†` : text)
  const server: Column[] = [{ title: 'peak RSS', value: (r) => megabytes(r.server?.peakRssBytes) }]
  if (results.some((r) => r.server?.peakThreads != null))
    server.push({
      title: 'threads (peak)',
      value: (r) => (r.server?.peakThreads != null ? count(r.server.peakThreads) : DASH),
    })
  server.push({ title: 'loop delay p99 ms', value: (r) => mark(r, ms(r.server?.eventLoopDelayP99Ms)) })
  if (results.some((r) => r.server?.threadsSpawned != null))
    server.push({
      title: 'threads spawned',
      value: (r) => mark(r, r.server?.threadsSpawned != null ? count(r.server.threadsSpawned) : DASH),
    })
  if (results.some((r) => r.server?.cpuLimit != null))
    server.push({ title: 'CPU limit', value: (r) => (r.server?.cpuLimit != null ? String(r.server.cpuLimit) : DASH) })
  if (results.some((r) => r.server?.contextSwitches != null))
    server.push({ title: 'context switches (vol/invol)', value: (r) => mark(r, switches(r.server?.contextSwitches)) })
  return server
}

/** The probe's failures beside the main load's, in one cell. */
export const probeErrorsColumn: Column = {
  title: 'errors (conn/timeout/non-2xx)',
  value: (r) => (r.probe ? `${failures(r.metrics)} · probe ${failures(r.probe)}` : failures(r.metrics)),
}

export const CLOSED_LOOP_NOTE =
  'autocannon is closed-loop: each connection sends its next request when the previous answer arrives, so ' +
  'req/s = connections ÷ latency by construction.'

export const PROBE_NOTE =
  'I/O p50/p99/max: latency of the paced /0 probe (100 req/s on 50 connections opened beforehand), ' +
  'counted from when each request was due, so a stalled server cannot hide behind a waiting probe.'

/** No lines: for the kinds that add none at a place. */
export const none = (): string[] => []

/** A cell's text, or the dash where there is none. */
export function orDash(text: string | null | undefined): string {
  return text ?? DASH
}
