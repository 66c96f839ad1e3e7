// The demos the deck runs live from presenter mode, beside the benchmarks: known names only, each
// with its fixed command, and what every window keeps of a run of it. Browser-safe (types and pure
// functions): the plugin (host.ts, demo-process.ts) and the components (SchedulingRace.vue,
// MicrotaskOrder.vue) share it.
//
// A demo prints its run as JSON lines (events.ts of each demo, or one object per callback); the
// plugin parses each line into a `DemoEvent`, applies it to the run's `DemoState` with
// `applyDemoEvent` and sends it to every window, which applies it too: the same reducer on both
// sides, as for the benchmarks (messages.ts), so a window that joins late gets the state so far.

import type { Context, Kind, Ran } from '../../examples/demo-microtasks/order.ts'
import type { RaceEvent } from '../../examples/demo-scheduling/events.ts'
import type { Ratios } from '../../examples/demo-scheduling/race.ts'

export interface DemoEntry {
  name: DemoName
  /** What the presenter's button and the captions say. */
  title: string
  /** The demo's entry file (relative to the repository root) and its fixed flags: nothing from a browser. */
  entry: string
  args: readonly string[]
  /** The command a learner types for the same output. */
  command: string
  /** A run that has not ended after this long is stopped. */
  timeoutMs: number
}

export type DemoName = 'scheduling' | 'microtasks'

export const DEMOS: readonly DemoEntry[] = [
  {
    name: 'scheduling',
    title: 'three schedulers, one job set',
    entry: 'examples/demo-scheduling/main.ts',
    args: ['--events'],
    command: 'npm run demo:scheduling -- --events',
    timeoutMs: 90_000,
  },
  {
    name: 'microtasks',
    title: 'five callbacks, the order they ran in',
    entry: 'examples/demo-microtasks/main.ts',
    args: ['--json'],
    command: 'npm run demo:microtasks -- --json',
    timeoutMs: 20_000,
  },
]

export function findDemo(name: string): DemoEntry | undefined {
  return DEMOS.find((d) => d.name === name)
}

/** One heat of the race so far. */
export interface LiveHeat {
  scheduler: string
  label: string
  status: 'waiting' | 'running' | 'done'
  /** The heat's clock: ms since its start barrier, as of the last report (the lanes are cut there). */
  at: number
  makespanMs: number | null
  steals: number
  failedSteals: number
  /** timeline.ts's lanes; null for the end of a job still running. */
  lanes: (number | null)[][]
}

export type DemoState =
  | {
      demo: 'scheduling'
      workers: number
      jobs: number
      long: number[]
      heats: LiveHeat[]
      ratios: Ratios | null
    }
  | { demo: 'microtasks'; lines: Ran[] }

export type DemoEvent = { demo: 'scheduling'; event: RaceEvent } | { demo: 'microtasks'; ran: Ran }

export function newDemoState(name: DemoName): DemoState {
  return name === 'scheduling'
    ? { demo: 'scheduling', workers: 0, jobs: 0, long: [], heats: [], ratios: null }
    : { demo: 'microtasks', lines: [] }
}

/** The most lines a microtasks run may print (two contexts of five), and heats a race may have. */
const MAX_LINES = 10
const MAX_HEATS = 3

/** Apply one event (in place). False when it does not fit the state. */
export function applyDemoEvent(state: DemoState, event: DemoEvent): boolean {
  if (state.demo === 'microtasks' && event.demo === 'microtasks') {
    if (state.lines.length >= MAX_LINES) return false
    state.lines.push(event.ran)
    return true
  }
  if (state.demo !== 'scheduling' || event.demo !== 'scheduling') return false
  const e = event.event
  switch (e.type) {
    case 'jobs':
      state.workers = e.workers
      state.jobs = e.jobs
      state.long = e.long
      return true
    case 'heat': {
      if (e.round > 0) return true // a live race runs one round; later rounds are not drawn
      if (state.heats.length >= MAX_HEATS) return false
      const lanes = Array.from({ length: state.workers }, () => [])
      state.heats.push({
        scheduler: e.scheduler,
        label: e.label,
        status: 'running',
        at: 0,
        makespanMs: null,
        steals: 0,
        failedSteals: 0,
        lanes,
      })
      return true
    }
    case 'progress': {
      const heat = running(state.heats, e.scheduler)
      if (heat === undefined) return false
      heat.at = Math.max(heat.at, e.t)
      heat.lanes = e.lanes
      return true
    }
    case 'heat-done': {
      const heat = running(state.heats, e.scheduler)
      if (heat === undefined) return true // a later round's heat
      Object.assign(heat, {
        status: 'done',
        at: e.makespanMs,
        makespanMs: e.makespanMs,
        steals: e.steals,
        failedSteals: e.failedSteals,
        lanes: e.lanes,
      })
      return true
    }
    case 'done':
      state.ratios = e.ratios
      return true
  }
}

function running(heats: LiveHeat[], scheduler: string): LiveHeat | undefined {
  return heats.find((h) => h.scheduler === scheduler && h.status === 'running')
}

const KINDS: readonly Kind[] = ['process.nextTick', 'Promise.then', 'queueMicrotask', 'setImmediate', 'setTimeout 0']
const CONTEXTS: readonly Context[] = ['main module', 'I/O callback']
const RACE_EVENTS = ['jobs', 'heat', 'progress', 'heat-done', 'done']

/** One line a demo printed, as an event; null for anything else (it is not passed on). */
export function parseDemoLine(name: DemoName, line: string): DemoEvent | null {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const o = value as Record<string, unknown>
  if (name === 'microtasks') {
    const ok =
      CONTEXTS.includes(o.context as Context) &&
      KINDS.includes(o.kind as Kind) &&
      typeof o.order === 'number' &&
      typeof o.queue === 'string'
    return ok ? { demo: 'microtasks', ran: o as unknown as Ran } : null
  }
  return typeof o.type === 'string' && RACE_EVENTS.includes(o.type)
    ? { demo: 'scheduling', event: o as unknown as RaceEvent }
    : null
}
