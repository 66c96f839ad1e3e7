// What a window may ask the live bench for, checked field by field, and the caps on what a live
// run may do. Everything from the browser is untrusted input: it is a name from the registries
// (bench/steps.ts, bench/scenarios.ts) or it is refused, with a one-line reason.
//
// The caps, and why:
// - LIVE_CAP_S: every run stops after 10 s of load, whatever the scenario says (the bench's own
//   cap is 300 s). On a stage a run that takes longer is a run the audience waits for; step 1 on
//   `drill` needs 150 s and "9 of 150 done in 10 s" is the lesson anyway.
// - LIVE_MAX_CONNECTIONS: at most 600 load connections. drill (150), burst512 (512), hello (100),
//   cpu-mix (one per core + 50 probe connections), await-trap/await-yield (2 + 50), churn and
//   busy-worker (32 open at once) fit; c10k (10,000) does not: it needs a raised `ulimit -n` in two
//   processes and takes the whole laptop for seconds. It stays a terminal command
//   (`npm run bench -- --scenario c10k`).
// - LIVE_MAX_RATE: an open-loop scenario offers at most 10,000 requests a second, and runs within
//   the 10 s cap (its duration is not cut short: a cut open loop would report its unfinished
//   schedule). Its connections (the most the generator may open) count against the 600 above.
//   10,000/s is well within what the generator sends on two cores; more would measure the generator.
//   (No scenario's duration may exceed the cap either: the run would be refused when it starts.)
// - LIVE_MAX_STEPS: a comparison runs at most 8 steps, one after another, so the longest live
//   comparison is bounded too (8 × 10 s of load plus each server's start and stop).
// - A live sweep (the load curve of one step) runs at most LIVE_MAX_STEPS legs, each
//   LIVE_SWEEP.durationS of load within a cap of LIVE_SWEEP.capS, and stops at the first leg that
//   would offer more than LIVE_MAX_RATE (bench/sweep.ts); its loads are the plugin's, never the
//   browser's. Only a scenario of sized /cpu tasks offered open loop can be swept.
// - One benchmark at a time (host.ts): two runs would share the two cores and spoil each other. A
//   live demo (demos.ts) counts as one: it runs alone too, under its own time limit.

import { kindOf } from '../kinds/kind.ts'
import { connectionsOf, expectedRate } from '../options.ts'
import { findScenario, type Scenario, SCENARIOS } from '../scenarios.ts'
import { findStep, STEPS } from '../steps.ts'
import type { RunRequest } from './messages.ts'
import { DEMOS, type DemoName, findDemo } from './demos.ts'
import { findWatch, WATCHES } from '../watch/watch.ts'

export const LIVE_CAP_S = 10
export const LIVE_MAX_CONNECTIONS = 600
export const LIVE_MAX_RATE = 10_000
export const LIVE_MAX_STEPS = 8
/** Each leg of a live sweep: seconds of load, and its cap (within LIVE_CAP_S). */
export const LIVE_SWEEP = { durationS: 2, capS: 4 } as const

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string }

const REQUEST_ID = /^[\w-]{1,64}$/
const FIELDS = {
  single: ['requestId', 'kind', 'scenario', 'step'],
  compare: ['requestId', 'kind', 'scenario', 'steps'],
  watch: ['requestId', 'kind', 'scenario', 'step'],
  demo: ['requestId', 'kind', 'demo'],
  sweep: ['requestId', 'kind', 'scenario', 'step'],
} as const

/** The request id of a message, if it has a usable one (so even a refusal reaches the right caller). */
export function requestIdOf(data: unknown): string {
  return isPlainObject(data) && typeof data.requestId === 'string' && REQUEST_ID.test(data.requestId)
    ? data.requestId
    : ''
}

/** A request once checked: a demo's name is one of demos.ts's, not any string. */
export type CheckedRunRequest =
  | Exclude<RunRequest, { kind: 'demo' }>
  | { requestId: string; kind: 'demo'; demo: DemoName }

