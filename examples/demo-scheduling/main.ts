// `npm run demo:scheduling`: three schedulers race on the same CPU jobs.
//
// N worker threads (default: one per core, 2 to 4) run one skewed job set (jobs.ts) three times:
// from one global queue, from a queue per worker filled round-robin, and from the same queues
// with work stealing (deque.mjs). It prints each scheduler's makespan, each worker's jobs, busy
// and idle time, steals and failed steal attempts, and how work stealing compares with the other
// two. `--json` prints the same as JSON, with every job's start and end; `--record` writes it to
// recordings/scheduling.json for the slide; `--check` exits 1 when a ratio misses its target;
// `--events` prints the race as it happens, one JSON line per event (events.ts), for the deck's
// live run.
//
// This file only reads the flags and hands over to demo.ts.

import { availableParallelism } from 'node:os'
import { readFlagsOrExit, usageHeader } from '../shared/flags.ts'
import { DEFAULT_SEED } from './jobs.ts'
import { LABELS } from './messages.ts'
import { meetsTargets } from './race.ts'
import { toJson, writeRecording } from './recording.ts'
import { formatReport } from './report.ts'
import { runDemo } from './demo.ts'
import { eventLine, type RaceEvent } from './events.ts'
import type { Heat } from './run.ts'

// One worker per core: each worker's busy time is then a core's time, not a share the OS slices.
// At least 2 (one worker has nothing to balance), at most 4 unless the machine has more cores.
const MAX_WORKERS = Math.max(4, availableParallelism())
const DEFAULT_WORKERS = Math.min(4, Math.max(2, availableParallelism()))

const FLAGS = {
  workers: {
    kind: 'int',
    default: DEFAULT_WORKERS,
    min: 2,
    max: MAX_WORKERS,
    help: `worker threads, 2 to ${MAX_WORKERS}; by default one per core, at most 4`,
  },
  ms: {
    kind: 'int',
    default: 1200,
    min: 100,
    max: 5000,
    help: 'the ideal makespan: how long the job set takes shared out perfectly, 100 to 5000',
  },
  seed: { kind: 'int', default: DEFAULT_SEED, min: 1, max: 0xffffffff, help: "the job set's seed" },
  rounds: {
    kind: 'int',
    min: 1,
    max: 9,
    help: 'run the three heats N times, in rotated order; ratios are the median (default 1, at most 9)',
  },
  check: { kind: 'bool', help: 'exit 1 if a median ratio misses its target (5 rounds unless --rounds says otherwise)' },
  json: { kind: 'bool', help: 'print the result as JSON instead of a table' },
  events: { kind: 'bool', help: 'print the race as it happens instead, one JSON line per event (for the deck)' },
  record: { kind: 'bool', help: 'also write recordings/scheduling.json' },
} as const

interface Flags {
  workers: number
  ms: number
  seed: number
  rounds: number
  check: boolean
  json: boolean
  events: boolean
  record: boolean
}

function flags(): Flags {
  const { flags: f } = readFlagsOrExit('demo:scheduling', FLAGS, { usage: usageHeader('demo:scheduling') })
  if (f.events && f.json) {
    console.error('demo:scheduling: --events and --json both print JSON: give one of them (try --help)')
    process.exit(2)
  }
  // A check is a benchmark: several rounds, so one disturbed heat does not decide it.
  return { ...f, rounds: f.rounds ?? (f.check ? 5 : 1) }
}

/** A finished heat as `--events` says it: what the picture needs, not the per-worker statistics. */
function pick(heat: Heat): Omit<Extract<RaceEvent, { type: 'heat-done' }>, 'type'> {
  const { scheduler, makespanMs, steals, failedSteals, lanes } = heat
  return { scheduler, makespanMs, steals, failedSteals, lanes }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const f = flags()
  const command = `npm run demo:scheduling${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
  const quiet = f.json || f.events
  const emit = (event: RaceEvent) => console.log(eventLine(event))
  if (!quiet) console.log(`${f.workers} worker threads, three schedulers, the same jobs ...`)
  const recording = await runDemo({
    workers: f.workers,
    seed: f.seed,
    targetMs: f.ms,
    rounds: f.rounds,
    command,
    onHeat: f.events
      ? (heat) => emit({ type: 'heat-done', ...pick(heat) })
      : f.json
        ? undefined
        : (heat, round) => console.log(`  ${f.rounds > 1 ? `round ${round + 1}: ` : ''}${LABELS[heat.scheduler]} done`),
    onJobSet: f.events
      ? (jobSet) => emit({ type: 'jobs', workers: jobSet.workers, jobs: jobSet.units.length, long: jobSet.long })
      : undefined,
    watcher: f.events
      ? {
          onHeatStart: (scheduler, round) => emit({ type: 'heat', scheduler, label: LABELS[scheduler], round }),
          onProgress: (scheduler, lanes, t) => emit({ type: 'progress', scheduler, t, lanes }),
        }
      : undefined,
  })
  if (f.events) emit({ type: 'done', ratios: recording.ratios })
  if (f.json) console.log(toJson(recording))
  else if (!f.events) console.log(`\n${formatReport(recording)}`)
  if (f.record) {
    writeRecording(recording)
    if (!quiet) console.log('\nrecorded in recordings/scheduling.json')
  }
  if (f.check) {
    const met = meetsTargets(recording.ratios)
    if (!met.perWorker || !met.global) process.exitCode = 1
  }
}

main().catch((error: Error) => {
  console.error(`demo:scheduling: ${error.message}`)
  process.exit(1)
})
