// `npm run bench:record`: the recorded results the slides show when no live run is at hand (static
// build, PDF). Runs drill, burst512, hello and cpu-mix against every step in bench/steps.ts that
// this Node can start, c10k against steps 2 to 6 (both of step 6's dispatchers), churn against
// steps 3 and 6 in both dispatch modes, busy-worker against step 6's three dispatchers, the
// microtask trap (await-trap, await-yield) against step 3, the only step that serves it, and
// overload against the four servers that keep a line of CPU work (step 2's pool of 8, step 5 at
// both caps, piscina), one step after another; writes bench/results/<scenario>.json (a
// BenchComparison: the envelope of every recorded file, then every result) and
// bench/results/<scenario>.md.
//
//   npm run bench:record                       every scenario
//   npm run bench:record -- --scenario drill   one of them (or several: --scenario c10k,burst512)
//
// c10k opens 10,000 connections: the run checks `ulimit -n` first and says what to raise.
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
import { REPO_ROOT } from '../repo-root.ts'
import { comparison, markdownReport } from '../report/markdown.ts'
import { comparisonTable } from '../report/table.ts'
import { runnableSteps } from '../server/runnable-steps.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const SCRIPT = 'bench:record'
/**
 * What is recorded, and against which steps: 'all' is every entry of bench/steps.ts this Node can
 * start. c10k on steps 2 to 6 (step 1 would serve its 10,000 clients one a second; the slides
 * compare the ways of waiting, and step 6's two dispatchers with step 3's one loop); churn compares
 * step 6's dispatchers with step 3; busy-worker needs a server with workers, and compares how step
 * 6's dispatchers place new connections; the microtask trap on step 3, whose routes the others
 * answer with 404; overload on the servers with a line of CPU work: steps 1, 3 and 4 hash on their
 * loop and would only show a backlog cut by the cap, and step 2 per request would start a thread
 * for each of 200 arrivals a second.
 */
export const RECORDED_SCENARIOS: Record<string, readonly string[] | 'all'> = {
  drill: 'all',
  burst512: 'all',
  hello: 'all',
  'cpu-mix': 'all',
  c10k: ['2', '3', '4', '5', '6', '6-kernel'],
  churn: ['3', '6', '6-kernel'],
  'busy-worker': ['6-kernel', '6', '6-least'],
  'await-trap': ['3'],
  'await-yield': ['3'],
  overload: ['2-pool', '5', '5-spare-core', 'piscina'],
}
const RESULTS_DIR = join(REPO_ROOT, 'bench/results')

async function main(): Promise<number> {
  const { flags } = readFlagsOrExit(SCRIPT, {
    scenario: {
      kind: 'text',
      value: 'NAME[,NAME]',
      help: `record these scenarios only (default: ${Object.keys(RECORDED_SCENARIOS).join(', ')})`,
    },
    note: {
      kind: 'text',
      value: 'TEXT',
      help: 'said under each table, e.g. "Shared machine: other work was running."',
    },
  })
  const scenarios = flags.scenario === undefined ? Object.keys(RECORDED_SCENARIOS) : flags.scenario.split(',')
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
  const chosen = RECORDED_SCENARIOS[scenario] ?? 'all'
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

process.exitCode = await main()

/** Whether a scenario is the microtask trap's, whose chain the first step sizes for every step. */
function isAwaitChain(name: string): boolean {
  const scenario = findScenario(name)
  return scenario !== undefined && kindOf(scenario) === 'await-chain'
}
