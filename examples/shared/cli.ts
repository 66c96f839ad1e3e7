// Command-line flags for the step servers: `--host`, `--port`, `--header-timeout`, plus the flags a
// step adds (`--pool`, `--trace`, ...). A bad flag gets one line on stderr and exit code 2, never a
// stack trace: the audience should see the talk, not our argument parsing. The parsing itself is
// flags.ts, shared with every other command of the repository.

import { readFileSync } from 'node:fs'
import {
  type BoolFlag,
  flagLines,
  type FlagSpecs,
  type IntFlag as AnyIntFlag,
  orExit,
  parseNumber,
  readFlags,
  repoPath,
  type TextFlag,
  usageHeader,
} from './flags.ts'
import { DEFAULT_HEADER_TIMEOUT_MS } from './limits.ts'
import { routeLines, routeTable } from './routes.ts'

export { UsageError } from './flags.ts'
export type { BoolFlag }
/** A step's own number flag always has a default. */
export type IntFlag = AnyIntFlag & { default: number }
/** One word out of a fixed list, e.g. `--dispatch acceptor|kernel`. */
export type ChoiceFlag = TextFlag & { choices: readonly string[]; default: string }
export type FlagSpec = IntFlag | BoolFlag | ChoiceFlag

type FlagValues<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K] extends IntFlag ? number : S[K] extends ChoiceFlag ? S[K]['choices'][number] : boolean
}

export interface ServerOptions {
  host: string
  port: number
  headerTimeoutMs: number
  /** The command, as its error lines start with it (`step:3`); 'server' when not given. */
  script?: string
}

const DEFAULT_PORT = 6969

/** The flags every server takes. `--port` defaults to `$PORT`, else 6969. */
const SERVER_FLAGS = {
  host: { kind: 'text', default: '127.0.0.1', value: 'HOST', help: 'address to bind' },
  port: { kind: 'int', min: 0, max: 65535, help: `port, 0 picks a free one (default $PORT or ${DEFAULT_PORT})` },
  'header-timeout': {
    kind: 'int',
    default: DEFAULT_HEADER_TIMEOUT_MS,
    min: 1,
    max: 3_600_000,
    value: 'MS',
    help: 'time allowed for a request head',
  },
} as const satisfies FlagSpecs

/**
 * Parses `argv` (without node and the script). Returns the common server options and the step's
 * own flags. Throws `UsageError` with a one-line message on anything it does not understand.
 */
export function parseFlags<const S extends Record<string, FlagSpec>>(
  argv: readonly string[],
  stepFlags: S,
  env: NodeJS.ProcessEnv = process.env,
  script?: string,
): { server: ServerOptions; flags: FlagValues<S> } {
  const portDefault = env.PORT !== undefined ? parseNumber('PORT', env.PORT, SERVER_FLAGS.port) : DEFAULT_PORT
  // One parse over both sets, so a flag of neither is an error; then each set takes its own.
  const all: Record<string, unknown> = readFlags(argv, { ...stepFlags, ...SERVER_FLAGS }).flags
  const server: ServerOptions = {
    host: all.host as string,
    port: (all.port as number | undefined) ?? portDefault,
    headerTimeoutMs: all['header-timeout'] as number,
    ...(script === undefined ? {} : { script }),
  }
  const flags = Object.fromEntries(Object.keys(stepFlags).map((name) => [name, all[name]]))
  return { server, flags: flags as FlagValues<S> }
}

export interface HelpOptions {
  /** The step serves step 3's `/await` routes. */
  servesAwait?: boolean
  /** The entry file (default: the one this process runs); its opening comment says what it is. */
  entry?: string
}

/**
 * `--help` for a step: what it is (the first line of its entry's opening comment), the file to
 * read first (the entry: its opening comment maps the step's files), the flags and the routes.
 * Nothing here is retyped: the routes and their ranges come from routes.ts and limits.ts.
 */
export function usage(script: string, stepFlags: Record<string, FlagSpec>, help: HelpOptions = {}): string {
  const entry = help.entry ?? process.argv[1] ?? ''
  const what = readFileSync(entry, 'utf8').match(/^\/\/ (.+)/)?.[1]
  return [
    ...(what === undefined ? [] : [what]),
    `Read first: ${repoPath(entry)} (its opening comment maps the step)`,
    '',
    usageHeader(script, entry),
    ...flagLines({ ...SERVER_FLAGS, ...stepFlags }),
    '',
    'routes:',
    ...routeLines([['GET /', 'what this step is, and its routes'], ...routeTable(help.servesAwait)], '  '),
  ].join('\n')
}

/**
 * The front door for a step's `main`: parse, or print usage / a one-line error and exit.
 */
export function parseFlagsOrExit<const S extends Record<string, FlagSpec>>(
  script: string,
  stepFlags: S,
  help: HelpOptions = {},
) {
  const argv = process.argv.slice(2)
  return orExit(
    script,
    argv,
    () => usage(script, stepFlags, help),
    () => parseFlags(argv, stepFlags, process.env, script),
  )
}
