// Turning results into words and tables: the CLI's summary of one run, the comparison table of
// several (one per step), the Markdown files in bench/results/, and the check of the targets the
// scenarios set for step 3. Pure functions of the result objects; nothing here runs anything.
// Numbers are written by format.ts, as on the slides.

import {
  count,
  DASH,
  doneOfAsked as doneOf,
  isLowerBound,
  latencyMs,
  megabytes,
  ms,
  percent,
  perSecond,
  seconds,
} from '../format.ts'
import { isCpuOpenLoop, overloadFigures } from './overload.ts'
import { recordedLine } from '../recording.ts'
import { findScenario, type Target } from '../scenarios.ts'
import {
  BENCH_COMPARISON,
  type BenchComparison,
  type BenchResult,
  type EndedBy,
  type Metrics,
  type OpenLoopStats,
  type ResolvedRunOptions,
} from '../types.ts'

/** A recorded comparison of `results` (one scenario, one step after another), made by `command`. */
export function comparison(scenario: string, results: BenchResult[], command: string, note?: string): BenchComparison {
  const first = results[0]
  if (first === undefined) throw new Error('a comparison needs at least one result')
  const { startedAt: recordedAt, machine } = first
  return { schema: BENCH_COMPARISON, recordedAt, command, machine, ...(note ? { note } : {}), scenario, results }
}

/** The poll after the load went unanswered: the server's counters are from its last answer. */
function stale(r: BenchResult): boolean {
  return r.server?.finalAnswered === false
}

function numberOf(body: Record<string, unknown> | null, key: string): number | null {
  const value = body?.[key]
  return typeof value === 'number' ? value : null
}

function switches(s: { voluntary: number; involuntary: number } | null | undefined): string {
  return s ? `${count(s.voluntary)}/${count(s.involuntary)}` : DASH
}

function failures(m: Metrics): string {
  return `${count(m.errors)}/${count(m.timeouts)}/${count(m.non2xx)}`
}

function doneOfAsked(r: BenchResult): string {
  const done = doneOf(r.done, r.asked)
  return r.partial ? `${done} (${r.endedBy === 'cap' ? `cap ${r.options.capS} s` : 'aborted'})` : done
}

export function stepLabel(r: BenchResult): string {
  return r.step ? `${r.step.id} ${r.step.title}` : r.url
}

/** "43 of 150 done in 10.0 s (cut by the 10 s cap)", "412,345 done in 5.0 s", ... */
export function summaryLine(
  outcome: { endedBy: EndedBy; elapsedMs: number; main: Metrics },
  options: ResolvedRunOptions,
  partial: boolean,
): string {
  const m = outcome.main
  // A count-bounded run that finished: first send to last completion. A duration-bounded one: the
  // duration it ran for (its last answer may come long before the end: step 2 under c10k). A cut
  // run: how long it ran before the cut.
  const time = partial
    ? seconds(outcome.elapsedMs)
    : options.durationS !== null
      ? `a ${options.durationS} s run`
      : m.spanMs !== null
        ? seconds(m.spanMs)
        : seconds(outcome.elapsedMs)
  // An open loop of /cpu tasks may be answered 503 as well: its answers are not all tasks done.
  const what = options.cpuMix
    ? options.open
      ? ' answered'
      : ' CPU tasks done'
    : options.awaitChain
      ? ' chains done'
      : ' done'
  const done = options.requests !== null ? `${count(m.completed)} of ${count(options.requests)}` : count(m.completed)
  let line = `${done}${what} in ${time}`
  if (options.open) line += ` (open loop, ${perSecond(options.open.ratePerSec)} req/s offered)`
  if (outcome.endedBy === 'cap') line += ` (cut by the ${options.capS} s cap)`
  if (outcome.endedBy === 'aborted') line += ' (aborted)'
  const failures = [
    m.unanswered ? `${count(m.unanswered)} unanswered` : '',
    m.timeouts ? `${m.timeouts} timeouts` : '',
    m.errors ? `${m.errors} errors` : '',
    m.non2xx ? `${m.non2xx} non-2xx` : '',
  ].filter(Boolean)
  if (failures.length) line += `; ${failures.join(', ')}`
  return line
}

