// A caller's request (`RunInput`: a scenario, a step or a URL, overrides) turned into checked run
// options, with the limits on what anyone may ask for. Light on purpose: the deck's dev-server
// plugin imports it to check a request from the browser without loading autocannon or starting
// anything. A bad option is a `BenchOptionError` with a one-line message.

import { availableParallelism } from 'node:os'
import { MAX_AWAIT_ROUNDS } from '../examples/shared/limits.ts'
import { isOpenLoop, kindOf, sizesCpuTask } from './kinds/kind.ts'
import { findScenario, type Scenario, SCENARIOS } from './scenarios.ts'
import { findStep, STEPS } from './steps.ts'
import type { ResolvedRunOptions } from './types.ts'

/** The most any caller may ask for (the dev-server plugin relies on these too). */
export const LIMITS = {
  maxConnections: 10_000,
  maxRequests: 1_000_000,
  maxCapS: 300,
  maxCpuN: 1_000_000_000,
  /** The awaits step 3 accepts in one `/await/<n>` (examples/shared/limits.ts). */
  maxAwaitN: MAX_AWAIT_ROUNDS,
  maxPathLength: 200,
  /** Untimed requests before the load (`warmUpRequests`). */
  maxWarmUpRequests: 1000,
  /** Open loop: requests per second. More than the generator can send shows up as late sends. */
  maxRate: 100_000,
  /** A calibrated open loop: the most its rate may be, as a multiple of what the cores can do. */
  maxCapacityFactor: 100,
} as const

export const DEFAULT_SCENARIO = 'drill'
/** `--rate` without `--scenario`: the open-loop scenario, with its path and duration. */
export const DEFAULT_OPEN_SCENARIO = 'paced'
export const DEFAULT_STEP = '3'
/** `--rate` on a closed-loop scenario: the most connections the open loop may hold. */
export const DEFAULT_OPEN_MAX_CONNECTIONS = 1000

/**
 * Connections an open loop opens before its schedule starts: enough to carry the rate if answers
 * take up to 10 ms (each connection then sends 100 a second), and at least 10. It opens more when
 * they are all busy, up to its bound.
 */
export function defaultPreopened(ratePerSec: number): number {
  return Math.max(10, Math.ceil(ratePerSec / 100))
}

/** A scenario's load connections on this machine. */
export function connectionsOf(scenario: Pick<Scenario, 'connections'>): number {
  return scenario.connections === 'cores' ? availableParallelism() : scenario.connections
}

/** What a caller may ask for; everything is optional and checked by `resolveRunOptions`. */
export interface RunInput {
  scenario?: string
  /** A step id from bench/steps.ts (default '3'). */
  step?: string
  /** Benchmark a server that is already running (an origin such as http://127.0.0.1:6969). */
  url?: string
  connections?: number
  requests?: number
  durationS?: number
  path?: string
  capS?: number
  /** cpu-mix: use this `n` instead of calibrating. */
  cpuN?: number
  /** Open loop: this many requests a second on a fixed schedule, for `durationS` (or the scenario's). */
  rate?: number
  /**
   * A calibrated open loop (overload, load-curve): the rate as a multiple of what the cores can do,
   * instead of the scenario's; worked out in the load generator once the task is sized. Not with `rate`.
   */
  capacityFactor?: number
  /** await-trap, await-yield: awaits per request, instead of sizing the chain on the server. */
  awaitN?: number
  /**
   * Untimed requests of the load's path the server answers before the load starts (the load curve's
   * legs, each on a fresh server: its first, cold requests are then not a leg's figures). Default 0.
   */
  warmUpRequests?: number
}

/** A bad option: the message is one line, fit for a CLI error or a reply to the browser. */
export class BenchOptionError extends Error {
  override name = 'BenchOptionError'
}

