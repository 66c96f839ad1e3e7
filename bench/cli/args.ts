// The flags of `npm run bench` and `npm run bench:all`, read into a `RunInput` (scenarios.ts checks
// the values against the registries and the limits). A bad flag is a `UsageError` with a one-line
// message: the CLI prints it and exits with 2.

import { flagLines, readFlags, UsageError } from '../../examples/shared/flags.ts'
import { DEFAULT_OPEN_SCENARIO, DEFAULT_SCENARIO, DEFAULT_STEP, type RunInput } from '../options.ts'
import { SCENARIOS } from '../scenarios.ts'
import { STEPS } from '../steps.ts'

export { UsageError }

export interface BenchArgs {
  /** `bench:all`: every step in bench/steps.ts, one after another. */
  all: boolean
  input: RunInput
  json: string | null
  markdown: string | null
}

const FLAGS = {
  step: {
    kind: 'text',
    value: 'NAME',
    help: `step to start: ${STEPS.map((s) => s.id).join(', ')} (default ${DEFAULT_STEP})`,
  },
  scenario: {
    kind: 'text',
    value: 'NAME',
    help: `${SCENARIOS.map((s) => s.name).join(' | ')} (default ${DEFAULT_SCENARIO})`,
  },
  connections: {
    kind: 'int',
    help: 'concurrent connections (cpu-mix: CPU connections; open loop: the most it may open)',
  },
  rate: {
    kind: 'number',
    value: 'R',
    help:
      'open loop: R requests/s on a fixed schedule for --duration, latency from when each was due ' +
      `(default scenario ${DEFAULT_OPEN_SCENARIO})`,
  },
  load: {
    kind: 'number',
    value: 'F',
    help: 'overload, load-curve: offer F times what the cores can hash (the rate follows the sized task)',
  },
  requests: { kind: 'int', help: 'stop after this many requests (count-bounded run)' },
  duration: { kind: 'number', value: 'S', help: 'seconds of load (duration-bounded run)' },
  path: { kind: 'text', value: '/P', help: 'the path to load, e.g. /200 (not for cpu-mix)' },
  cap: {
    kind: 'number',
    value: 'S',
    help: "hard time limit of the load, in seconds (default: the scenario's, 10)",
  },
  'cpu-n': { kind: 'int', help: 'cpu-mix: hash rounds per task, instead of calibrating ~60 ms' },
  'await-n': { kind: 'int', help: 'await-trap, await-yield: awaits per request, instead of sizing ~300 ms' },
  url: { kind: 'text', value: 'URL', help: 'benchmark a server that is already running; start nothing' },
  json: { kind: 'text', value: 'FILE', help: 'also write the result(s) to FILE as JSON' },
  markdown: { kind: 'text', value: 'FILE', help: 'also write the table to FILE as Markdown' },
  all: { kind: 'bool', help: 'every step, one after another (npm run bench:all)' },
} as const

/** Flags → `RunInput`. The ranges are checked by `resolveRunOptions`, with the bench's own limits. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { flags: f } = readFlags(argv, FLAGS)
  if (f.all && (f.step !== undefined || f.url !== undefined))
    throw new UsageError('bench:all runs every step: --step and --url do not apply')
  const input: RunInput = {
    step: f.step,
    scenario: f.scenario,
    url: f.url,
    connections: f.connections,
    requests: f.requests,
    durationS: f.duration,
    path: f.path,
    capS: f.cap,
    cpuN: f['cpu-n'],
    rate: f.rate,
    capacityFactor: f.load,
    awaitN: f['await-n'],
  }
  // Only the flags that were given: the others come from the scenario.
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as RunInput
  return { all: f.all, input: given, json: f.json ?? null, markdown: f.markdown ?? null }
}

export function benchUsage(): string {
  const lines = [
    'usage: npm run bench -- [flags]        one scenario against one step (default: step 3, drill)',
    '       npm run bench -- --rate R --duration S [--path P]   open loop: R req/s on a fixed schedule',
    '       npm run bench:all -- [flags]    the scenario against every step, one comparison table',
    '',
    ...flagLines(FLAGS, 20),
    '',
    'Scenarios:',
  ]
  for (const s of SCENARIOS) lines.push(`  ${s.name.padEnd(10)} ${s.title}`)
  return lines.join('\n')
}