// ---- targets ------------------------------------------------------------------------------

export interface TargetCheck {
  text: string
  met: boolean
  /** What was measured against the target. */
  measured: string
}

/** The target this result's scenario sets for step 3, checked against it; null if it sets none. */
export function checkTarget(r: BenchResult): TargetCheck | null {
  const target: Target | undefined = findScenario(r.scenario)?.target
  if (!target) return null
  const m = r.metrics
  const parts: string[] = []
  let met = true
  if (target.minThroughput !== undefined) {
    met &&= m.throughput !== null && m.throughput >= target.minThroughput
    parts.push(`${perSecond(m.throughput)} req/s`)
  }
  if (target.maxP99Ms !== undefined) {
    // A lower bound below the target proves nothing: the run did not wait long enough to know.
    met &&= m.latency !== null && !isLowerBound(m.latency, 'p99') && m.latency.p99 <= target.maxP99Ms
    parts.push(`p99 ${latencyMs(m.latency, 'p99')} ms`)
  }
  if (target.maxSpanMs !== undefined) {
    met &&= r.asked !== null && r.done === r.asked && m.spanMs !== null && m.spanMs <= target.maxSpanMs
    parts.push(
      `${count(r.done)} of ${r.asked === null ? '?' : count(r.asked)} done, last ${ms(m.spanMs)} ms after ` +
        `the first send`,
    )
  }
  if (target.minSteadyThroughput !== undefined) {
    met &&= m.steadyThroughput !== null && m.steadyThroughput >= target.minSteadyThroughput
    parts.push(`steady ${perSecond(m.steadyThroughput)} req/s`)
  }
  return { text: target.text, met, measured: parts.join(', ') }
}

// ---- one run, for the terminal -------------------------------------------------------------

export function resultText(r: BenchResult): string {
  const o = r.options
  const m = r.metrics
  const bound = o.open
    ? `${perSecond(o.open.ratePerSec)} req/s × ${o.durationS} s of ${o.path} (open loop, at most ` +
      `${count(o.connections)} connections)`
    : `${count(o.connections)} connections · ` +
      (o.requests !== null ? `${count(o.requests)} × ${o.path}` : `${o.durationS} s of ${o.path}`) +
      (o.churn ? ' · a new connection per request' : '')
  const lines = [`${r.step ? `step ${stepLabel(r)}` : r.url} · ${r.scenario} · ${bound} · cap ${o.capS} s`, r.summary]
  if (r.hold) {
    const who = r.hold.worker === null ? 'the only event loop' : `worker ${r.hold.worker}`
    lines.push(
      `kept busy: ${who}, /cpu/${count(r.hold.n)} back to back (${ms(r.hold.taskMs)} ms each in the generator), ` +
        `${count(r.hold.tasksDone)} tasks during the load`,
    )
  }
  if (r.cpu) {
    lines.push(
      `CPU task: n = ${count(r.cpu.n)} (${r.cpu.source}, target ${r.cpu.targetMs} ms): ${ms(r.cpu.localMs)} ` +
        `ms in the generator, ${ms(r.cpu.serverMs)} ms on the idle server`,
    )
  }
  if (r.awaitChain) {
    const c = r.awaitChain
    const sizing =
      c.msPerMillion === null ? 'given' : `sized: the fastest /await/1,000,000 took ${ms(c.msPerMillion)} ms`
    lines.push(
      `chain: n = ${count(c.n)} awaits (${sizing}, target ${c.targetMs} ms); one ${r.options.path} took ` +
        `${ms(c.serverMs)} ms on the idle server`,
    )
  }
  const limit = r.limit ? ` (limit ${perSecond(r.limit.throughput)}, ratio ${r.limit.ratio?.toFixed(3) ?? DASH})` : ''
  lines.push(
    `${r.cpu ? 'CPU tasks/s' : 'throughput'} ${perSecond(m.throughput)} req/s${limit} = completed / (last ` +
      `completion − first send)`,
  )
  if (m.steadyThroughput !== null && !o.open) {
    const ratio = r.limit?.steadyRatio != null ? ` (ratio ${r.limit.steadyRatio.toFixed(3)})` : ''
    lines.push(
      `steady state ${perSecond(m.steadyThroughput)} req/s${ratio} = sum over connections of their own ` +
        `rate, ramp left out`,
    )
  }
  lines.push(
    latencyLine(
      r.cpu
        ? 'CPU task latency'
        : r.awaitChain
          ? 'chain latency'
          : o.open
            ? 'latency from when each was due'
            : 'latency',
      m,
    ),
  )
  if (isCpuOpenLoop(r)) lines.push(...servedLines(r))
  if (m.serviceTime) lines.push(latencyLine('service time, from when each left', { latency: m.serviceTime }))
  if (r.generator?.open) lines.push(`schedule: ${scheduleLine(r.generator.open)}`)
  if (r.probe) {
    const p = o.cpuMix?.probe ?? o.awaitChain?.probe
    lines.push(
      latencyLine(
        `I/O probe (${count(r.probe.completed)} × ${p?.path} at ${p?.ratePerSec}/s on ${p?.connections} ` +
          'connections, from when each was due)',
        r.probe,
      ),
    )
    if (r.generator?.probe) lines.push(`probe schedule: ${scheduleLine(r.generator.probe)}`)
  }
  lines.push(
    `errors ${count(m.errors)} · timeouts ${count(m.timeouts)} · non-2xx ` +
      `${count(m.non2xx)}${r.probe ? ` · probe: ${failures(r.probe)}` : ''}`,
  )
  if (hasLowerBound(r)) lines.push(LOWER_BOUND_NOTE)
  lines.push(serverLine(r), ...workerLines(r), ...generatorLines(r))
  const target = checkTarget(r)
  if (target) lines.push(`step 3's target: ${target.text} → ${target.met ? 'met' : 'missed'} (${target.measured})`)
  return lines.join('\n')
}

