// The cross-check: the harness against an independent load generator, wrk (Debian's /usr/bin/wrk,
// C, multi-threaded), on the same step-3 server, so a bug in our timing cannot hide. This file is
// what the check runs and how it reads the results: the loads, wrk's output parsed, the agreement
// of the open loop, the Markdown. Pure and browser-safe (the deck's BenchSummary reads the recorded
// file for the `hello` row); `npm run bench:crosscheck` (cli/crosscheck.ts) runs it.
//
// Three loads, each run by both tools alternately on the one server, so a machine that drifts
// during the check favours neither:
// - hello: 100 connections, 5 s of /0, closed loop — the cost of a request; on two cores the
//   generator itself is the limit there, and wrk, in C, drives more than autocannon;
// - 150 connections, 5 s of /1000, closed loop — the drill's load, held for several waves;
// - open loop: 200 req/s of /50 for 5 s. The harness's open loop (`--rate`, bench/load/open-loop.ts)
//   against wrk paced by a Lua script (wrk-paced.lua, wrk's `delay()` hook). See OPEN_LOOP_NOTES
//   for what each measures and why they agree only below saturation.

import { recordedLine, type Recording } from '../recording.ts'
import { count, ms, perSecond } from '../format.ts'
import type { RunInput } from '../options.ts'

export const CROSSCHECK = 'crosscheck/1'
export const WRK = '/usr/bin/wrk'
export const DURATION_S = 5

export interface CrossCheckLoad {
  name: string
  kind: 'closed' | 'open'
  /** wrk's `-c`; the harness's connections (closed loop) or its bound (open loop). */
  connections: number
  path: string
  /** Open loop: requests a second. */
  rate: number | null
  /** What the harness runs (against the check's server, by `url`). */
  input: RunInput
  /** The order the two tools run in. */
  order: readonly Tool[]
}

export type Tool = 'harness' | 'wrk'

/** Alternating, and symmetric: harness, wrk, wrk, harness (twice over for the open loop). */
const ABBA: readonly Tool[] = ['harness', 'wrk', 'wrk', 'harness']

export const LOADS: readonly CrossCheckLoad[] = [
  {
    name: 'hello: 100 connections, 5 s of /0',
    kind: 'closed',
    connections: 100,
    path: '/0',
    rate: null,
    input: { scenario: 'hello', durationS: DURATION_S },
    order: ABBA,
  },
  {
    name: '150 connections, 5 s of /1000',
    kind: 'closed',
    connections: 150,
    path: '/1000',
    rate: null,
    input: { scenario: 'drill', durationS: DURATION_S },
    order: ABBA,
  },
  {
    // /50, not /0 or /10. The harness times each request from when it was due, wrk from when it
    // was written (OPEN_LOOP_NOTES), and the harness's client (JavaScript, sending on a libuv timer
    // that counts whole milliseconds) adds a millisecond or a few at the tail that wrk's C client
    // does not. Against ~0.1 ms (/0) that would compare the two clients, not their method; against
    // /10 it was still more than a tenth of the p99 (harness 13.2 ms, wrk 11.4 ms, on the 2-core
    // machine of the recordings); against /50 a few milliseconds are a few percent. A 50 ms libuv
    // timer in the server is the same wait for both. 200 req/s × ~51 ms is about 10 requests in
    // flight: far below what step 3 sustains.
    name: 'open loop: 200 req/s of /50 for 5 s',
    kind: 'open',
    connections: 20,
    path: '/50',
    rate: 200,
    input: { rate: 200, durationS: DURATION_S, path: '/50', connections: 20 },
    order: [...ABBA, ...ABBA],
  },
]

export interface Row {
  tool: Tool
  requests: number
  reqPerSec: number
  steady: number | null
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
  errors: string
  /** Open loop, the harness: requests it sent more than 10 ms after they were due. */
  late: number | null
  /** Open loop, the harness: p50 and p99 from when each request left (what wrk measures). */
  service: { p50: number; p99: number } | null
}

