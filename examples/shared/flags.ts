// Command-line flags for every command in the repository: the step servers (through cli.ts), the
// bench, the recorders, the demos and the scripts. A command declares its flags as data; this file
// turns `argv` into typed values or one line saying what is wrong.
//
// Node's own `parseArgs` (node:util) splits the arguments into tokens: `--name value`,
// `--name=value`, `-h`, `--`, positionals. It is run non-strict and with `tokens: true`, and the
// checks are ours, so every mistake gets the same short message whatever the command
// ("unknown flag --x", "--port needs a value", "--pool must be between 0 and 8, got 9") rather than
// parseArgs's longer advice. A bad flag is a `UsageError`; `readFlagsOrExit` prints it on one line
// and exits with 2, never with a stack trace.

import { relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** The repository's root, for the paths `--help` shows. */
const REPO = fileURLToPath(new URL('../../', import.meta.url))

/** `entry` (an absolute path) as a path from the repository's root, with forward slashes. */
export function repoPath(entry: string): string {
  return relative(REPO, entry).split(sep).join('/')
}

/**
 * The first line of `--help` for a command started by `npm run <script>` (a step, a demo), with
 * the plain-node way beside it: `usage: npm run step:1 -- [flags]   or: node examples/….ts [flags]`.
 */
export function usageHeader(script: string, entry = process.argv[1]): string {
  const plain = entry === undefined ? '' : `   or: node ${repoPath(entry)} [flags]`
  return `usage: npm run ${script} -- [flags]${plain}`
}

/** A whole number (not negative), in [min, max] when given. */
export interface IntFlag {
  kind: 'int'
  default?: number
  min?: number
  max?: number
  help: string
  /** What the usage line shows after the flag (default `N`). */
  value?: string
}
/** A decimal number (not negative), e.g. seconds, in [min, max] when given. */
export interface NumberFlag {
  kind: 'number'
  default?: number
  min?: number
  max?: number
  help: string
  value?: string
}
/** Non-empty text: one of `choices` when given, else checked further by the command. */
export interface TextFlag {
  kind: 'text'
  default?: string
  choices?: readonly string[]
  help: string
  value?: string
}
/** Present or not; takes no value. */
export interface BoolFlag {
  kind: 'bool'
  help: string
}
export type FlagSpec = IntFlag | NumberFlag | TextFlag | BoolFlag
export type FlagSpecs = Record<string, FlagSpec>

/** The value a flag parses to: a flag without a default may be absent (`undefined`). */
export type FlagValue<F extends FlagSpec> = F extends BoolFlag
  ? boolean
  : F extends IntFlag | NumberFlag
    ? F extends { default: number }
      ? number
      : number | undefined
    : F extends { default: string }
      ? string
      : string | undefined

export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: FlagValue<S[K]> }

export class UsageError extends Error {}

/**
 * `argv` (without node and the script) → the flags' values, and the positionals if the command
 * takes any. Throws `UsageError` with a one-line message on anything it does not understand.
 */
export function readFlags<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  options: { positionals?: boolean } = {},
): { flags: FlagValues<S>; positionals: string[] } {
  const values: Record<string, string | number | boolean | undefined> = {}
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.kind === 'bool' ? false : spec.default
  const positionals: string[] = []
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind === 'bool' ? 'boolean' : 'string' }]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      if (!options.positionals) throw new UsageError(`unexpected argument '${token.value}'`)
      positionals.push(token.value)
      continue
    }
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined
    if (spec === undefined) throw new UsageError(`unknown flag ${token.rawName}`)
    if (spec.kind === 'bool') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`)
      values[token.name] = true
      continue
    }
    // parseArgs takes the next argument as the value even when it is another flag: `--port --pool`.
    const text = token.value
    if (text === undefined || text === '' || (!token.inlineValue && text.startsWith('--')))
      throw new UsageError(`${token.rawName} needs a value`)
    values[token.name] =
      spec.kind === 'text' ? checkChoice(token.rawName, text, spec) : parseNumber(token.rawName, text, spec)
  }
  return { flags: values as FlagValues<S>, positionals }
}

/** A whole or decimal number within the flag's range, or a one-line `UsageError`. */
export function parseNumber(name: string, text: string, spec: Pick<IntFlag | NumberFlag, 'kind' | 'min' | 'max'>) {
  const pattern = spec.kind === 'int' ? /^\d+$/ : /^\d+(\.\d+)?$/
  if (!pattern.test(text))
    throw new UsageError(`${name} must be a ${spec.kind === 'int' ? 'whole number' : 'number'}, got '${text}'`)
  const n = Number(text)
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = spec
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

function checkChoice(name: string, text: string, spec: TextFlag): string {
  if (spec.choices === undefined || spec.choices.includes(text)) return text
  throw new UsageError(`${name} must be one of ${spec.choices.join(', ')}, got '${text}'`)
}

/**
 * One line per flag, for a command's `--help`: `  --pool N    use a pool of N threads (default 0)`.
 * The help column starts at `width`, or further right when a flag's left side is longer.
 */
export function flagLines(specs: FlagSpecs, width = 24): string[] {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const shown = spec.kind === 'text' ? (spec.choices?.join('|') ?? 'TEXT') : 'N'
    const left = spec.kind === 'bool' ? `--${name}` : `--${name} ${spec.value ?? shown}`
    const fallback = spec.kind !== 'bool' && spec.default !== undefined ? ` (default ${spec.default})` : ''
    return [left, `${spec.help}${fallback}`] as const
  })
  const column = Math.max(width, ...rows.map(([left]) => left.length + 1))
  return rows.map(([left, help]) => `  ${left.padEnd(column)} ${help}`)
}

/**
 * The front door for a command's `main`: `--help` or `-h` prints `usage` and exits 0; a bad flag
 * prints `<script>: <what is wrong> (try --help)` and exits 2.
 */
export function orExit<T>(script: string, argv: readonly string[], usage: () => string, parse: () => T): T {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage())
    process.exit(0)
  }
  try {
    return parse()
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`${script}: ${error.message} (try --help)`)
    process.exit(2)
  }
}

/** `readFlags` on this process's arguments, through `orExit`. */
export function readFlagsOrExit<S extends FlagSpecs>(
  script: string,
  specs: S,
  options: { usage?: string; positionals?: boolean } = {},
): { flags: FlagValues<S>; positionals: string[] } {
  const argv = process.argv.slice(2)
  const usage = () => [options.usage ?? `usage: ${script} [flags]`, ...flagLines(specs)].join('\n')
  return orExit(script, argv, usage, () => readFlags(argv, specs, options))
}
