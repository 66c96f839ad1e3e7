// The live bench's messages: what the deck's windows and the dev-server plugin say to each other
// over Vite's HMR WebSocket, and the one function both sides use to follow a run.
//
// Shared by the plugin (Node) and the components (browser), so it imports nothing but types.
//
// A window asks (`hello`, `run`, `stop`, `mode`); the plugin answers the asking window alone
// (`state`, `reply`) and tells every window what happens (`update`, `mode`). The plugin keeps
// the run it is doing as a `RunView` and changes it only through `applyUpdate`, the same function
// every window applies to the same updates: a window that joins late gets the view itself
// (`state`), then follows the updates, and draws exactly what the others draw.

import type { BenchProgress, BenchResult } from '../types.ts'
import { applyDemoEvent, type DemoEvent, type DemoState } from './demos.ts'
import { MAX_SAMPLES, type RuntimeSample } from '../watch/watch.ts'

export const EVENTS = {
  /** window → plugin: "send me the state" (on load and after every reconnection). */
  hello: 'live-bench:hello',
  /** window → plugin: start a run (`RunRequest`). */
  run: 'live-bench:run',
  /** window → plugin: stop the run `{ runId }`. */
  stop: 'live-bench:stop',
  /** window → plugin, then plugin → every window: show live or recorded results (`{ mode }`). */
  mode: 'live-bench:mode',
  /** plugin → the window that said hello: a `BenchSnapshot`. */
  state: 'live-bench:state',
  /** plugin → the window that asked: a `RunReply` to its run or stop. */
  reply: 'live-bench:reply',
  /** plugin → every window: a `BenchUpdate`. */
  update: 'live-bench:update',
} as const

/** `live`: the last live run where there is one; `recorded`: bench/results/ only (the stage fallback). */
export type BenchMode = 'live' | 'recorded'

/**
 * What a window may ask for: names only. The plugin checks every field against the registries
 * (bench/steps.ts, bench/scenarios.ts) and refuses anything else — no path, no URL, no flags.
 * `single` runs one step; `compare` runs several, one after another (each capped at 10 s); `watch`
 * runs one step and samples its `/__stats` 10 times a second for a picture of its runtime (watch.ts:
 * only the pairs listed there); `demo` runs one of the demos in demos.ts with its fixed flags; `sweep`
 * runs one step at rising offered loads, one short leg each (bench/sweep.ts: the load curve; the
 * plugin picks the loads, requests.ts caps them).
 */
export type RunRequest =
  | { requestId: string; kind: 'single'; scenario: string; step: string }
  | { requestId: string; kind: 'compare'; scenario: string; steps: string[] }
  | { requestId: string; kind: 'watch'; scenario: string; step: string }
  | { requestId: string; kind: 'demo'; demo: string }
  | { requestId: string; kind: 'sweep'; scenario: string; step: string }

export type RunKind = RunRequest['kind']

export interface RunReply {
  requestId: string
  ok: boolean
  /** The run that started (ok), or the run that is in the way (`busy`). */
  runId: string | null
  /** Why not: `busy` (one benchmark at a time), `refused` (a bad name, a foreign origin). */
  reason: 'busy' | 'refused' | null
  message: string
}

/** One point of a live chart, from one progress report of the running load. */
export interface LivePoint {
  /** Seconds since the load started. */
  t: number
  /** Completions per second over the last interval (200 ms). */
  rate: number
  completed: number
  p50: number | null
  p99: number | null
  /** cpu-mix: the `/0` probe's running p99 (the I/O latency while the cores are busy). */
  probeP99: number | null
  /** The server's event-loop delay p99 over the last second (`/__stats`), and its RSS. */
  loopDelay: number | null
  rssBytes: number | null
}

/** One step of a run. */
export interface LegView {
  step: string
  status: 'waiting' | 'running' | 'done' | 'failed' | 'skipped'
  /** The bench's phase while it runs: starting, calibrating, running, stopping. */
  phase: BenchProgress['phase'] | null
  points: LivePoint[]
  /** The latest progress report, as the bench sent it. */
  last: BenchProgress | null
  result: BenchResult | null
  error: string | null
  /** A watch: the server's counters, sampled while the step ran (empty for other runs). */
  samples: RuntimeSample[]
}

export interface RunView {
  id: string
  kind: RunKind
  scenario: string
  steps: string[]
  /** Epoch ms, from the plugin's clock. */
  startedAt: number
  /** Epoch ms when the last step ended (null while running). */
  finishedAt: number | null
  status: 'running' | 'done' | 'stopped' | 'failed'
  legs: LegView[]
  /** Why it ended early, when it did. */
  message: string | null
  /** A demo (kind `demo`; its name is `scenario`, and it has no legs): what it has printed so far. */
  demo: DemoState | null
  /** A sweep: each leg's offered load, in one core's worth of tasks a second (absent for other runs). */
  loads?: number[]
}

