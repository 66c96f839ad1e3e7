// `npm run bench:crosscheck`: the harness against wrk on one step-3 server, load by load, the two
// tools alternating (the loads, the parsing and the verdict are in ../crosscheck.ts). Writes
// bench/results/crosscheck.json (the envelope of every recorded file, then each load's runs) and
// bench/results/crosscheck.md, written from it.
//
//   npm run bench:crosscheck
//   npm run bench:crosscheck -- --note "Shared machine: other work was running."

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { adopt, stopChild } from '../server/child-processes.ts'
import {
  agreement,
  CROSSCHECK,
  type CrossCheck,
  type CrossCheckLoad,
  type CrossCheckSection,
  crosscheckMarkdown,
  LOADS,
  parseWrk,
  type Row,
  WRK,
  wrkArgs,
} from '../tools/crosscheck.ts'
import { ms, perSecond } from '../format.ts'
import { findStep, runScenario } from '../index.ts'
import { newEnvelope } from '../server/machine.ts'
import { REPO_ROOT } from '../repo-root.ts'
import { startServer } from '../server/server-process.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const SCRIPT = 'bench:crosscheck'
const LUA = join(REPO_ROOT, 'bench/cli/wrk-paced.lua')
const RESULTS = join(REPO_ROOT, 'bench/results')

async function main(): Promise<number> {
  const { flags } = readFlagsOrExit(SCRIPT, {
    note: { kind: 'text', value: 'TEXT', help: 'said under the title, e.g. "Shared machine: other work was running."' },
  })
  if (!existsSync(WRK)) {
    console.error(`${SCRIPT}: ${WRK} not found (apt-get install -y wrk)`)
    return 1
  }
  const signal = stopOnCtrlC()
  // The machine as the check starts (its load average included).
  const envelope = newEnvelope(CROSSCHECK, 'npm run bench:crosscheck', flags.note)
  const server = await startServer(findStep('3')!, [])
  const sections: CrossCheckSection[] = []
  try {
    for (const load of LOADS) sections.push(await runLoad(load, server.url, signal))
  } catch (error) {
    clearProgressLine()
    if (signal.aborted) return 130
    console.error(`${SCRIPT}: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await server.stop()
  }
  const doc: CrossCheck = { ...envelope, sections }
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, 'crosscheck.json'), `${JSON.stringify(doc, null, 2)}\n`)
  writeFileSync(join(RESULTS, 'crosscheck.md'), crosscheckMarkdown(doc))
  console.log(`\n${crosscheckMarkdown(doc)}→ bench/results/crosscheck.json, bench/results/crosscheck.md`)
  return 0
}

async function runLoad(load: CrossCheckLoad, url: string, signal: AbortSignal): Promise<CrossCheckSection> {
  const rows: Row[] = []
  for (const tool of load.order) {
    signal.throwIfAborted()
    const row = tool === 'harness' ? await harness(url, load, signal) : await wrk(url, load, signal)
    rows.push(row)
    console.log(
      `${load.name} · ${row.tool}: ${perSecond(row.reqPerSec)} req/s, p50 ${ms(row.p50)} ms, p99 ${ms(row.p99)} ms`,
    )
  }
  const { input: _input, order: _order, ...described } = load
  return { load: described, rows, agreement: load.kind === 'open' ? agreement(rows) : null }
}

async function harness(url: string, load: CrossCheckLoad, signal: AbortSignal): Promise<Row> {
  const r = await runScenario({ ...load.input, url }, { onProgress: progressPrinter('harness'), signal })
  clearProgressLine()
  const m = r.metrics
  return {
    tool: 'harness',
    requests: m.completed,
    reqPerSec: m.throughput ?? 0,
    steady: load.kind === 'closed' ? m.steadyThroughput : null,
    p50: m.latency?.p50 ?? null,
    p90: m.latency?.p90 ?? null,
    p99: m.latency?.p99 ?? null,
    max: m.latency?.max ?? null,
    errors: `${m.errors}/${m.timeouts}/${m.non2xx}`,
    late: r.generator?.open?.late ?? null,
    service: m.serviceTime ? { p50: m.serviceTime.p50, p99: m.serviceTime.p99 } : null,
  }
}

async function wrk(url: string, load: CrossCheckLoad, signal: AbortSignal): Promise<Row> {
  const child = spawn(WRK, wrkArgs(load, url, LUA), { stdio: ['ignore', 'pipe', 'pipe'] })
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

process.exitCode = await main()