/** Overload: the tasks served and the requests turned away, apart (bench/report/overload.ts). */
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

/** What "≥" means, wherever a figure carries it. */
export const LOWER_BOUND_NOTE =
  '≥: a lower bound. Requests still unanswered when the run ended are counted at their wait so far; ' +
  'waiting longer for them could only have raised the figure.'

/** Whether any latency figure of the result is a lower bound. */
export function hasLowerBound(r: BenchResult): boolean {
  return [r.metrics.latency, r.metrics.serviceTime, r.probe?.latency].some((l) => (l?.lowerBound.length ?? 0) > 0)
}

/** How an open-loop sender kept its schedule, every shortfall counted. */
export function scheduleLine(s: OpenLoopStats): string {
  return [
    `${count(s.sent)} of ${count(s.scheduled)} due sent at ${perSecond(s.ratePerSec)}/s`,
    `${count(s.late)} late by the generator (> ${s.lateAfterMs} ms; worst ${ms(s.maxLatenessMs)} ms)`,
    `${count(s.heldAtBound)} held at the bound of ${count(s.maxConnections)} connections`,
    `${count(s.refused)} refused`,
    `${count(s.unanswered)} unanswered at the end`,
    `connections: ${count(s.opened.before)} opened before, ${count(s.opened.during)} during, peak ` +
      count(s.peakConnections),
  ].join(' · ')
}

function serverLine(r: BenchResult): string {
  const s = r.server
  if (!s) return 'server: no /__stats figures'
  const extras = [
    s.cpuMs !== null && r.loadMs > 0 ? `CPU ${percent(s.cpuMs / r.loadMs)} of a core` : '',
    s.threadsSpawned !== null ? `threads spawned ${count(s.threadsSpawned)}` : '',
    s.cpuLimit !== null ? `CPU limit ${s.cpuLimit}` : '',
    s.contextSwitches
      ? `context switches ${count(s.contextSwitches.voluntary)} voluntary, ` +
        `${count(s.contextSwitches.involuntary)} involuntary (over ${seconds(s.contextSwitches.overMs)})`
      : '',
  ]
  return [
    `server: peak RSS ${megabytes(s.peakRssBytes)}`,
    s.peakThreads != null ? `${count(s.peakThreads)} threads at most` : '',
    `loop delay p99 ${ms(s.eventLoopDelayP99Ms)} ms (worst 1 s window ${ms(s.recentLoopDelayP99MaxMs)} ms)`,
    ...extras.filter(Boolean),
    s.missedPolls ? `${s.missedPolls} /__stats polls unanswered` : '',
    stale(r)
      ? `no answer to /__stats after ${seconds(numberOf(s.final, 'uptimeMs'))} of the server's life: ` +
        'its counters are from then'
      : '',
  ]
    .filter(Boolean)
    .join(' · ')
}