export type BenchUpdate =
  | { type: 'started'; run: RunView }
  | { type: 'leg-started'; runId: string; leg: number }
  | { type: 'progress'; runId: string; leg: number; progress: BenchProgress }
  | { type: 'sample'; runId: string; leg: number; sample: RuntimeSample }
  | { type: 'demo'; runId: string; event: DemoEvent }
  | { type: 'leg-done'; runId: string; leg: number; result: BenchResult }
  | { type: 'leg-failed'; runId: string; leg: number; error: string }
  | {
      type: 'finished'
      runId: string
      status: Exclude<RunView['status'], 'running'>
      message: string | null
      at: number
    }

/** What a window gets when it says hello. */
export interface BenchSnapshot {
  mode: BenchMode
  /** The run in progress, if any. */
  current: RunView | null
  /** The last finished run for each target (`runTarget`), newest first. */
  finished: RunView[]
  /** Processes the plugin's runs have running right now (servers and load generators). */
  children: number
  /** The most a live run may last, per step, in seconds. */
  capS: number
}

/** Runs of the same kind, scenario and steps replace each other in `finished`. */
export function runTarget(run: Pick<RunView, 'kind' | 'scenario' | 'steps'>): string {
  return `${run.kind}:${run.scenario}:${run.steps.join(',')}`
}

/** A leg that has not started: nothing seen yet. */
export function waitingLeg(step: string): LegView {
  return { step, status: 'waiting', phase: null, points: [], last: null, result: null, error: null, samples: [] }
}

/** A new run, every step waiting; a sweep has one leg per load, each of its one step. */
export function newRunView(
  id: string,
  kind: RunKind,
  scenario: string,
  steps: string[],
  startedAt: number,
  loads?: number[],
): RunView {
  const legSteps = loads === undefined ? steps : loads.map(() => steps[0] ?? '')
  return {
    id,
    kind,
    scenario,
    steps: [...steps],
    startedAt,
    finishedAt: null,
    status: 'running',
    legs: legSteps.map(waitingLeg),
    message: null,
    demo: null,
    ...(loads === undefined ? {} : { loads: [...loads] }),
  }
}

/** The most points one leg keeps: 10 s at one point per 200 ms is 50; the rest is slack. */
export const MAX_POINTS_PER_LEG = 300

/** A chart point from a progress report; null for reports before the load runs. */
export function pointFromProgress(progress: BenchProgress): LivePoint | null {
  if (progress.phase !== 'running' || progress.elapsedMs <= 0) return null
  return {
    t: progress.elapsedMs / 1000,
    rate: progress.ratePerSec,
    completed: progress.completed,
    p50: progress.p50Ms,
    p99: progress.p99Ms,
    probeP99: progress.probe?.p99Ms ?? null,
    loopDelay: progress.server?.loopDelayP99Ms ?? null,
    rssBytes: progress.server?.rssBytes ?? null,
  }
}

/**
 * Apply one update to the run it belongs to (in place, so a Vue `reactive` view redraws).
 * Returns false when the update is not for this run or does not fit it (the caller then asks for
 * the state again).
 */
export function applyUpdate(run: RunView, update: BenchUpdate): boolean {
  if (update.type === 'started') return false
  if (update.runId !== run.id) return false
  if (update.type === 'finished') {
    run.status = update.status
    run.message = update.message
    run.finishedAt = update.at
    for (const leg of run.legs) {
      if (leg.status === 'waiting') leg.status = 'skipped'
      leg.phase = null
    }
    return true
  }
  if (update.type === 'demo') return run.demo !== null && applyDemoEvent(run.demo, update.event)
  const leg = run.legs[update.leg]
  if (leg === undefined) return false
  switch (update.type) {
    case 'leg-started':
      leg.status = 'running'
      leg.phase = 'starting'
      return true
    case 'progress': {
      leg.status = 'running'
      leg.phase = update.progress.phase
      leg.last = update.progress
      const point = pointFromProgress(update.progress)
      const previous = leg.points[leg.points.length - 1]
      if (point !== null && (previous === undefined || point.t > previous.t) && leg.points.length < MAX_POINTS_PER_LEG)
        leg.points.push(point)
      return true
    }
    case 'sample': {
      const previous = leg.samples[leg.samples.length - 1]
      if ((previous === undefined || update.sample.t > previous.t) && leg.samples.length < MAX_SAMPLES)
        leg.samples.push(update.sample)
      return true
    }
    case 'leg-done':
      leg.status = 'done'
      leg.phase = null
      leg.result = update.result
      return true
    case 'leg-failed':
      leg.status = 'failed'
      leg.phase = null
      leg.error = update.error
      return true
  }
}
