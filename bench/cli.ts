// `npm run bench` and `npm run bench:all`: the bench library on the command line.
//
//   npm run bench -- --step 3 --scenario drill       one run, a summary, the issue's target check
//   npm run bench:all -- --scenario burst512         every step, one comparison table
//
// A live progress line on a terminal (plain lines when piped), results on stdout, progress on
// stderr. Ctrl-C stops the run at once, kills the server and the generator, and still prints what
// was measured (exit 130); a second Ctrl-C exits without waiting. Bad flags: one line, exit 2.

import { writeFileSync } from 'node:fs'
import { benchUsage, parseBenchArgs, UsageError, type BenchArgs } from './cli-args.ts'
import { BenchOptionError, resolveRunOptions, runScenario, STEPS, type BenchResult, type RunInput } from './index.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'
import {
  comparison,
  comparisonTable,
  machineLine,
  markdownReport,
  resultText,
  tableNotes,
  targetLines,
} from './report.ts'

const SCRIPT = 'bench'

async function main(): Promise<number> {
  let args: BenchArgs
  try {
    args = parseBenchArgs(process.argv.slice(2))
    if (args.help) {
      console.log(benchUsage())
      return 0
    }
    // Check every option before starting anything.
    for (const step of args.all ? STEPS.map((s) => s.id) : [undefined])
      resolveRunOptions(step ? { ...args.input, step } : args.input)
  } catch (error) {
    if (error instanceof UsageError || error instanceof BenchOptionError) {
      console.error(`${SCRIPT}: ${error.message} (try --help)`)
      return 2
    }
    throw error
  }

  const controller = new AbortController()
  let interrupted = false
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130) // the exit handler in child-processes.ts kills the children
    interrupted = true
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n')
    controller.abort()
  })

  const inputs: RunInput[] = args.all ? STEPS.map((s) => ({ ...args.input, step: s.id })) : [args.input]
  const results: BenchResult[] = []
  try {
    for (const input of inputs) {
      if (interrupted) break
      // cpu-mix: calibrate once, then give every step the same task.
      const cpuN = input.cpuN ?? results.find((r) => r.cpu)?.cpu?.n
      const result = await runScenario(
        cpuN !== undefined && input.scenario === 'cpu-mix' ? { ...input, cpuN } : input,
        {
          onProgress: progressPrinter(label(input)),
          signal: controller.signal,
        },
      )
      clearProgressLine()
      results.push(result)
      console.log(args.all ? `${label(input)}: ${result.summary}` : resultText(result))
    }
  } catch (error) {
    clearProgressLine()
    console.error(`${SCRIPT}: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }

  if (results.length > 0) {
    const scenario = results[0]!.scenario
    const command = `npm run ${args.all ? 'bench:all' : 'bench'} -- ${process.argv
      .slice(2)
      .filter((a) => a !== '--all')
      .join(' ')}`.trim()
    if (args.all) {
      console.log(`\n${scenario} on ${machineLine(results[0]!.machine)}\n`)
      console.log(comparisonTable(results))
      console.log('')
      for (const note of tableNotes(results)) console.log(`- ${note}`)
      const targets = targetLines(results)
      if (targets.length) console.log(`\nissue #3 target:\n${targets.map((t) => `  ${t}`).join('\n')}`)
    }
    const doc = comparison(scenario, results, command)
    if (args.json) writeFileSync(args.json, JSON.stringify(args.all ? doc : results[0], null, 2) + '\n')
    if (args.markdown) writeFileSync(args.markdown, markdownReport(doc))
  }
  return interrupted ? 130 : 0
}

function label(input: RunInput): string {
  return input.url ?? `step ${input.step ?? '3'}`
}

process.exitCode = await main()
