// `npm run bench` and `npm run bench:all`: the bench library on the command line.
//
//   npm run bench -- --step 3 --scenario drill       one run, a summary, step 3's target checked
//   npm run bench:all -- --scenario burst512         every step, one comparison table
//
// A live progress line on a terminal (plain lines when piped), results on stdout, progress on
// stderr. Ctrl-C stops the run at once, kills the server and the generator, and still prints what
// was measured (exit 130); a second Ctrl-C exits without waiting. Bad flags: one line, exit 2.

import { writeFileSync } from 'node:fs'
import { orExit, UsageError } from '../../examples/shared/flags.ts'
import { runComparison } from '../compare.ts'
import {
  BenchOptionError,
  type BenchResult,
  DEFAULT_OPEN_SCENARIO,
  DEFAULT_SCENARIO,
  findScenario,
  resolveRunOptions,
  runScenario,
} from '../index.ts'
import { machineLine } from '../recording.ts'
import { runnableSteps } from '../server/runnable-steps.ts'
import { comparison, markdownReport } from '../report/markdown.ts'
import { resultText } from '../report/run-text.ts'
import { comparisonTable, tableNotes } from '../report/table.ts'
import { targetLines } from '../report/targets.ts'
import { type BenchArgs, benchUsage, parseBenchArgs } from './args.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const SCRIPT = 'bench'

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  const args = orExit(SCRIPT, argv, benchUsage, () => checkedArgs(argv))
  const signal = stopOnCtrlC()
  let results: BenchResult[]
  try {
    results = args.all ? await runAll(args, signal) : [await runOne(args, signal)]
  } catch (error) {
    clearProgressLine()
    console.error(`${SCRIPT}: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
  if (args.all && results.length > 0) printComparison(results)
  const first = results[0]
  if (first !== undefined && (args.json || args.markdown)) {
    const given = argv.filter((a) => a !== '--all').join(' ')
    const doc = comparison(first.scenario, results, `npm run ${args.all ? 'bench:all' : 'bench'} -- ${given}`.trim())
    if (args.json) writeFileSync(args.json, `${JSON.stringify(doc, null, 2)}\n`)
    if (args.markdown) writeFileSync(args.markdown, markdownReport(doc))
  }
  return signal.aborted ? 130 : 0
}

/** The flags, and every run they ask for checked before anything starts. */
function checkedArgs(argv: readonly string[]): BenchArgs {
  const args = parseBenchArgs(argv)
  try {
    for (const step of args.all ? runnableSteps().map((s) => s.id) : [args.input.step])
      resolveRunOptions(step === undefined ? args.input : { ...args.input, step })
  } catch (error) {
    throw error instanceof BenchOptionError ? new UsageError(error.message) : error
  }
  return args
}

async function runOne(args: BenchArgs, signal: AbortSignal): Promise<BenchResult> {
  const label = args.input.url ?? `step ${args.input.step ?? '3'}`
  const result = await runScenario(args.input, { onProgress: progressPrinter(label), signal })
  clearProgressLine()
  console.log(resultText(result))
  return result
}

async function runAll(args: BenchArgs, signal: AbortSignal): Promise<BenchResult[]> {
  const { scenario = args.input.rate === undefined ? DEFAULT_SCENARIO : DEFAULT_OPEN_SCENARIO, ...overrides } =
    args.input
  const steps = runnableSteps().map((s) => s.id)
  const printers = steps.map((step) => progressPrinter(`step ${step}`))
  const outcome = await runComparison(
    { scenario, steps, overrides },
    {
      signal,
      onProgress: (leg, progress) => printers[leg]?.(progress),
      onLegDone: (leg, result) => {
        clearProgressLine()
        console.log(`step ${steps[leg]}: ${result.summary}`)
      },
    },
  )
  return outcome.results.filter((r) => r !== null)
}

function printComparison(results: BenchResult[]): void {
  const [first] = results
  if (first === undefined) return
  console.log(`\n${first.scenario} on ${machineLine(first.machine)}\n`)
  console.log(comparisonTable(results))
  console.log('')
  for (const note of tableNotes(results)) console.log(`- ${note}`)
  const targets = targetLines(results)
  const step = findScenario(first.scenario)?.target?.step
  if (targets.length) console.log(`\nstep ${step}'s target:\n${targets.map((t) => `  ${t}`).join('\n')}`)
}

process.exitCode = await main()
