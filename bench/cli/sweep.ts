// `npm run bench:sweep`: the load curve of one step or several, on the command line (bench/sweep.ts
// runs it). Each leg is a short open-loop run at one offered rate on a fresh server; a table per
// step, and with --record bench/results/sweep-<workload>.json and .md (in the envelope of every
// recorded file).
//
//   npm run bench:sweep -- --step 5                   ~20 ms /cpu tasks, a quarter of a core to past every core
//   npm run bench:sweep -- --step 3 --path /10 --rates 100,1000,4000
//   npm run bench:sweep -- --record                   steps 1, 3 and 5, one task size for all
//
// Each leg's fresh server first answers SWEEP_WARM_UP_REQUESTS untimed requests, and a leg runs
// long enough for about MIN_SAMPLES latencies at its rate, so that its p99 is a percentile and not
// the cold first request. Bounded: each leg runs at least --duration seconds (default 3), at most
// MAX_LEG_S, with a cap --cap − --duration (default 3 s) past its own duration; a leg the cap cuts,
// or that leaves requests unanswered, ends that step's sweep. Ctrl-C stops at once and
// writes nothing. Bad flags: one line, exit 2.

import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { flagLines, orExit, readFlags, UsageError } from '../../examples/shared/flags.ts'
import { BenchOptionError, findStep, resolveRunOptions, type RunInput } from '../index.ts'
import { newEnvelope } from '../server/machine.ts'
import { REPO_ROOT } from '../repo-root.ts'
import { runSweep, SWEEP_WARM_UP_REQUESTS, type SweepOutcome, sweepLoads } from '../sweep.ts'
import {
  BENCH_SWEEP,
  type BenchSweep,
  coreRateOf,
  type SweepCurve,
  sweepMarkdown,
  sweepPoint,
  sweepTable,
  workloadOf,
} from '../report/sweep-result.ts'
import type { CpuCalibration } from '../types.ts'
import { stopOnCtrlC } from './interrupt.ts'
import { clearProgressLine, progressPrinter } from './progress-line.ts'

const SCRIPT = 'bench:sweep'
/** The sized `/cpu` task's scenario, and the open loop a `--path` sweep runs. */
const CPU_SCENARIO = 'load-curve'
const PATH_SCENARIO = 'paced'
/** What `--record` records without `--step`: the three knees of the talk. */
const RECORDED_STEPS = ['1', '3', '5']

const FLAGS = {
  step: {
    kind: 'text',
    value: 'ID[,ID]',
    help: 'the step(s) to sweep, one after another (default 3; --record: 1,3,5)',
  },
  path: { kind: 'text', value: '/P', help: 'load this path instead of sized /cpu tasks (needs --rates)' },
  rates: { kind: 'text', value: 'R,R,…', help: 'offered rates in requests/s, low to high' },
  loads: {
    kind: 'text',
    value: 'F,F,…',
    help: "sized /cpu tasks: offered loads in one core's worth of tasks/s (default: 0.25 … 1.4 × the cores)",
  },
  duration: { kind: 'number', value: 'S', help: 'least seconds of load per leg; slow legs run longer (default 3)' },
  cap: {
    kind: 'number',
    value: 'S',
    help: 'hard time limit of a --duration leg; a longer leg gets as much past its own (default 6)',
  },
  'cpu-n': { kind: 'int', help: 'hash rounds per task, instead of sizing a ~20 ms task' },
  record: { kind: 'bool', help: 'write bench/results/sweep-<workload>.json and .md' },
  note: { kind: 'text', value: 'TEXT', help: 'with --record: said under each table, e.g. "Shared machine."' },
  json: { kind: 'text', value: 'FILE', help: 'also write the sweep to FILE as JSON' },
} as const

/** Latencies a leg aims for: twice what makes a p99 more than the largest answer. */
const MIN_SAMPLES = 200
/** The longest a slow leg runs to get them. */
const MAX_LEG_S = 20

interface SweepArgs {
  steps: string[]
  path: string | null
  rates: number[] | null
  loads: number[] | null
  durationS: number
  capS: number
  cpuN: number | null
  record: boolean
  note: string | undefined
  json: string | undefined
}

function usage(): string {
  return [
    'usage: npm run bench:sweep -- [--step ID[,ID]] [--path /P --rates R,R,…] [--record]',
    '  one step (or several) at offered rates from low to past capacity, an open-loop run each on a warmed server',
    '',
    ...flagLines(FLAGS, 18),
  ].join('\n')
}

