// Turning results into words and tables: the CLI's summary of one run, the comparison table of
// several (one per step), the Markdown files in bench/results/, and the check of the targets the
// scenarios set for step 3. Pure functions of the result objects; nothing here runs anything.
// Numbers are written by format.ts, as on the slides.

import { count, DASH, doneOfAsked as doneOf, megabytes, ms, percent, perSecond, seconds } from './format.ts'
import { recordedLine } from './recording.ts'
import { findScenario, type Target } from './scenarios.ts'
import {
  BENCH_COMPARISON,
  type BenchComparison,
  type BenchResult,
  type EndedBy,
  type Metrics,
  type ResolvedRunOptions,
} from './types.ts'

/** A recorded comparison of `results` (one scenario, one step after another), made by `command`. */
export function comparison(scenario: string, results: BenchResult[], command: string): BenchComparison {
  const first = results[0]
  if (first === undefined) throw new Error('a comparison needs at least one result')
  return { schema: BENCH_COMPARISON, recordedAt: first.startedAt, command, machine: first.machine, scenario, results }
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
  // A run that finished: first send to last completion. A cut run: how long it ran before the cut.
  const time = !partial && m.spanMs !== null ? seconds(m.spanMs) : seconds(outcome.elapsedMs)
  const what = options.cpuMix ? 'CPU tasks' : ''
  const done = options.requests !== null ? `${count(m.completed)} of ${count(options.requests)}` : count(m.completed)
  let line = `${done}${what ? ` ${what}` : ''} done in ${time}`
  if (outcome.endedBy === 'cap') line += ` (cut by the ${options.capS} s cap)`
  if (outcome.endedBy === 'aborted') line += ' (aborted)'
  const failures = [
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
    met &&= m.latency !== null && m.latency.p99 <= target.maxP99Ms
    parts.push(`p99 ${ms(m.latency?.p99)} ms`)
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
  const bound = o.requests !== null ? `${count(o.requests)} × ${o.path}` : `${o.durationS} s of ${o.path}`
  const lines = [
    `${r.step ? `step ${stepLabel(r)}` : r.url} · ${r.scenario} · ${count(o.connections)} connections · ` +
      `${bound}${o.churn ? ' · a new connection per request' : ''} · cap ${o.capS} s`,
    r.summary,
  ]
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
  const limit = r.limit ? ` (limit ${perSecond(r.limit.throughput)}, ratio ${r.limit.ratio?.toFixed(3) ?? DASH})` : ''
  lines.push(
    `${r.cpu ? 'CPU tasks/s' : 'throughput'} ${perSecond(m.throughput)} req/s${limit} = completed / (last ` +
      `completion − first send)`,
  )
  if (m.steadyThroughput !== null) {
    const ratio = r.limit?.steadyRatio != null ? ` (ratio ${r.limit.steadyRatio.toFixed(3)})` : ''
    lines.push(
      `steady state ${perSecond(m.steadyThroughput)} req/s${ratio} = sum over connections of their own ` +
        `rate, ramp left out`,
    )
  }
  lines.push(latencyLine(r.cpu ? 'CPU task latency' : 'latency', m))
  if (r.probe) {
    const p = o.cpuMix?.probe
    const extra = r.generator?.probe
      ? `; ${r.generator.probe.unanswered} unanswered at the end, ${r.generator.probe.reconnects} reconnects`
      : ''
    lines.push(
      latencyLine(
        `I/O probe (${count(r.probe.completed)} × ${p?.path} at ${p?.ratePerSec}/s on ${p?.connections} ` +
          `connections${extra})`,
        r.probe,
      ),
    )
  }
  lines.push(
    `errors ${count(m.errors)} · timeouts ${count(m.timeouts)} · non-2xx ` +
      `${count(m.non2xx)}${r.probe ? ` · probe: ${failures(r.probe)}` : ''}`,
  )
  const s = r.server
  if (s) {
    const extras = [
      s.cpuMs !== null && r.loadMs > 0 ? `CPU ${percent(s.cpuMs / r.loadMs)} of a core` : '',
      s.threadsSpawned !== null ? `threads spawned ${count(s.threadsSpawned)}` : '',
      s.cpuCap !== null ? `CPU cap ${s.cpuCap}` : '',
    ]
    lines.push(
      [
        `server: peak RSS ${megabytes(s.peakRssBytes)}`,
        `loop delay p99 ${ms(s.eventLoopDelayP99Ms)} ms (worst 1 s window ${ms(s.recentLoopDelayP99MaxMs)} ms)`,
        ...extras.filter(Boolean),
        s.missedPolls ? `${s.missedPolls} /__stats polls unanswered` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    )
    if (s.workers) {
      const shares = s.workers.map((w) => `${w.worker}: ${count(w.accepted)} conn, ${count(w.requests)} req`)
      lines.push(`per worker during the run: ${shares.join(' · ')}`)
    }
  } else {
    lines.push('server: no /__stats figures')
  }
  if (r.generator) {
    const ac = r.autocannon
      ? `; autocannon's own figures: ${perSecond(r.autocannon.requestsAverage)} req/s (per-second average), ` +
        `p99 ${r.autocannon.latencyP99} ms`
      : ''
    const cpu =
      r.generator.cpuMs !== null && r.loadMs > 0 ? `, CPU ${percent(r.generator.cpuMs / r.loadMs)} of a core` : ''
    lines.push(
      `generator: ${ms(r.generator.setupMs)} ms to create ${count(o.connections)} clients (before the first ` +
        `send: not counted in the span or in latencies)${cpu}${ac}`,
    )
  }
  const target = checkTarget(r)
  if (target) lines.push(`step 3's target: ${target.text} → ${target.met ? 'met' : 'missed'} (${target.measured})`)
  return lines.join('\n')
}

function latencyLine(label: string, m: Metrics): string {
  const l = m.latency
  if (!l) return `${label}: no answers`
  return `${label} ms: p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 ${ms(l.p99)} · max ${ms(l.max)}`
}

// ---- comparison tables ----------------------------------------------------------------------

interface Column {
  title: string
  value: (r: BenchResult) => string
}

function columnsFor(results: BenchResult[]): Column[] {
  const cpuMix = results.some((r) => r.cpu !== null || r.options.cpuMix !== null)
  const server: Column[] = [
    { title: 'peak RSS', value: (r) => megabytes(r.server?.peakRssBytes) },
    { title: 'loop delay p99 ms', value: (r) => ms(r.server?.eventLoopDelayP99Ms) },
  ]
  if (results.some((r) => r.server?.threadsSpawned != null))
    server.push({
      title: 'threads spawned',
      value: (r) => (r.server?.threadsSpawned != null ? count(r.server.threadsSpawned) : DASH),
    })
  if (results.some((r) => r.server?.cpuCap != null))
    server.push({ title: 'CPU cap', value: (r) => (r.server?.cpuCap != null ? String(r.server.cpuCap) : DASH) })
  if (cpuMix) {
    return [
      { title: 'step', value: stepLabel },
      { title: 'CPU tasks/s', value: (r) => perSecond(r.metrics.throughput) },
      { title: 'I/O p50 ms', value: (r) => ms(r.probe?.latency?.p50) },
      { title: 'I/O p99 ms', value: (r) => ms(r.probe?.latency?.p99) },
      { title: 'I/O max ms', value: (r) => ms(r.probe?.latency?.max) },
      { title: 'probe done', value: (r) => (r.probe ? count(r.probe.completed) : DASH) },
      {
        title: 'errors (conn/timeout/non-2xx)',
        value: (r) => (r.probe ? `${failures(r.metrics)} · probe ${failures(r.probe)}` : failures(r.metrics)),
      },
      ...server,
      { title: 'CPU tasks done', value: doneOfAsked },
    ]
  }
  const columns: Column[] = [
    { title: 'step', value: stepLabel },
    { title: 'req/s', value: (r) => perSecond(r.metrics.throughput) },
  ]
  if (results.some((r) => r.limit !== null))
    columns.push({ title: 'ratio to limit', value: (r) => r.limit?.ratio?.toFixed(3) ?? DASH })
  if (results.some((r) => r.metrics.steadyThroughput !== null))
    columns.push({ title: 'steady req/s', value: (r) => perSecond(r.metrics.steadyThroughput) })
  columns.push(
    { title: 'p50 ms', value: (r) => ms(r.metrics.latency?.p50) },
    { title: 'p99 ms', value: (r) => ms(r.metrics.latency?.p99) },
    { title: 'max ms', value: (r) => ms(r.metrics.latency?.max) },
    { title: 'last done s', value: (r) => (r.metrics.spanMs === null ? DASH : (r.metrics.spanMs / 1000).toFixed(3)) },
    { title: 'errors (conn/timeout/non-2xx)', value: (r) => failures(r.metrics) },
    ...server,
    { title: 'done/asked', value: doneOfAsked },
  )
  return columns
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
  const cpuMix = results.some((r) => r.options.cpuMix !== null)
  const notes = [
    'autocannon is closed-loop: each connection sends its next request when the previous answer arrives, so ' +
      'req/s = connections ÷ latency by construction.',
  ]
  if (cpuMix) {
    const r = results.find((x) => x.cpu)
    notes.push(
      `CPU tasks/s = /cpu tasks completed / (last completion − first send), one closed-loop connection per ` +
        `core; each task is n = ${r?.cpu ? count(r.cpu.n) : '?'} hash rounds, calibrated to about ` +
        `${r?.cpu?.targetMs ?? 60} ms here.`,
      'I/O p50/p99/max: latency of the paced /0 probe (100 req/s on 50 connections opened beforehand), ' +
        'counted from when each request was due, so a stalled server cannot hide behind a waiting probe.',
    )
  } else {
    notes.push(
      "req/s = completed / (last completion − first send), from our own timestamps (not autocannon's " +
        'per-second average); latencies from an HDR histogram of every response, to the microsecond.',
    )
    if (results.some((r) => r.limit))
      notes.push('ratio to limit: req/s ÷ (connections × 1000 / ms), the most a closed loop of /<ms> requests can do.')
    if (results.some((r) => r.metrics.steadyThroughput !== null))
      notes.push(
        "steady req/s: each connection's own rate between its first and last completion, summed: the ramp " +
          '(connecting, first wave) left out.',
      )
    notes.push('last done s: last completion − first send.')
  }
  notes.push(
    'errors: connection errors / timeouts / non-2xx answers. peak RSS: the highest /__stats rss seen ' +
      "(polled every 250 ms). loop delay p99: the server's event-loop delay over its life (perf_hooks).",
    'done/asked: a run cut by its cap is partial; its numbers cover what was done, nothing is extrapolated.',
  )
  return notes
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