export function resolveRunOptions(input: RunInput): ResolvedRunOptions {
  const fail = (message: string): never => {
    throw new BenchOptionError(message)
  }
  const scenarioName = input.scenario ?? (input.rate !== undefined ? DEFAULT_OPEN_SCENARIO : DEFAULT_SCENARIO)
  const scenario =
    findScenario(scenarioName) ??
    fail(`unknown scenario '${scenarioName}' (known: ${SCENARIOS.map((s) => s.name).join(', ')})`)

  let url: string | null = null
  let step: string | null = null
  if (input.url !== undefined) {
    if (input.step !== undefined)
      fail('--step and --url exclude each other: --url benchmarks a server that is already running')
    url = checkOrigin(input.url, fail)
  } else {
    step = input.step ?? DEFAULT_STEP
    if (findStep(step) === undefined) fail(`unknown step '${step}' (known: ${STEPS.map((s) => s.id).join(', ')})`)
  }

  const kind = kindOf(scenario)
  const capS = input.capS ?? scenario.capS
  checkNumber('--cap', capS, 1, LIMITS.maxCapS, fail)
  const { rate, capacityFactor } = openRate(input, scenario, fail)
  const open = rate !== undefined || capacityFactor !== undefined
  if (open && input.requests !== undefined) fail('an open loop runs for a time: give --duration, not --requests')
  const connections =
    input.connections ?? (!open || isOpenLoop(kind) ? connectionsOf(scenario) : DEFAULT_OPEN_MAX_CONNECTIONS)
  checkInt('--connections', connections, 1, LIMITS.maxConnections, fail)

  if (input.requests !== undefined && input.durationS !== undefined) fail('give --requests or --duration, not both')
  let requests: number | null = null
  let durationS: number | null = null
  if (input.requests !== undefined) requests = input.requests
  else if (input.durationS !== undefined) durationS = input.durationS
  else if (!open && scenario.requestsPerConnection !== undefined)
    requests = connections * scenario.requestsPerConnection
  else durationS = scenario.durationS ?? fail(`--rate needs --duration S: an open loop runs for a time`)
  if (requests !== null) {
    checkInt('--requests', requests, 1, LIMITS.maxRequests, fail)
    // autocannon shares the count among the connections; a connection with nothing to do is an error.
    if (requests < connections) fail(`--requests (${requests}) must be at least --connections (${connections})`)
  }
  if (durationS !== null) {
    checkNumber('--duration', durationS, 0.1, LIMITS.maxCapS, fail)
    if (durationS > capS) fail(`--duration ${durationS} s is longer than the ${capS} s cap (raise it with --cap)`)
  }

  let cpuMix: ResolvedRunOptions['cpuMix'] = null
  let awaitChain: ResolvedRunOptions['awaitChain'] = null
  let path = input.path ?? scenario.path
  if (input.awaitN !== undefined && kind !== 'await-chain')
    fail('--await-n applies to the await-trap and await-yield scenarios only')
  if (kind === 'await-chain') {
    if (input.path !== undefined)
      fail(`${scenario.name} sends ${scenario.path} and a /0 probe: --path does not apply (use --await-n to size it)`)
    if (input.cpuN !== undefined) fail('--cpu-n applies to the cpu-mix scenario only')
    if (input.awaitN !== undefined) checkInt('--await-n', input.awaitN, 1, LIMITS.maxAwaitN, fail)
    const { targetMs, probe } = scenario.awaitChain!
    awaitChain = { targetMs, n: input.awaitN ?? null, probe: { ...probe } }
    if (input.awaitN !== undefined) path = awaitPath(scenario.path, input.awaitN)
  } else if (sizesCpuTask(kind)) {
    if (input.path !== undefined)
      fail(`${scenario.name} sends /cpu/<n> with n sized here: --path does not apply (use --cpu-n to size the task)`)
    if (input.cpuN !== undefined) checkInt('--cpu-n', input.cpuN, 1, LIMITS.maxCpuN, fail)
    const { targetMs, probe } = scenario.cpuMix!
    cpuMix = { targetMs, n: input.cpuN ?? null, probe: probe ? { ...probe } : null }
    if (input.cpuN !== undefined) path = `/cpu/${input.cpuN}`
  } else {
    if (input.cpuN !== undefined)
      fail(`--cpu-n applies to the scenarios that size a /cpu task: ${calibratedScenarios()}`)
    if (path.length > LIMITS.maxPathLength || !/^\/[\x21-\x7e]*$/.test(path))
      fail(`--path must start with / and hold printable ASCII only, got '${path}'`)
  }

  if (input.warmUpRequests !== undefined) checkInt('--warm-up', input.warmUpRequests, 0, LIMITS.maxWarmUpRequests, fail)

  return {
    scenario: scenario.name,
    step,
    url,
    connections,
    requests,
    durationS,
    path,
    capS,
    // The cap ends a run before any request could time out: an answer still missing then is
    // counted as "not done", and the cap is what the report says.
    timeoutS: Math.ceil(capS) + 2,
    maxRequests: LIMITS.maxRequests,
    cpuMix,
    open: !open
      ? null
      : {
          ratePerSec: rate ?? null,
          ...(capacityFactor === undefined ? {} : { capacityFactor }),
          preopened: Math.min(
            connections,
            scenario.open?.preopened ?? defaultPreopened(rate ?? expectedRate(capacityFactor!, scenario)),
          ),
        },
    awaitChain,
    churn: scenario.churn ? { hold: scenario.churn.hold ? { ...scenario.churn.hold } : null } : null,
    ...(input.warmUpRequests ? { warmUpRequests: input.warmUpRequests } : {}),
  }
}

