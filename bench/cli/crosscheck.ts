// `npm run bench:crosscheck`: the harness against an independent load generator, wrk (Debian's
// /usr/bin/wrk, C, multi-threaded), on the same step-3 server, so a bug in our timing cannot hide.
//
// Two loads, each run by both tools in the order harness, wrk, wrk, harness (so a machine that
// drifts during the check favours neither):
// - hello: 100 connections, 5 s of /0 — the cost of a request;
// - 150 connections, 5 s of /1000 — the drill's load, held for several waves.
// Both tools are closed-loop, so their numbers should agree where they measure the same thing.
// They differ by design in one place: wrk divides the requests by the whole test time (5 s) and
// counts the ramp and the wave cut off at the end, while the harness divides by first send to last
// completion. On /1000 that is 4 waves / 5 s against 4 waves / ~4.0 s.
//
// Writes bench/results/crosscheck.md.

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { adopt, stopChild } from '../child-processes.ts'
import { count, ms, perSecond } from '../format.ts'
import { type BenchResult, findStep, type RunInput, runScenario } from '../index.ts'
import { newEnvelope } from '../machine.ts'
import { recordedLine } from '../recording.ts'
import { REPO_ROOT } from '../repo-root.ts'
import { startServer } from '../server-process.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const WRK = '/usr/bin/wrk'
const DURATION_S = 5

interface Load {
  name: string
  connections: number
  path: string
  input: RunInput
}

const LOADS: Load[] = [
  {
    name: 'hello: 100 connections, 5 s of /0',
    connections: 100,
    path: '/0',
    input: { scenario: 'hello', durationS: DURATION_S },
  },
  {
    name: '150 connections, 5 s of /1000',
    connections: 150,
    path: '/1000',
    input: { scenario: 'drill', durationS: DURATION_S },
  },
]

interface Row {
  tool: string
  requests: number
  reqPerSec: number
  steady: number | null
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
  errors: string
}

async function main(): Promise<number> {
  readFlagsOrExit('bench:crosscheck', {}, { usage: 'usage: npm run bench:crosscheck  (no flags)' })
  if (!existsSync(WRK)) {
    console.error(`bench:crosscheck: ${WRK} not found (apt-get install -y wrk)`)
    return 1
  }
  const signal = stopOnCtrlC()
  const envelope = newEnvelope('crosscheck/1', 'npm run bench:crosscheck') // the machine as the check starts
  const server = await startServer(findStep('3')!, [])
  const sections: string[] = []
  try {
    for (const load of LOADS) {
      const rows: Row[] = []
      for (const tool of ['harness', 'wrk', 'wrk', 'harness'] as const) {
        signal.throwIfAborted()
        rows.push(tool === 'harness' ? await harness(server.url, load, signal) : await wrk(server.url, load, signal))
        console.log(
          `${load.name} · ${rows.at(-1)!.tool}: ${perSecond(rows.at(-1)!.reqPerSec)} req/s, p50 ` +
            `${ms(rows.at(-1)!.p50)} ms, p99 ${ms(rows.at(-1)!.p99)} ms`,
        )
      }
      sections.push(`## ${load.name}\n\n${table(rows)}\n`)
    }
  } catch (error) {
    clearProgressLine()
    if (signal.aborted) return 130
    console.error(`bench:crosscheck: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await server.stop()
  }

  const doc = [
    '# Cross-check: the harness against wrk, on step 3',
    '',
    recordedLine(envelope),
    `Each load ran four times on one step-3 server, in the order harness, wrk, wrk, harness. wrk: \`${WRK} ` +
      `-t2 -c<connections> -d${DURATION_S}s --latency\`.`,
    '',
    ...sections,
    '- req/s: the harness divides by first send → last completion; wrk divides by its whole test time, ramp ' +
      'and the last, unfinished wave included.',
    "- steady: the harness's per-connection steady-state rate (bench/metrics.ts); wrk has no such figure.",
    '- Latencies: the harness from an HDR histogram of every response (µs); wrk from its own histogram, ' +
      'printed to three significant digits: around 1 s that is 10 ms steps (1.00s, 1.01s).',
    '- wrk opens its connections thread by thread, so its waves of /1000 are spread out and a 5 s test ' +
      'holds more than four of them; autocannon opens all at once: exactly four waves finish, the fifth is cut at 5 s.',
    '- errors: connection errors / timeouts / non-2xx (wrk: socket errors connect+read+write / timeouts / ' +
      'non-2xx-or-3xx).',
    '',
  ].join('\n')
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true })
  writeFileSync(join(REPO_ROOT, 'bench/results/crosscheck.md'), doc)
  console.log(`\n${doc}→ bench/results/crosscheck.md`)
  return 0
}

async function harness(url: string, load: Load, signal: AbortSignal): Promise<Row> {
  const r: BenchResult = await runScenario({ ...load.input, url }, { onProgress: progressPrinter('harness'), signal })
  clearProgressLine()
  const m = r.metrics
  return {
    tool: 'harness',
    requests: m.completed,
    reqPerSec: m.throughput ?? 0,
    steady: m.steadyThroughput,
    p50: m.latency?.p50 ?? null,
    p90: m.latency?.p90 ?? null,
    p99: m.latency?.p99 ?? null,
    max: m.latency?.max ?? null,
    errors: `${m.errors}/${m.timeouts}/${m.non2xx}`,
  }
}

async function wrk(url: string, load: Load, signal: AbortSignal): Promise<Row> {
  const args = ['-t2', `-c${load.connections}`, `-d${DURATION_S}s`, '--latency', `${url}${load.path}`]
  const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  adopt(child, 'generator')
  const onAbort = () => void stopChild(child, 'SIGKILL')
  signal.addEventListener('abort', onAbort, { once: true })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t))
  child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  signal.removeEventListener('abort', onAbort)
  signal.throwIfAborted()
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`)
  return parseWrk(out)
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
  }
}

function table(rows: Row[]): string {
  const lines = [
    '| run | tool | requests | req/s | steady req/s | p50 ms | p90 ms | p99 ms | max ms | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  rows.forEach((r, i) => {
    lines.push(
      `| ${i + 1} | ${r.tool} | ${count(r.requests)} | ${perSecond(r.reqPerSec)} | ${perSecond(r.steady)} | ` +
        `${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.errors} |`,
    )
  })
  return lines.join('\n')
}

process.exitCode = await main()
