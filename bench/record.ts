// `npm run bench:record`: the recorded results the slides fall back on when no live server is
// available (static build, PDF). Runs drill, burst512, hello and cpu-mix against every step in
// bench/steps.ts, one step after another, and writes bench/results/<scenario>.json (a
// BenchComparison: machine info, the command, every result) and bench/results/<scenario>.md.
//
//   npm run bench:record                       all four scenarios (about 2 minutes for 3 steps)
//   npm run bench:record -- --scenario drill   one of them
//
// Real runs only: nothing here edits or smooths a number. Re-record on a quiet machine; the
// machine line under each table (with its load average at the start) says where they came from.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BenchOptionError, findScenario, runScenario, STEPS, type BenchResult } from './index.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'
import { comparison, comparisonTable, markdownReport } from './report.ts'
import { REPO_ROOT } from './steps.ts'

export const RECORDED_SCENARIOS = ['drill', 'burst512', 'hello', 'cpu-mix'] as const
const RESULTS_DIR = join(REPO_ROOT, 'bench/results')

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  let scenarios: string[] = [...RECORDED_SCENARIOS]
  if (argv.length > 0) {
    const [flag, value, ...rest] = argv
    if (flag !== '--scenario' || value === undefined || rest.length > 0 || !findScenario(value)) {
      console.error('bench:record: usage: npm run bench:record [-- --scenario NAME]')
      return 2
    }
    scenarios = [value]
  }

  const controller = new AbortController()
  let interrupted = false
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130)
    interrupted = true
    process.stderr.write('\nstopping; nothing more is written (Ctrl-C again to quit at once)…\n')
    controller.abort()
  })

  mkdirSync(RESULTS_DIR, { recursive: true })
  let cpuN: number | undefined
  for (const scenario of scenarios) {
    const results: BenchResult[] = []
    for (const step of STEPS) {
      if (interrupted) return 130
      try {
        const result = await runScenario(
          { scenario, step: step.id, ...(scenario === 'cpu-mix' && cpuN !== undefined ? { cpuN } : {}) },
          { onProgress: progressPrinter(`${scenario} step ${step.id}`), signal: controller.signal },
        )
        clearProgressLine()
        if (result.endedBy === 'aborted') return 130
        // cpu-mix: one calibration, the same task for every step.
        if (result.cpu) cpuN = result.cpu.n
        results.push(result)
        console.log(`${scenario} · step ${step.id} (${step.title}): ${result.summary}`)
      } catch (error) {
        clearProgressLine()
        console.error(
          `bench:record: ${scenario} on step ${step.id}: ${error instanceof Error ? error.message : String(error)}`,
        )
        return error instanceof BenchOptionError ? 2 : 1
      }
    }
    const doc = comparison(
      scenario,
      results,
      `npm run bench:record${scenarios.length === 1 ? ` -- --scenario ${scenario}` : ''}`,
    )
    writeFileSync(join(RESULTS_DIR, `${scenario}.json`), JSON.stringify(doc, null, 2) + '\n')
    writeFileSync(join(RESULTS_DIR, `${scenario}.md`), markdownReport(doc))
    console.log(`\n${comparisonTable(results)}\n→ bench/results/${scenario}.json, bench/results/${scenario}.md\n`)
  }
  return 0
}

process.exitCode = await main()