/** Step 6: each worker's share of the run's connections and requests. */
function workerLines(r: BenchResult): string[] {
  const workers = r.server?.workers
  if (!workers) return []
  const shares = workers.map((w) => `${w.worker}: ${count(w.accepted)} conn, ${count(w.requests)} req`)
  return [`per worker during the run: ${shares.join(' · ')}`]
}

function generatorLines(r: BenchResult): string[] {
  const g = r.generator
  if (!g) return []
  const cpu = g.cpuMs !== null && r.loadMs > 0 ? `, CPU ${percent(g.cpuMs / r.loadMs)} of a core` : ''
  if (r.options.open) return [`generator: open loop${cpu}`]
  const ac = r.autocannon
    ? `; autocannon's own figures: ${perSecond(r.autocannon.requestsAverage)} req/s (per-second average), ` +
      `p99 ${r.autocannon.latencyP99} ms`
    : ''
  return [
    `generator: ${ms(g.setupMs)} ms to create ${count(r.options.connections)} clients (before the first ` +
      `send: not counted in the span or in latencies)${cpu}${ac}`,
  ]
}

function latencyLine(label: string, m: Pick<Metrics, 'latency'>): string {
  const l = m.latency
  if (!l) return `${label}: no answers`
  return (
    `${label} ms: p50 ${latencyMs(l, 'p50')} · p90 ${latencyMs(l, 'p90')} · p99 ${latencyMs(l, 'p99')} · ` +
    `max ${latencyMs(l, 'max')}`
  )
}

// ---- comparison tables ----------------------------------------------------------------------

interface Column {
  title: string
  value: (r: BenchResult) => string
}