/** p50 and p99 of each tool (medians over its runs), and whether they agree within `tolerance`. */
export interface Agreement {
  tolerance: number
  harness: { p50: number; p99: number }
  wrk: { p50: number; p99: number }
  /** |harness − wrk| / wrk. */
  difference: { p50: number; p99: number }
  agrees: boolean
}

export interface CrossCheckSection {
  load: Omit<CrossCheckLoad, 'input' | 'order'>
  rows: Row[]
  /** The open loop only. */
  agreement: Agreement | null
}

export type CrossCheck = Recording<typeof CROSSCHECK, { sections: CrossCheckSection[] }>

export const TOLERANCE = 0.1

/** wrk's command line for a load against `url`. */
export function wrkArgs(load: CrossCheckLoad, url: string, luaScript: string): string[] {
  if (load.kind === 'closed') return ['-t2', `-c${load.connections}`, `-d${DURATION_S}s`, '--latency', url + load.path]
  // One thread: its Lua state keeps one schedule for all its connections (wrk-paced.lua).
  return [
    '-t1',
    `-c${load.connections}`,
    `-d${DURATION_S}s`,
    '--latency',
    '-s',
    luaScript,
    url + load.path,
    '--',
    String(load.rate),
  ]
}

/** wrk's text output → a row. Latencies print as 1.23us / 4.56ms / 1.02s. */
export function parseWrk(text: string): Row {
  const toMs = (value: string, unit: string) =>
    Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[unit]!
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text)
    return match ? toMs(match[1]!, match[2]!) : null
  }
  const maxMatch = /^\s*Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)/m.exec(text)
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN)
  const reqPerSec = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN)
  if (!Number.isFinite(requests) || !Number.isFinite(reqPerSec)) throw new Error(`cannot read wrk's output:\n${text}`)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0)
  const errors = socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0
  return {
    tool: 'wrk',
    requests,
    reqPerSec,
    steady: null,
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    max: maxMatch ? toMs(maxMatch[1]!, maxMatch[2]!) : null,
    errors: `${errors}/${socket ? socket[4] : 0}/${non2xx}`,
    late: null,
    service: null,
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The open loop's verdict: each tool's median p50 and p99 over its runs, and their difference. */
export function agreement(rows: readonly Row[], tolerance = TOLERANCE): Agreement | null {
  const of = (tool: Tool) => {
    const runs = rows.filter((r) => r.tool === tool && r.p50 !== null && r.p99 !== null)
    return runs.length === 0 ? null : { p50: median(runs.map((r) => r.p50!)), p99: median(runs.map((r) => r.p99!)) }
  }
  const harness = of('harness')
  const wrk = of('wrk')
  if (harness === null || wrk === null) return null
  const difference = {
    p50: Math.abs(harness.p50 - wrk.p50) / wrk.p50,
    p99: Math.abs(harness.p99 - wrk.p99) / wrk.p99,
  }
  return { tolerance, harness, wrk, difference, agrees: difference.p50 <= tolerance && difference.p99 <= tolerance }
}

/** hello's req/s, each tool's median: on two cores, how much more wrk drives than the harness. */
export function helloRates(doc: CrossCheck): { harness: number; wrk: number } | null {
  const rows = doc.sections.find((s) => s.load.kind === 'closed' && s.load.path === '/0')?.rows ?? []
  const rate = (tool: Tool) => rows.filter((r) => r.tool === tool).map((r) => r.reqPerSec)
  const [harness, wrk] = [rate('harness'), rate('wrk')]
  return harness.length && wrk.length ? { harness: median(harness), wrk: median(wrk) } : null
}

/** What each tool measures in the open loop, and why they agree only below saturation. */
export const OPEN_LOOP_NOTES = [
  'Open loop, harness: `npm run bench -- --rate 200 --duration 5 --path /50` against the same server; each ' +
    'latency counts from when the request was due on the schedule (and the service time from when it left).',
  "Open loop, wrk: `-t1 -c20 -s bench/cli/wrk-paced.lua … -- 200`. wrk calls the script's `delay()` before " +
    'each request on a connection and sends it that many milliseconds later (wrk 4.1 src/wrk.c: ' +
    '`socket_writeable` → `script_delay` → `aeCreateTimeEvent`); the script returns the time left until the ' +
    'next slot of one schedule at the given rate, so the requests leave on that schedule while a connection ' +
    'is free. wrk times each request from when it was written (`c->start` in `socket_writeable`, after the ' +
    'delay): it measures service time. After the run it adds synthetic values for latencies above twice its ' +
    'interval (`stats_correct`, interval = run time ÷ requests per connection, ~100 ms here): none at these ' +
    'latencies.',
  'Below saturation every request leaves on time, so latency from the due time and from the send agree: ' +
    "that is the check. Past saturation they must not: wrk's next request on a connection waits for the " +
    'previous answer before it claims a slot, and is timed from its late send, hiding the queue (coordinated ' +
    'omission); the harness counts the wait from the due time.',
  "The verdict compares the harness's latency from the due time with wrk. A harness run with requests sent " +
    'late (its own event loop held up: `late` > 0, most likely on a busy machine) charges that lateness to ' +
    'them; its service time (from the send, as wrk measures) is given beside it to tell the two apart.',
]

/** bench/results/crosscheck.md, from the recorded check. */
export function crosscheckMarkdown(doc: CrossCheck): string {
  const lines = [
    '# Cross-check: the harness against wrk, on step 3',
    '',
    recordedLine(doc),
    'Each load ran on one step-3 server, the two tools alternating in the order of the rows. wrk, closed ' +
      `loop: \`${WRK} -t2 -c<connections> -d${DURATION_S}s --latency\`.`,
    '',
  ]
  for (const section of doc.sections) {
    lines.push(`## ${section.load.name}`, '', table(section), '')
    const a = section.agreement
    if (a !== null) {
      const pct = (x: number) => `${(x * 100).toFixed(1)} %`
      lines.push(
        `Medians: harness p50 ${ms(a.harness.p50)} ms, p99 ${ms(a.harness.p99)} ms; wrk p50 ${ms(a.wrk.p50)} ms, ` +
          `p99 ${ms(a.wrk.p99)} ms. Difference: p50 ${pct(a.difference.p50)}, p99 ${pct(a.difference.p99)} → ` +
          `${a.agrees ? 'agree' : 'do not agree'} within ${pct(a.tolerance)}.`,
        '',
        ...OPEN_LOOP_NOTES.map((n) => `- ${n}`),
        '',
      )
    }
  }
  lines.push(
    '- req/s: the harness divides by first send → last completion; wrk divides by its whole test time, ramp ' +
      'and the last, unfinished wave included.',
    "- steady: the harness's per-connection steady-state rate (bench/load/metrics.ts); wrk has no such figure.",
    '- Latencies: the harness from an HDR histogram of every response (µs); wrk from its own histogram, ' +
      'printed to three significant digits: around 1 s that is 10 ms steps (1.00s, 1.01s).',
    '- wrk opens its connections thread by thread, so its waves of /1000 are spread out and a 5 s test ' +
      'holds more than four of them; autocannon opens all at once: exactly four waves finish, the fifth is cut at 5 s.',
    '- errors: connection errors / timeouts / non-2xx (wrk: socket errors connect+read+write / timeouts / ' +
      'non-2xx-or-3xx). late: open-loop requests the harness sent more than 10 ms after they were due; ' +
      "service: the harness's open-loop latency from each send.",
    '',
  )
  return lines.join('\n')
}

function table(section: CrossCheckSection): string {
  const lines = [
    '| run | tool | requests | req/s | steady req/s | p50 ms | p90 ms | p99 ms | max ms | errors | late | ' +
      'service p50/p99 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  section.rows.forEach((r, i) => {
    const service = r.service ? `${ms(r.service.p50)} / ${ms(r.service.p99)}` : '–'
    lines.push(
      `| ${i + 1} | ${r.tool} | ${count(r.requests)} | ${perSecond(r.reqPerSec)} | ${perSecond(r.steady)} | ` +
        `${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.errors} | ${count(r.late)} | ${service} |`,
    )
  })
  return lines.join('\n')
}