export function checkRunRequest(data: unknown): Checked<CheckedRunRequest> {
  if (!isPlainObject(data)) return fail('a run request is an object')
  const { kind } = data
  if (kind !== 'single' && kind !== 'compare' && kind !== 'watch' && kind !== 'demo' && kind !== 'sweep')
    return fail(`kind must be 'single', 'compare', 'watch', 'demo' or 'sweep'`)
  const extra = Object.keys(data).filter((key) => !(FIELDS[kind] as readonly string[]).includes(key))
  // No `url`, `path`, `connections`, flags or anything else: names only.
  if (extra.length > 0)
    return fail(
      `unexpected field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${short(k)}'`).join(', ')}: a ` +
        `live run takes a step and a scenario name only`,
    )
  if (requestIdOf(data) === '') return fail('requestId must be 1-64 letters, digits, _ or -')
  if (kind === 'demo') {
    const demo = typeof data.demo === 'string' ? findDemo(data.demo) : undefined
    if (demo === undefined)
      return fail(
        `unknown demo '${typeof data.demo === 'string' ? short(data.demo) : '?'}' ` +
          `(known: ${DEMOS.map((d) => d.name).join(', ')})`,
      )
    return { ok: true, value: { requestId: data.requestId as string, kind, demo: demo.name } }
  }

  const scenario = checkScenario(data.scenario)
  if (!scenario.ok) return scenario
  if (kind === 'sweep') {
    const swept = findScenario(scenario.value)
    if (swept === undefined || !sweepable(swept))
      return fail(
        `a sweep offers sized /cpu tasks at rising loads: ${SCENARIOS.filter(sweepable)
          .map((s) => s.name)
          .join(', ')}`,
      )
    const step = checkStep(data.step)
    if (!step.ok) return step
    return {
      ok: true,
      value: { requestId: data.requestId as string, kind, scenario: scenario.value, step: step.value },
    }
  }
  if (kind === 'single' || kind === 'watch') {
    const step = checkStep(data.step)
    if (!step.ok) return step
    if (kind === 'watch' && findWatch(step.value, scenario.value) === undefined)
      return fail(
        `no picture watches step ${step.value} on ${scenario.value} (known: ` +
          `${WATCHES.map((w) => `step ${w.step} on ${w.scenario}`).join(', ')})`,
      )
    return {
      ok: true,
      value: { requestId: data.requestId as string, kind, scenario: scenario.value, step: step.value },
    }
  }
  const { steps } = data
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > LIVE_MAX_STEPS)
    return fail(`steps must be a list of 1 to ${LIVE_MAX_STEPS} step names`)
  const checked: string[] = []
  for (const name of steps) {
    const step = checkStep(name)
    if (!step.ok) return step
    if (checked.includes(step.value)) return fail(`step '${step.value}' is listed twice`)
    checked.push(step.value)
  }
  return { ok: true, value: { requestId: data.requestId as string, kind, scenario: scenario.value, steps: checked } }
}

/** `{ runId }` of a stop request. */
export function checkStopRequest(data: unknown): Checked<{ requestId: string; runId: string }> {
  if (!isPlainObject(data) || typeof data.runId !== 'string' || data.runId.length > 64)
    return fail('a stop request names a runId')
  return { ok: true, value: { requestId: requestIdOf(data), runId: data.runId } }
}

export function checkMode(data: unknown): Checked<'live' | 'recorded'> {
  if (isPlainObject(data) && (data.mode === 'live' || data.mode === 'recorded')) return { ok: true, value: data.mode }
  return fail(`mode must be 'live' or 'recorded'`)
}

function checkScenario(name: unknown): Checked<string> {
  if (typeof name !== 'string') return fail('scenario must be a scenario name')
  const scenario = findScenario(name)
  if (scenario === undefined)
    return fail(`unknown scenario '${short(name)}' (known: ${SCENARIOS.map((s) => s.name).join(', ')})`)
  const refusal = liveRefusal(scenario)
  return refusal === null ? { ok: true, value: scenario.name } : fail(refusal)
}

/** Why a scenario may not run live (it exceeds a cap), or null. */
export function liveRefusal(scenario: Scenario): string | null {
  const elsewhere = `run it with npm run bench -- --scenario ${scenario.name}`
  const connections = connectionsOf(scenario)
  const name = scenario.name
  if (connections > LIVE_MAX_CONNECTIONS)
    return `${name} opens ${connections} connections, more than a live run may (${LIVE_MAX_CONNECTIONS}): ${elsewhere}`
  // A calibrated open loop (overload) offers a multiple of what the cores can do: its rate is known
  // once the task is sized, and is checked here as the target task size gives it on this machine.
  const rate = offeredRate(scenario)
  if (rate !== null && rate > LIVE_MAX_RATE)
    return `${name} offers ${Math.round(rate)} req/s, more than a live run may (${LIVE_MAX_RATE}): ${elsewhere}`
  if ((scenario.durationS ?? 0) > LIVE_CAP_S)
    return `${scenario.name} runs longer than a live run may (${LIVE_CAP_S} s): ${elsewhere}`
  return null
}

/** A scenario a sweep can run: sized `/cpu` tasks offered open loop at a multiple of the cores. */
function sweepable(scenario: Scenario): boolean {
  return kindOf(scenario) === 'overload' && scenario.open?.capacityFactor !== undefined
}

/** The rate an open-loop scenario offers on this machine (a calibrated one's, as its target gives it). */
function offeredRate(scenario: Scenario): number | null {
  const open = scenario.open
  if (open === undefined) return null
  return open.ratePerSec ?? expectedRate(open.capacityFactor ?? 0, scenario)
}

function checkStep(name: unknown): Checked<string> {
  if (typeof name !== 'string') return fail('step must be a step name')
  if (findStep(name) === undefined)
    return fail(`unknown step '${short(name)}' (known: ${STEPS.map((s) => s.id).join(', ')})`)
  return { ok: true, value: name }
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message }
}

/** Echo at most 40 characters of what the browser sent, printable ASCII only. */
function short(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  )
}