function columnsFor(results: BenchResult[]): Column[] {
  if (results.some(isCpuOpenLoop)) return overloadColumns()
  const cpuMix = results.some((r) => r.cpu !== null || r.options.cpuMix !== null)
  // A figure read from the server's last answer, when that came during the run: marked †.
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
  const probeColumns: Column[] = [
    { title: 'I/O p50 ms', value: (r) => ms(r.probe?.latency?.p50) },
    { title: 'I/O p99 ms', value: (r) => ms(r.probe?.latency?.p99) },
    { title: 'I/O max ms', value: (r) => ms(r.probe?.latency?.max) },
    { title: 'probe done', value: (r) => (r.probe ? count(r.probe.completed) : DASH) },
    {
      title: 'errors (conn/timeout/non-2xx)',
      value: (r) => (r.probe ? `${failures(r.metrics)} · probe ${failures(r.probe)}` : failures(r.metrics)),
    },
  ]
  if (results.some((r) => r.awaitChain != null || r.options.awaitChain != null)) {
    return [
      { title: 'step', value: stepLabel },
      { title: 'route', value: (r) => r.options.path.replace(/\/\d+$/, '/<n>') },
      { title: 'awaits n', value: (r) => (r.awaitChain ? count(r.awaitChain.n) : DASH) },
      { title: 'chains/s', value: (r) => perSecond(r.metrics.throughput) },
      { title: 'chain p50 ms', value: (r) => ms(r.metrics.latency?.p50) },
      ...probeColumns,
      ...server,
      { title: 'chains done', value: doneOfAsked },
    ]
  }
  if (cpuMix) {
    return [
      { title: 'step', value: stepLabel },
      { title: 'CPU tasks/s', value: (r) => perSecond(r.metrics.throughput) },
      { title: 'I/O p50 ms', value: (r) => latencyMs(r.probe?.latency, 'p50') },
      { title: 'I/O p99 ms', value: (r) => latencyMs(r.probe?.latency, 'p99') },
      { title: 'I/O max ms', value: (r) => latencyMs(r.probe?.latency, 'max') },
      { title: 'probe done', value: (r) => (r.probe ? count(r.probe.completed) : DASH) },
      {
        title: 'errors (conn/timeout/non-2xx)',
        value: (r) => (r.probe ? `${failures(r.metrics)} · probe ${failures(r.probe)}` : failures(r.metrics)),
      },
      ...server,
      { title: 'CPU tasks done', value: doneOfAsked },
    ]
  }
  if (results.some((r) => r.options.open !== null)) return [...openLoopColumns(), ...server]
  const columns: Column[] = [
    { title: 'step', value: stepLabel },
    { title: 'req/s', value: (r) => perSecond(r.metrics.throughput) },
  ]
  if (results.some((r) => r.limit !== null))
    columns.push({ title: 'ratio to limit', value: (r) => r.limit?.ratio?.toFixed(3) ?? DASH })
  if (results.some((r) => r.metrics.steadyThroughput !== null))
    columns.push({ title: 'steady req/s', value: (r) => perSecond(r.metrics.steadyThroughput) })
  columns.push(
    { title: 'p50 ms', value: (r) => latencyMs(r.metrics.latency, 'p50') },
    { title: 'p99 ms', value: (r) => latencyMs(r.metrics.latency, 'p99') },
    { title: 'max ms', value: (r) => latencyMs(r.metrics.latency, 'max') },
    { title: 'last done s', value: (r) => (r.metrics.spanMs === null ? DASH : (r.metrics.spanMs / 1000).toFixed(3)) },
    { title: 'errors (conn/timeout/non-2xx)', value: (r) => failures(r.metrics) },
    ...server,
    { title: 'done/asked', value: doneOfAsked },
  )
  return columns
}

/** An open loop: what was offered, what came back, and every request the schedule could not keep. */
function openLoopColumns(): Column[] {
  const open = (r: BenchResult) => r.generator?.open ?? null
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
        const o = open(r)
        return o ? `${count(o.late)}/${count(o.heldAtBound)}/${count(r.metrics.unanswered)}` : DASH
      },
    },
    { title: 'errors (conn/timeout/non-2xx)', value: (r) => failures(r.metrics) },
    { title: 'sent/due', value: (r) => (open(r) ? `${count(open(r)!.sent)}/${count(open(r)!.scheduled)}` : DASH) },
  ]
}

