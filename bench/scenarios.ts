// The named benchmarks: what each one loads, how it is bounded, and the target it sets for step 3.
// Plain data, importable anywhere: the deck's components order their recorded results by it in
// the browser. options.ts turns a caller's request into checked run options from it.
//
// Every run is bounded twice: by count or duration, and by a hard time cap (10 s unless the
// scenario or the caller says otherwise). A run the cap cuts is reported as partial, never
// extrapolated: step 1 on `drill` would need 150 s, and "10 of 150 done in 10 s" is the lesson.

import type { ProbeOptions } from './types.ts'

export interface Scenario {
  name: string
  /** One line for menus and reports. */
  title: string
  /** Load connections; `'cores'`: one per core of the machine running the bench. */
  connections: number | 'cores'
  /** Count-bounded scenarios: requests per connection (1 = one wave). */
  requestsPerConnection?: number
  /** Duration-bounded scenarios: seconds of load. */
  durationS?: number
  /** The path of the main load (cpu-mix: `/cpu/<n>`, n calibrated at run time). */
  path: string
  /** Hard time limit of the load phase, in seconds. */
  capS: number
  /** cpu-mix: the CPU task size to calibrate, and the paced I/O probe. */
  cpuMix?: { targetMs: number; probe: ProbeOptions }
  /** The goal the talk sets for step 3 under this load, checked and printed by the reports. */
  target?: Target
}

export interface Target {
  text: string
  minThroughput?: number
  minSteadyThroughput?: number
  maxP99Ms?: number
  /** All requests answered within this many ms of the first send. */
  maxSpanMs?: number
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'drill',
    title: '150 connections, one request each of /1000: the classic thread-per-request drill',
    connections: 150,
    requestsPerConnection: 1,
    path: '/1000',
    capS: 10,
    target: { text: '≥ 145 req/s and p99 ≤ 1030 ms', minThroughput: 145, maxP99Ms: 1030 },
  },
  {
    name: 'burst512',
    title: '512 connections, one request each of /1000, all at once',
    connections: 512,
    requestsPerConnection: 1,
    path: '/1000',
    capS: 10,
    target: { text: 'all 512 done within 1.10 s of the first send', maxSpanMs: 1100 },
  },
  {
    name: 'hello',
    title: '100 connections, 5 s of /0: the cost of a request, nothing else',
    connections: 100,
    durationS: 5,
    path: '/0',
    capS: 10,
  },
  {
    name: 'c10k',
    title: '10,000 connections, 6 s of /1000: ten thousand clients waiting at once',
    connections: 10_000,
    durationS: 6,
    path: '/1000',
    capS: 10,
    target: { text: '≥ 9,500 completed req/s in steady state', minSteadyThroughput: 9500 },
  },
  {
    name: 'cpu-mix',
    title: 'one /cpu task (~60 ms) per core, back to back, plus a paced /0 probe at 100 req/s',
    // Enough concurrent /cpu requests to keep every core busy: one closed-loop connection per core.
    connections: 'cores',
    durationS: 6,
    path: '/cpu/<n>',
    capS: 10,
    cpuMix: { targetMs: 60, probe: { path: '/0', ratePerSec: 100, connections: 50 } },
  },
  // The two loads the deck's live pictures of a runtime watch (bench/live/watch.ts). short-sleeps
  // keeps every part of step 4's runtime busy at once: 300 connections each sleeping 20 ms between
  // answers are timers in the heap, sockets waiting in the reactor and tasks in the run queue,
  // thousands of times a second. cpu-burst is more CPU work than step 5's line holds, all at once:
  // one request per connection (autocannon gives each connection its share of the count, so a
  // request turned away with 503 is not sent again), so the line fills, drains, and the rest is
  // answered 503 at once; ~30 ms tasks so that a line of 256 drains in seconds on two cores.
  {
    name: 'short-sleeps',
    title: '300 connections, 5 s of /20: short sleeps, so the run queue, the timers and the sockets all stay busy',
    connections: 300,
    durationS: 5,
    path: '/20',
    capS: 10,
  },
  {
    name: 'cpu-burst',
    title: '300 connections, one /cpu task (~30 ms) each, all at once, plus the paced /0 probe at 100 req/s',
    connections: 300,
    requestsPerConnection: 1,
    path: '/cpu/<n>',
    capS: 10,
    cpuMix: { targetMs: 30, probe: { path: '/0', ratePerSec: 100, connections: 50 } },
  },
]

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name)
}
