// The bench's command-line flags, parsed into a `RunInput` (scenarios.ts checks the values).
// A bad flag is a `UsageError` with a one-line message: the CLI prints it and exits with 2.

import { UsageError } from '../examples/shared/cli.ts'
import { DEFAULT_SCENARIO, DEFAULT_STEP, SCENARIOS, type RunInput } from './scenarios.ts'
import { STEPS } from './steps.ts'

export { UsageError }

export interface BenchArgs {
  /** `bench:all`: every step in bench/steps.ts, one after another. */
  all: boolean
  input: RunInput
  json: string | null
  markdown: string | null
  help: boolean
}

type Kind = 'int' | 'seconds' | 'text'
const FLAGS: Record<string, { kind: Kind; key?: keyof RunInput; help: string }> = {
  step: {
    kind: 'text',
    key: 'step',
    help: `step to start: ${STEPS.map((s) => s.id).join(', ')} (default ${DEFAULT_STEP})`,
  },
  scenario: {
    kind: 'text',
    key: 'scenario',
    help: `${SCENARIOS.map((s) => s.name).join(' | ')} (default ${DEFAULT_SCENARIO})`,
  },
  connections: { kind: 'int', key: 'connections', help: 'concurrent connections (cpu-mix: CPU connections)' },
  requests: { kind: 'int', key: 'requests', help: 'stop after this many requests (count-bounded run)' },
  duration: { kind: 'seconds', key: 'durationS', help: 'seconds of load (duration-bounded run)' },
  path: { kind: 'text', key: 'path', help: 'the path to load, e.g. /200 (not for cpu-mix)' },
  cap: { kind: 'seconds', key: 'capS', help: "hard time limit of the load, in seconds (default: the scenario's, 10)" },
  'cpu-n': { kind: 'int', key: 'cpuN', help: 'cpu-mix: hash rounds per task, instead of calibrating ~60 ms' },
  url: { kind: 'text', key: 'url', help: 'benchmark a server that is already running; start nothing' },
  json: { kind: 'text', help: 'also write the result(s) to FILE as JSON' },
  markdown: { kind: 'text', help: 'also write the table to FILE as Markdown' },
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { all: false, input: {}, json: null, markdown: null, help: false }
  const input: Record<string, string | number> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') {
      args.help = true
      continue
    }
    if (arg === '--all') {
      args.all = true
      continue
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`)
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    const spec = FLAGS[name]
    if (!spec) throw new UsageError(`unknown flag --${name}`)
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`)
    if (name === 'json') args.json = value
    else if (name === 'markdown') args.markdown = value
    else input[spec.key!] = parseValue(name, spec.kind, value)
  }
  args.input = input as RunInput
  if (args.all && (args.input.step !== undefined || args.input.url !== undefined)) {
    throw new UsageError('bench:all runs every step: --step and --url do not apply')
  }
  return args
}

function parseValue(name: string, kind: Kind, text: string): string | number {
  if (kind === 'text') {
    if (text === '') throw new UsageError(`--${name} needs a value`)
    return text
  }
  const pattern = kind === 'int' ? /^\d+$/ : /^\d+(\.\d+)?$/
  if (!pattern.test(text))
    throw new UsageError(`--${name} must be a ${kind === 'int' ? 'whole number' : 'number of seconds'}, got '${text}'`)
  return Number(text)
}

export function benchUsage(): string {
  const lines = [
    'usage: npm run bench -- [flags]        one scenario against one step (default: step 3, drill)',
    '       npm run bench:all -- [flags]    the scenario against every step, one comparison table',
    '',
  ]
  for (const [name, spec] of Object.entries(FLAGS)) {
    const left = `--${name} ${spec.kind === 'int' ? 'N' : spec.kind === 'seconds' ? 'S' : name === 'path' ? '/P' : name === 'url' ? 'URL' : name === 'json' || name === 'markdown' ? 'FILE' : 'NAME'}`
    lines.push(`  ${left.padEnd(20)} ${spec.help}`)
  }
  lines.push('', 'Scenarios:')
  for (const s of SCENARIOS) lines.push(`  ${s.name.padEnd(10)} ${s.title}`)
  return lines.join('\n')
}