/**
 * Sized `/cpu` tasks offered open loop (overload): cpu-mix's columns and the open loop's together,
 * with the tasks served (2xx) and the requests turned away (503) apart, each with its latency, and
 * the server's line (bench/report/overload.ts).
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

/** A Markdown table, padded so it also reads well in a terminal. */
export function comparisonTable(results: BenchResult[]): string {
  const columns = columnsFor(results)
  const rows = [columns.map((c) => c.title), ...results.map((r) => columns.map((c) => c.value(r)))]
  const widths = columns.map((_, i) => Math.max(3, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n')
}

/** The notes under every table: what the columns mean. */
export function tableNotes(results: BenchResult[]): string[] {
  const notes = results.some(isCpuOpenLoop)
    ? overloadNotes(results)
    : results.some((r) => r.options.open !== null)
      ? openLoopNotes(results)
      : results.some((r) => r.options.awaitChain != null)
        ? awaitChainNotes(results)
        : results.some((r) => r.options.cpuMix !== null)
          ? cpuMixNotes(results)
          : closedLoopNotes(results)
  if (results.some(hasLowerBound)) notes.push(LOWER_BOUND_NOTE)
  notes.push(
    'errors: connection errors / timeouts / non-2xx answers. peak RSS: the highest /__stats rss seen ' +
      "(polled every 250 ms). loop delay p99: the server's event-loop delay over its life (perf_hooks).",
    'done/asked: a run cut by its cap is partial; its numbers cover what was done, nothing is extrapolated.',
  )
  if (results.some((r) => r.server?.peakThreads != null))
    notes.push(
      "threads (peak): the server process's threads, the most seen at a poll tick (/proc: every Worker, " +
        "libuv's pool and V8's helpers counted); peak RSS also counts the process's VmRSS read from /proc at " +
        'each tick, so a server too busy to answer /__stats is measured too.',
    )
  if (results.some(stale))
    notes.push(
      "†: from the server's last answer to /__stats, during the run: it answered no poll after the load " +
        '(peak RSS and threads are read from /proc, answer or not).',
    )
  if (results.some((r) => r.server?.contextSwitches != null))
    notes.push(
      "context switches: the server process's, every thread counted (getrusage), from the first /__stats " +
        'poll before the load to the last one after it; voluntary: a thread gave up its core to wait, ' +
        'involuntary: the scheduler took it away.',
    )
  return notes
}

const CLOSED_LOOP_NOTE =
  'autocannon is closed-loop: each connection sends its next request when the previous answer arrives, so ' +
  'req/s = connections ÷ latency by construction.'

function closedLoopNotes(results: BenchResult[]): string[] {
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

function awaitChainNotes(results: BenchResult[]): string[] {
  const chain = results.find((x) => x.awaitChain)?.awaitChain
  return [
    CLOSED_LOOP_NOTE,
    `chains/s = requests answered / (last answer − first send), two closed-loop connections; each request ` +
      `awaits n = ${chain ? count(chain.n) : '?'} promises that are already resolved, sized on the idle server ` +
      `to about ${chain?.targetMs ?? 300} ms (/await/<n>: microtasks only; /await-yield/<n>: the same, with ` +
      'await setImmediate() every 128).',
    'I/O p50/p99/max: latency of the paced /0 probe (100 req/s on 50 connections opened beforehand), ' +
      'counted from when each request was due, so a stalled server cannot hide behind a waiting probe.',
  ]
}

function cpuMixNotes(results: BenchResult[]): string[] {
  const r = results.find((x) => x.cpu)
  return [
    CLOSED_LOOP_NOTE,
    `CPU tasks/s = /cpu tasks completed / (last completion − first send), one closed-loop connection per ` +
      `core; each task is n = ${r?.cpu ? count(r.cpu.n) : '?'} hash rounds, calibrated to about ` +
      `${r?.cpu?.targetMs ?? 60} ms here.`,
    'I/O p50/p99/max: latency of the paced /0 probe (100 req/s on 50 connections opened beforehand), ' +
      'counted from when each request was due, so a stalled server cannot hide behind a waiting probe.',
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

function openLoopNotes(results: BenchResult[]): string[] {
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

/** The target check for the step it is stated for (step 3), in a comparison. */
export function targetLines(results: BenchResult[]): string[] {
  return results
    .filter((r) => r.step?.id === '3')
    .flatMap((r) => {
      const t = checkTarget(r)
      return t ? [`step ${stepLabel(r)}: ${t.met ? 'met' : 'missed'} — ${t.measured}`] : []
    })
}

/** bench/results/<scenario>.md, and `--markdown FILE`. */
export function markdownReport(doc: BenchComparison): string {
  const scenario = findScenario(doc.scenario)
  const lines = [
    `# \`${doc.scenario}\`${scenario ? `: ${scenario.title}` : ''}`,
    '',
    recordedLine(doc),
    '',
    comparisonTable(doc.results),
    '',
    ...doc.results.map((r) => {
      const setup = r.generator
        ? ` (load generator: ${ms(r.generator.setupMs)} ms creating its clients, before the first send)`
        : ''
      return `- ${stepLabel(r)}: ${r.summary}${setup}`
    }),
    '',
    ...tableNotes(doc.results).map((n) => `- ${n}`),
  ]
  const targets = targetLines(doc.results)
  if (scenario?.target && targets.length) {
    lines.push('', `Step 3's target: ${scenario.target.text}.`, '', ...targets.map((t) => `- ${t}`))
    lines.push(
      '',
      "The server and the load generator share the machine's cores, and the load average above includes the " +
        'runs before this one; the target is checked by the bench, not promised by it.',
    )
  }
  return `${lines.join('\n')}\n`
}
