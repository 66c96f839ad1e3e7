// `npm run bench:record`: the recorded results the slides show when no live run is at hand (static
// build, PDF). Runs drill, burst512, hello and cpu-mix against every step in bench/steps.ts that
// the running Node can start, c10k and churn against steps 3 and 6 in both dispatch modes, and
// busy-worker against step 6's three dispatchers, one step after another, and writes
// bench/results/<scenario>.json (a BenchComparison: the envelope of every recorded file, then every
// result) and bench/results/<scenario>.md.
//
//   npm run bench:record                       every scenario (about 8 minutes for 10 servers)
//   npm run bench:record -- --scenario drill   one of them
//
// c10k opens 10,000 connections: the run checks `ulimit -n` first and says what to raise.
//
// Real runs only: nothing here edits or smooths a number. Re-record on a quiet machine; the
// machine line under each table (with its load average at the start) says where they came from.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { runComparison } from '../compare.ts'
import { type BenchResult, SCENARIOS } from '../index.ts'
import { REPO_ROOT } from '../repo-root.ts'
import { comparison, comparisonTable, markdownReport } from '../report.ts'
import { runnableSteps } from '../step-support.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const SCRIPT = 'bench:record'
/**
 * What is recorded, and against which steps: 'all' is every entry of bench/steps.ts this Node can
 * start. c10k and churn compare step 6's two dispatchers with step 3 (one loop); busy-worker
 * needs a server with workers, and compares how step 6's dispatchers place new connections.
 */
export const RECORDED_SCENARIOS: Record<string, readonly string[] | 'all'> = {
  drill: 'all',
  burst512: 'all',
  hello: 'all',
  'cpu-mix': 'all',
  c10k: ['3', '6', '6-kernel'],
  churn: ['3', '6', '6-kernel'],
  'busy-worker': ['6-kernel', '6', '6-least'],
}
const RESULTS_DIR = join(REPO_ROOT, 'bench/results')

async function main(): Promise<number> {
  const { flags } = readFlagsOrExit(SCRIPT, {
    scenario: {
      kind: 'text',
      choices: SCENARIOS.map((s) => s.name),
      value: 'NAME',
      help: `record this scenario only (default: ${Object.keys(RECORDED_SCENARIOS).join(', ')})`,
    },
  })
  const scenarios = flags.scenario === undefined ? Object.keys(RECORDED_SCENARIOS) : [flags.scenario]
  const signal = stopOnCtrlC('stopping; nothing more is written')
  mkdirSync(RESULTS_DIR, { recursive: true })
  for (const scenario of scenarios) {
    const command = `npm run bench:record${flags.scenario === undefined ? '' : ` -- --scenario ${scenario}`}`
    let results: BenchResult[]
    try {
      results = await recordScenario(scenario, signal)
    } catch (error) {
      clearProgressLine()
      console.error(`${SCRIPT}: ${scenario}: ${error instanceof Error ? error.message : String(error)}`)
      return 1
    }
    if (signal.aborted) return 130
    const doc = comparison(scenario, results, command)
    writeFileSync(join(RESULTS_DIR, `${scenario}.json`), `${JSON.stringify(doc, null, 2)}\n`)
    writeFileSync(join(RESULTS_DIR, `${scenario}.md`), markdownReport(doc))
    console.log(`\n${comparisonTable(results)}\n→ bench/results/${scenario}.json, bench/results/${scenario}.md\n`)
  }
  return 0
}

/** The scenario's steps this Node can start, one after another; cpu-mix calibrates once (compare.ts). */
async function recordScenario(scenario: string, signal: AbortSignal): Promise<BenchResult[]> {
  const chosen = RECORDED_SCENARIOS[scenario] ?? 'all'
  const runnable = runnableSteps().filter((s) => chosen === 'all' || chosen.includes(s.id))
  const steps = runnable.map((s) => s.id)
  const printers = steps.map((step) => progressPrinter(`${scenario} step ${step}`))
  const outcome = await runComparison(
    { scenario, steps },
    {
      signal,
      onProgress: (leg, progress) => printers[leg]?.(progress),
      onLegDone: (leg, result) => {
        clearProgressLine()
        console.log(`${scenario} · step ${steps[leg]} (${runnable[leg]?.title}): ${result.summary}`)
      },
    },
  )
  return outcome.results.filter((r) => r !== null)
}

process.exitCode = await main()