/** `/await/<n>` or `/await-yield/<n>` with `n` filled in. */
export function awaitPath(template: string, n: number): string {
  return template.replace('<n>', String(n))
}

/**
 * The open loop's rate: given (`rate`), or the scenario's; or, for a scenario that sizes a `/cpu`
 * task, a multiple of what the cores can do (`capacityFactor`), known once the task is sized.
 */
function openRate(
  input: RunInput,
  scenario: Scenario,
  fail: (m: string) => never,
): { rate?: number; capacityFactor?: number } {
  if (input.rate !== undefined && input.capacityFactor !== undefined) fail('give --rate or --load, not both')
  const kind = kindOf(scenario)
  const asked = input.rate !== undefined || input.capacityFactor !== undefined
  if (kind === 'cpu-mix' || kind === 'await-chain') {
    if (asked) fail(`${scenario.name} is closed loop with its own paced probe: --rate and --load do not apply`)
    return {}
  }
  if (kind === 'churn' || kind === 'busy-worker') {
    if (asked) fail(`${scenario.name} opens a new connection for every request, closed loop: --rate does not apply`)
    return {}
  }
  if (input.capacityFactor !== undefined) {
    if (!sizesCpuTask(kind))
      fail(`--load is a multiple of what the cores can hash: for ${calibratedScenarios(true)} only`)
    checkNumber('--load', input.capacityFactor, 0.001, LIMITS.maxCapacityFactor, fail)
    return { capacityFactor: input.capacityFactor }
  }
  const rate = input.rate ?? scenario.open?.ratePerSec
  if (rate !== undefined) {
    checkNumber('--rate', rate, 0.1, LIMITS.maxRate, fail)
    return { rate }
  }
  const capacityFactor = scenario.open?.capacityFactor
  return capacityFactor === undefined ? {} : { capacityFactor }
}

/** The scenarios that size a `/cpu` task on the running machine (only the open-loop ones: `open`). */
function calibratedScenarios(open = false): string {
  return SCENARIOS.filter((s) => sizesCpuTask(kindOf(s)) && (!open || isOpenLoop(kindOf(s))))
    .map((s) => s.name)
    .join(', ')
}

/**
 * A calibrated open loop's rate before the task is sized: `capacityFactor` × cores × 1000 / the
 * target ms. The generator works out the real one from the task's measured time.
 */
export function expectedRate(
  capacityFactor: number,
  scenario: Pick<Scenario, 'cpuMix'>,
  cores = availableParallelism(),
): number {
  return (capacityFactor * cores * 1000) / (scenario.cpuMix?.targetMs ?? 1)
}

/**
 * The closed-loop limit of a `/<ms>` load: each connection can complete at most one request per
 * `ms`, so no server can beat connections × 1000 / ms requests per second. Null for other paths,
 * and for an open loop (it offers its rate, whatever the server does).
 */
export function throughputLimit(
  options: Pick<ResolvedRunOptions, 'path' | 'connections' | 'cpuMix' | 'open' | 'awaitChain'>,
): number | null {
  const kind = kindOf(options)
  if (isOpenLoop(kind) || sizesCpuTask(kind) || kind === 'await-chain') return null
  const match = /^\/(\d+)(?:\?.*)?$/.exec(options.path)
  if (!match) return null
  const ms = Number(match[1])
  return ms > 0 ? (options.connections * 1000) / ms : null
}

function checkOrigin(text: string, fail: (m: string) => never): string {
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return fail(`--url must be a URL like http://127.0.0.1:6969, got '${text}'`)
  }
  if (parsed.protocol !== 'http:') fail(`--url must be http://, got '${text}'`)
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '') {
    fail(`--url takes an origin such as http://127.0.0.1:6969; give the path with --path`)
  }
  return parsed.origin
}

function checkInt(name: string, value: number, min: number, max: number, fail: (m: string) => never): void {
  if (!Number.isInteger(value)) fail(`${name} must be a whole number, got ${value}`)
  checkNumber(name, value, min, max, fail)
}

function checkNumber(name: string, value: number, min: number, max: number, fail: (m: string) => never): void {
  if (!Number.isFinite(value) || value < min || value > max)
    fail(`${name} must be between ${min} and ${max}, got ${value}`)
}
