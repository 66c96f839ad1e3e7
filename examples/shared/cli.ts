// Command-line flags for the step servers: `--host`, `--port`, `--header-timeout`, plus the flags a
// step adds (`--pool`, `--trace`, ...). A bad flag gets one line on stderr and exit code 2, never a
// stack trace: the audience should see the talk, not our argument parsing.

import { DEFAULT_HEADER_TIMEOUT_MS } from './limits.ts'

export interface IntFlag {
  kind: 'int'
  default: number
  min: number
  max: number
  help: string
}
export interface BoolFlag {
  kind: 'bool'
  help: string
}
/** One word out of a fixed list, e.g. `--dispatch acceptor|kernel`. */
export interface ChoiceFlag {
  kind: 'choice'
  choices: readonly string[]
  default: string
  help: string
}
export type FlagSpec = IntFlag | BoolFlag | ChoiceFlag

type FlagValues<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K] extends IntFlag ? number : S[K] extends ChoiceFlag ? S[K]['choices'][number] : boolean
}

export interface ServerOptions {
  host: string
  port: number
  headerTimeoutMs: number
}

export class UsageError extends Error {}

const DEFAULT_PORT = 6969

/**
 * Parses `argv` (without node and the script). Returns the common server options and the step's
 * own flags. Throws `UsageError` with a one-line message on anything it does not understand.
 */
export function parseFlags<const S extends Record<string, FlagSpec>>(
  argv: readonly string[],
  stepFlags: S,
  env: NodeJS.ProcessEnv = process.env,
): { server: ServerOptions; flags: FlagValues<S> } {
  const portDefault = env.PORT !== undefined ? parseIntFlag('PORT', env.PORT, 0, 65535) : DEFAULT_PORT
  const server: ServerOptions = { host: '127.0.0.1', port: portDefault, headerTimeoutMs: DEFAULT_HEADER_TIMEOUT_MS }
  const flags: Record<string, number | boolean | string> = {}
  for (const [name, spec] of Object.entries(stepFlags)) flags[name] = spec.kind === 'bool' ? false : spec.default

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`)
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)
    const spec = stepFlags[name]
    const takesValue =
      name === 'host' || name === 'port' || name === 'header-timeout' || spec?.kind === 'int' || spec?.kind === 'choice'
    if (!takesValue && spec === undefined) throw new UsageError(`unknown flag --${name}`)
    if (!takesValue) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      flags[name] = true
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`)
    if (name === 'host') server.host = value
    else if (name === 'port') server.port = parseIntFlag('--port', value, 0, 65535)
    else if (name === 'header-timeout') server.headerTimeoutMs = parseIntFlag('--header-timeout', value, 1, 3_600_000)
    else if (spec?.kind === 'int') flags[name] = parseIntFlag(`--${name}`, value, spec.min, spec.max)
    else if (spec?.kind === 'choice') {
      if (!spec.choices.includes(value))
        throw new UsageError(`--${name} takes ${spec.choices.join(' or ')}, got '${value}'`)
      flags[name] = value
    }
  }
  return { server, flags: flags as FlagValues<S> }
}

function parseIntFlag(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${name} must be a whole number, got '${text}'`)
  const n = Number(text)
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

export function usage(script: string, stepFlags: Record<string, FlagSpec>): string {
  const lines = [
    `usage: ${script} [flags]`,
    `  --host HOST              address to bind (default 127.0.0.1)`,
    `  --port N                 port, 0 picks a free one (default $PORT or ${DEFAULT_PORT})`,
    `  --header-timeout MS      time allowed for a request head (default ${DEFAULT_HEADER_TIMEOUT_MS})`,
  ]
  for (const [name, spec] of Object.entries(stepFlags)) {
    const left =
      spec.kind === 'int' ? `--${name} N` : spec.kind === 'choice' ? `--${name} ${spec.choices.join('|')}` : `--${name}`
    const def = spec.kind === 'bool' ? '' : ` (default ${spec.default})`
    lines.push(`  ${left.padEnd(24)} ${spec.help}${def}`)
  }
  return lines.join('\n')
}

/**
 * The front door for a step's `main`: parse, or print usage / a one-line error and exit.
 */
export function parseFlagsOrExit<const S extends Record<string, FlagSpec>>(script: string, stepFlags: S) {
  const argv = process.argv.slice(2)
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage(script, stepFlags))
    process.exit(0)
  }
  try {
    return parseFlags(argv, stepFlags)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`${script}: ${error.message} (try --help)`)
    process.exit(2)
  }
}
