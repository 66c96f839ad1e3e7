// One run in words, for the terminal: the summary line a result carries, and the lines the CLI
// prints after a run. What only one kind of scenario prints comes from its module (kinds/); the
// lines every run has (throughput, the server, the generator, the target) are here. Pure
// functions of results; numbers by format.ts, as on the slides.

import { count, DASH, megabytes, ms, percent, perSecond, seconds } from '../format.ts'
import { isOpenLoop, kindOf, kindReport } from '../kinds/index.ts'
import { failures, latencyLine, numberOf, stale, stepLabel } from '../kinds/parts.ts'
import type { BenchResult, EndedBy, Metrics, OpenLoopStats, ResolvedRunOptions } from '../types.ts'
import { targetLine } from './targets.ts'

export { stepLabel }

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
  const kind = kindOf(options)
  const what = kindReport(kind).doneWord
  const done = options.requests !== null ? `${count(m.completed)} of ${count(options.requests)}` : count(m.completed)
  let line = `${done}${what} in ${time}`
  if (isOpenLoop(kind)) line += ` (open loop, ${perSecond(options.open?.ratePerSec)} req/s offered)`
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

export function resultText(r: BenchResult): string {
  const o = r.options
  const m = r.metrics
  const name = kindOf(o)
  const kind = kindReport(name)
  const bound = isOpenLoop(name)
    ? `${perSecond(o.open?.ratePerSec)} req/s × ${o.durationS} s of ${o.path} (open loop, at most ` +
      `${count(o.connections)} connections)`
    : `${count(o.connections)} connections · ` +
      (o.requests !== null ? `${count(o.requests)} × ${o.path}` : `${o.durationS} s of ${o.path}`) +
      (name === 'churn' || name === 'busy-worker' ? ' · a new connection per request' : '')
  const lines = [`${r.step ? `step ${stepLabel(r)}` : r.url} · ${r.scenario} · ${bound} · cap ${o.capS} s`, r.summary]
  lines.push(...kind.sizingLines(r))
  const limit = r.limit ? ` (limit ${perSecond(r.limit.throughput)}, ratio ${r.limit.ratio?.toFixed(3) ?? DASH})` : ''
  lines.push(
    `${kind.throughputLabel} ${perSecond(m.throughput)} req/s${limit} = completed / (last ` +
      `completion − first send)`,
  )
  if (m.steadyThroughput !== null && !isOpenLoop(name)) {
    const ratio = r.limit?.steadyRatio != null ? ` (ratio ${r.limit.steadyRatio.toFixed(3)})` : ''
    lines.push(
      `steady state ${perSecond(m.steadyThroughput)} req/s${ratio} = sum over connections of their own ` +
        `rate, ramp left out`,
    )
  }
  lines.push(latencyLine(kind.latencyLabel, m), ...kind.latencyLines(r))
  if (m.serviceTime) lines.push(latencyLine('service time, from when each left', { latency: m.serviceTime }))
  if (r.generator?.open) lines.push(`schedule: ${scheduleLine(r.generator.open)}`)
  if (r.probe) {
    const p = kind.probeOf(o)
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
  lines.push(...targetLine(r))
  return lines.join('\n')
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
  if (isOpenLoop(kindOf(r.options))) return [`generator: open loop${cpu}`]
  const ac = r.autocannon
    ? `; autocannon's own figures: ${perSecond(r.autocannon.requestsAverage)} req/s (per-second average), ` +
      `p99 ${r.autocannon.latencyP99} ms`
    : ''
  return [
    `generator: ${ms(g.setupMs)} ms to create ${count(r.options.connections)} clients (before the first ` +
      `send: not counted in the span or in latencies)${cpu}${ac}`,
  ]
}