function parseArgs(argv: readonly string[]): SweepArgs {
  const { flags: f } = readFlags(argv, FLAGS)
  const steps = (f.step ?? (f.record ? RECORDED_STEPS.join(',') : '3')).split(',')
  for (const step of steps) if (findStep(step) === undefined) throw new UsageError(`unknown step '${step}'`)
  const list = (name: string, text: string | undefined) => {
    if (text === undefined) return null
    const values = text.split(',').map(Number)
    if (values.some((x) => !Number.isFinite(x) || x <= 0)) throw new UsageError(`--${name} takes positive numbers`)
    if (values.some((x, i) => i > 0 && x <= values[i - 1]!)) throw new UsageError(`--${name} must rise`)
    return values
  }
  const rates = list('rates', f.rates)
  const loads = list('loads', f.loads)
  if (rates && loads) throw new UsageError('give --rates or --loads, not both')
  if (f.path !== undefined && rates === null)
    throw new UsageError('--path needs --rates: its capacity is not sized here')
  if (f.path !== undefined && f['cpu-n'] !== undefined)
    throw new UsageError('--cpu-n sizes the /cpu task: not with --path')
  if (f.note !== undefined && !f.record) throw new UsageError('--note goes with --record')
  const args: SweepArgs = {
    steps,
    path: f.path ?? null,
    rates,
    loads: rates === null ? (loads ?? sweepLoads()) : null,
    durationS: f.duration ?? 3,
    capS: f.cap ?? 6,
    cpuN: f['cpu-n'] ?? null,
    record: f.record,
    note: f.note,
    json: f.json,
  }
  // Every leg's options checked before anything starts (the fastest leg is the one to check).
  try {
    const fastest = rates?.at(-1)
    for (const step of steps) resolveRunOptions({ ...legInput(args, step), ...(fastest ? { rate: fastest } : {}) })
  } catch (error) {
    throw error instanceof BenchOptionError ? new UsageError(error.message) : error
  }
  return args
}

/** What every leg of `step` runs, less its rate (the sweep gives it). */
function legInput(args: SweepArgs, step: string): RunInput & { scenario: string } {
  return {
    scenario: args.path === null ? CPU_SCENARIO : PATH_SCENARIO,
    step,
    durationS: args.durationS,
    capS: args.capS,
    ...(args.path === null ? {} : { path: args.path }),
    ...(args.cpuN === null ? {} : { cpuN: args.cpuN }),
  }
}

/** The command that makes the same file again: the flags given, less the note (it describes one recording). */
function commandOf(argv: readonly string[]): string {
  const kept = argv.filter((a, i) => a !== '--note' && argv[i - 1] !== '--note' && !a.startsWith('--note='))
  return `npm run ${SCRIPT}${kept.length ? ` -- ${kept.join(' ')}` : ''}`
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  const args = orExit(SCRIPT, argv, usage, () => parseArgs(argv))
  const signal = stopOnCtrlC('stopping; nothing is written')
  const envelope = newEnvelope(BENCH_SWEEP, commandOf(argv), args.note)
  const legs = args.rates ?? args.loads ?? []
  const curves: SweepCurve[] = []
  let cpu: CpuCalibration | null = null
  let path: string | null = null
  for (const step of args.steps) {
    const { scenario, ...overrides } = legInput(args, step)
    const printers = legs.map((_, leg) => progressPrinter(`step ${step} · leg ${leg + 1} of ${legs.length}`))
    let outcome: SweepOutcome
    try {
      outcome = await runSweep(
        {
          step,
          scenario,
          ...(args.rates ? { rates: args.rates } : { loads: legs }),
          cpu,
          overrides,
          warmUpRequests: SWEEP_WARM_UP_REQUESTS,
          minSamples: MIN_SAMPLES,
          maxLegS: MAX_LEG_S,
        },
        {
          signal,
          onProgress: (leg, p) => printers[leg]?.(p),
          onLegDone: (_leg, r) => {
            clearProgressLine()
            console.log(`step ${step}: ${r.summary}`)
          },
        },
      )
    } catch (error) {
      clearProgressLine()
      console.error(`${SCRIPT}: step ${step}: ${error instanceof Error ? error.message : String(error)}`)
      return 1
    }
    if (signal.aborted) return 130
    cpu ??= outcome.cpu // sized once: every later step hashes the same task
    const results = outcome.results.filter((r) => r !== null)
    path ??= results[0]?.options.path ?? null
    const curve: SweepCurve = {
      step,
      title: findStep(step)?.title ?? step,
      points: results.map((r) => sweepPoint(r, coreRateOf(outcome.cpu))),
      stoppedBy: outcome.stoppedBy,
    }
    curves.push(curve)
    console.log(`\nstep ${step} ${curve.title}\n${sweepTable(curve.points)}`)
    if (curve.stoppedBy) console.log(`stopped: ${curve.stoppedBy}`)
    console.log('')
  }
  if (path === null) return 1
  const workload = workloadOf(path, args.path === null)
  const doc: BenchSweep = {
    ...envelope,
    workload,
    path,
    cpu,
    coreRate: coreRateOf(cpu),
    cores: availableParallelism(),
    warmUpRequests: SWEEP_WARM_UP_REQUESTS,
    curves,
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify(doc, null, 2)}\n`)
  if (args.record) {
    const dir = join(REPO_ROOT, 'bench/results')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `sweep-${workload}.json`), `${JSON.stringify(doc, null, 2)}\n`)
    writeFileSync(join(dir, `sweep-${workload}.md`), sweepMarkdown(doc))
    console.log(`→ bench/results/sweep-${workload}.json, bench/results/sweep-${workload}.md`)
  }
  return 0
}

process.exitCode = await main()
