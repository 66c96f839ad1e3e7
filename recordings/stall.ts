// `npm run stall:record`: one stall of step 3's event loop, measured by a closed loop and by an
// open loop, recorded in recordings/stall.json for the slide "How we measure"
// (components/StallBothWays.vue renders it).
//
// One step-3 server; each run sends one ~500 ms `/cpu` task 0.8 s into the load (bench/tools/stall.ts),
// which step 3 hashes on its event loop:
//   closed loop: autocannon, 4 connections of `/0` for 3 s (the `hello` scenario, smaller);
//   open loop:   200 req/s of `/0` for 3 s on a fixed schedule (`--rate 200`).
// Real runs only: every number in the file comes from these two runs.
//
//   npm run stall:record
//   npm run stall:record -- --note "Shared machine: other work was running."

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readFlagsOrExit } from '../examples/shared/flags.ts'
import { duration } from '../bench/format.ts'
import type { RunInput } from '../bench/index.ts'
import { newEnvelope } from '../bench/server/machine.ts'
import type { Recording } from '../bench/recording.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { timeRequest } from '../bench/load/one-get.ts'
import { startServer } from '../bench/server/server-process.ts'
import { runWithStall, STALL_AT_MS, type StalledRun, stallPath } from '../bench/tools/stall.ts'
import { findStep } from '../bench/steps.ts'
import type { LatencySummary } from '../bench/types.ts'

const OUTPUT = join(REPO_ROOT, 'recordings/stall.json')
const SCHEMA = 'stall/1'
const DURATION_S = 3
const RUNS: { loop: 'closed' | 'open'; input: RunInput }[] = [
  { loop: 'closed', input: { scenario: 'hello', connections: 4, durationS: DURATION_S } },
  { loop: 'open', input: { rate: 200, durationS: DURATION_S, path: '/0' } },
]

/** One run of the stall, as the slide shows it. */
export interface StallFigures {
  loop: 'closed' | 'open'
  /** Closed loop: its connections; open loop: the most it may open. */
  connections: number
  /** Open loop: the offered rate; null for the closed loop. */
  ratePerSec: number | null
  durationS: number
  answered: number
  unanswered: number
  /** Closed: from each send. Open: from when each request was due. */
  latency: LatencySummary
  /** Open loop: from when each request left (what a closed-loop tool would report). */
  serviceTime: LatencySummary | null
  /** How long the stall request took, sent to answered: how long the loop stood still. */
  stallMs: number
}

export type StallRecord = Recording<
  typeof SCHEMA,
  { step: string; stallPath: string; stallAtMs: number; runs: StallFigures[] }
>

function figures(loop: 'closed' | 'open', { result, stallMs }: StalledRun): StallFigures {
  const m = result.metrics
  if (m.latency === null) throw new Error(`the ${loop} loop got no answers`)
  return {
    loop,
    connections: result.options.connections,
    ratePerSec: result.options.open?.ratePerSec ?? null,
    durationS: result.options.durationS ?? DURATION_S,
    answered: m.completed,
    unanswered: m.unanswered,
    latency: m.latency,
    serviceTime: m.serviceTime,
    stallMs,
  }
}

async function main(): Promise<void> {
  const { flags } = readFlagsOrExit('stall:record', {
    note: {
      kind: 'text',
      value: 'TEXT',
      help: 'said with the recording, e.g. "Shared machine: other work was running."',
    },
  })
  const envelope = newEnvelope(SCHEMA, 'npm run stall:record', flags.note)
  const server = await startServer(findStep('3')!)
  try {
    const stall = stallPath(500)
    await timeRequest(`${server.url}/cpu/1000000`) // the server's hash loop compiled, as in the runs
    const runs: StallFigures[] = []
    for (const { loop, input } of RUNS) {
      const run = figures(loop, await runWithStall(server.url, input, stall))
      runs.push(run)
      console.log(
        `${loop} loop: ${run.answered} answers, p50 ${duration(run.latency.p50)}, p99 ${duration(run.latency.p99)}, ` +
          `max ${duration(run.latency.max)}; the stall took ${duration(run.stallMs)}`,
      )
    }
    const record: StallRecord = { ...envelope, step: '3', stallPath: stall, stallAtMs: STALL_AT_MS, runs }
    writeFileSync(OUTPUT, `${JSON.stringify(record, null, 2)}\n`)
    console.log('→ recordings/stall.json')
  } finally {
    await server.stop()
  }
}

await main()
