// `npm run bench:record`: the recorded results the slides show when no live run is at hand (static
// build, PDF). Records every scenario that names the steps it is recorded on (`recordedOn` in
// bench/scenarios.ts, with the reasons for each choice), one step after another, and writes
// bench/results/<scenario>.json (a BenchComparison: the envelope of every recorded file, then every
// result) and bench/results/<scenario>.md.
//
//   npm run bench:record                       every recorded scenario
//   npm run bench:record -- --scenario drill   one of them (or several: --scenario c10k,burst512)
//
// c10k opens 10,000 connections: the run checks `ulimit -n` first and says what to raise.
//
// Real runs only: nothing here edits or smooths a number. Re-record on a quiet machine; the
// machine line under each table (with its load average at the start) says where they came from.

import { kindOf } from '../kinds/kind.ts'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { runComparison } from '../compare.ts'
import { type BenchResult, findScenario, SCENARIOS } from '../index.ts'
import { recordedScenarios } from '../scenarios.ts'
import { REPO_ROOT } from '../repo-root.ts'
import { comparison, markdownReport } from '../report/markdown.ts'
import { comparisonTable } from '../report/table.ts'
import { runnableSteps } from '../server/runnable-steps.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const SCRIPT = 'bench:record'
const RECORDED = recordedScenarios().map((s) => s.name)
const RESULTS_DIR = join(REPO_ROOT, 'bench/results')

async function main(): Promise<number> {
  const { flags } = readFlagsOrExit(SCRIPT, {
    scenario: {
      kind: 'text',
      value: 'NAME[,NAME]',
      help: `record these scenarios only (default: ${RECORDED.join(', ')})`,
    },
    note: {
      kind: 'text',
      value: 'TEXT',
      help: 'said under each table, e.g. "Shared machine: other work was running."',
    },
  })
  const scenarios = flags.scenario === undefined ? RECORDED : flags.scenario.split(',')
  const unknown = scenarios.filter((name) => findScenario(name) === undefined)
  if (unknown.length > 0) {
    console.error(
      `${SCRIPT}: unknown scenario '${unknown[0]}' (known: ${SCENARIOS.map((s) => s.name).join(', ')}) (try --help)`,
    )
    return 2
  }
  // The two await scenarios run one chain size: the first sizes it, the second reuses its n (when
  // they are recorded together, as by default or with --scenario await-trap,await-yield).
  let awaitN: number | undefined
  const signal = stopOnCtrlC('stopping; nothing more is written')
  mkdirSync(RESULTS_DIR, { recursive: true })
  for (const scenario of scenarios) {
    // The command that makes the file again (a note describes one recording, not the command).
    const command = `npm run bench:record${flags.scenario === undefined ? '' : ` -- --scenario ${flags.scenario}`}`
    let results: BenchResult[]
    try {
      results = await recordScenario(scenario, signal, isAwaitChain(scenario) ? awaitN : undefined)
      awaitN ??= results.find((r) => r.awaitChain)?.awaitChain?.n
    } catch (error) {
      clearProgressLine()
      console.error(`${SCRIPT}: ${scenario}: ${error instanceof Error ? error.message : String(error)}`)
      return 1
    }
    if (signal.aborted) return 130
    const doc = comparison(scenario, results, command, flags.note)
    writeFileSync(join(RESULTS_DIR, `${scenario}.json`), `${JSON.stringify(doc, null, 2)}\n`)
    writeFileSync(join(RESULTS_DIR, `${scenario}.md`), markdownReport(doc))
    console.log(`\n${comparisonTable(results)}\n→ bench/results/${scenario}.json, bench/results/${scenario}.md\n`)
  }
  return 0
}

/** The scenario's steps this Node can run, one after another; cpu-mix calibrates once (compare.ts). */
async function recordScenario(scenario: string, signal: AbortSignal, awaitN?: number): Promise<BenchResult[]> {
  const chosen = findScenario(scenario)?.recordedOn ?? 'all'
  const runnable = runnableSteps().filter((s) => chosen === 'all' || chosen.includes(s.id))
  const steps = runnable.map((s) => s.id)
  const printers = steps.map((step) => progressPrinter(`${scenario} step ${step}`))
  const outcome = await runComparison(
    { scenario, steps, ...(awaitN === undefined ? {} : { overrides: { awaitN } }) },
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

/** Whether a scenario is the microtask trap's, whose chain the first step sizes for every step. */
function isAwaitChain(name: string): boolean {
  const scenario = findScenario(name)
  return scenario !== undefined && kindOf(scenario) === 'await-chain'
}

process.exitCode = await main()
