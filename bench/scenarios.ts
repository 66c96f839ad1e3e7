// The named benchmarks: what each one loads, how it is bounded, and the target it sets for step 3.
// Plain data, importable anywhere: the deck's components order their recorded results by it in
// the browser. options.ts turns a caller's request into checked run options from it.
//
// Every run is bounded twice: by count or duration, and by a hard time cap (10 s unless the
// scenario or the caller says otherwise). A run the cap cuts is reported as partial, never
// extrapolated: step 1 on `drill` would need 150 s, and "10 of 150 done in 10 s" is the lesson.
//
// Most scenarios are closed loop (autocannon: a connection sends its next request when the last
// answer arrives). One with `open` is open loop (bench/load/open-loop.ts): `open.ratePerSec` requests a
// second on a fixed schedule for `durationS`, whatever the server does, each latency counted from
// when the request was due; `connections` is then the most connections the generator may hold.
// An open loop of `/cpu` tasks may instead give `open.capacityFactor`: the rate is then that multiple
// of what the machine's cores can hash (cores × 1000 / the task's calibrated ms), worked out in the
// load generator once it has sized the task, so "1.5" means half again more than the cores can do on
// any machine.

import type { ChurnOptions, ProbeOptions } from './types.ts'

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
  /**
   * A `/cpu/<n>` load whose task is sized on the running machine (cpu-mix, overload, load-curve):
   * the CPU time one task should take, and the paced I/O probe beside it (none for load-curve).
   */
  cpuMix?: { targetMs: number; probe?: ProbeOptions }
  /** Open loop: requests a second on a fixed schedule, and how many connections to open beforehand. */
  open?: OpenLoad
  /**
   * The microtask trap (await-trap, await-yield): each request awaits a chain of `n` settled
   * promises, `n` sized on the idle server so that one chain takes about `targetMs`; and the paced
   * I/O probe beside it. Step 3 serves the two routes (others answer 404).
   */
  awaitChain?: { targetMs: number; probe: ProbeOptions }
  /** A new connection for every request (bench/load/churn.ts); `hold`: keep one worker busy (busy-worker.ts). */
  churn?: ChurnOptions
  /** The goal the talk sets for step 3 under this load, checked and printed by the reports. */
  target?: Target
  /**
   * The steps `npm run bench:record` records this scenario on (bench/results/<name>.json): 'all' is
   * every entry of steps.ts this Node can start; absent, it is not recorded.
   */
  recordedOn?: readonly string[] | 'all'
}

/** An open loop's rate: `ratePerSec`, or (a calibrated `/cpu` load) `capacityFactor`; one of the two. */
export interface OpenLoad {
  ratePerSec?: number
  /** The rate as a multiple of what the cores can do: cores × 1000 / the calibrated task's ms. */
  capacityFactor?: number
  /** Opened (and used once) before the schedule starts; default `defaultPreopened(rate)` (options.ts). */
  preopened?: number
}

export interface Target {
  /** The step the target is set for: a run of any other step is not held to it. */
  step: string
  text: string
  minThroughput?: number
  minSteadyThroughput?: number
  maxP99Ms?: number
  /** All requests answered within this many ms of the first send. */
  maxSpanMs?: number
}

/**
 * The paced `/0` probe beside CPU work or a chain of awaits: 100 req/s on 50 connections opened
 * first, and no more (bench/load/open-loop.ts says why 50).
 */
const IO_PROBE: ProbeOptions = { path: '/0', ratePerSec: 100, connections: 50, maxConnections: 50 }

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'drill',
    title: '150 connections, one request each of /1000: the classic thread-per-request drill',
    connections: 150,
    requestsPerConnection: 1,
    path: '/1000',
    capS: 10,
    target: { step: '3', text: '≥ 145 req/s and p99 ≤ 1030 ms', minThroughput: 145, maxP99Ms: 1030 },
    recordedOn: 'all',
  },
  {
    name: 'burst512',
    title: '512 connections, one request each of /1000, all at once',
    connections: 512,
    requestsPerConnection: 1,
    path: '/1000',
    capS: 10,
    target: { step: '3', text: 'all 512 done within 1.10 s of the first send', maxSpanMs: 1100 },
    recordedOn: 'all',
  },
  {
    name: 'hello',
    title: '100 connections, 5 s of /0: the cost of a request, nothing else',
    connections: 100,
    durationS: 5,
    path: '/0',
    capS: 10,
    // Every server, peers included. On two cores the generator needs a core of its own, so hello
    // measures the generator as much as the server: a floor for each, not its ceiling.
    recordedOn: 'all',
  },
  {
    name: 'c10k',
    title: '10,000 connections, 6 s of /1000: ten thousand clients waiting at once',
    connections: 10_000,
    durationS: 6,
    path: '/1000',
    capS: 10,
    target: { step: '3', text: '≥ 9,500 completed req/s in steady state', minSteadyThroughput: 9500 },
    // Step 1 would serve its 10,000 clients one a second; the slides compare the ways of waiting,
    // and step 6's two dispatchers with step 3's one loop and with its peer, node:cluster's processes.
    recordedOn: ['2', '3', '4', '5', '6', '6-kernel', 'cluster-rr', 'cluster-none'],
  },
  {
    name: 'cpu-mix',
    title: 'one /cpu task (~60 ms) per core, back to back, plus a paced /0 probe at 100 req/s',
    // Enough concurrent /cpu requests to keep every core busy: one closed-loop connection per core.
    connections: 'cores',
    durationS: 6,
    path: '/cpu/<n>',
    capS: 10,
    cpuMix: { targetMs: 60, probe: IO_PROBE },
    recordedOn: 'all',
  },
  {
    name: 'paced',
    title: '200 req/s of /0 on a fixed schedule for 5 s (open loop): latency from when each request was due',
    // The most connections the generator may hold (live runs allow 600).
    connections: 500,
    durationS: 5,
    path: '/0',
    capS: 10,
    open: { ratePerSec: 200 },
  },
  // The microtask trap, in two scenarios that differ only in the route: the same chain of awaits,
  // without and with a yield to the event loop every 128 of them (examples/03-event-loop/server.ts).
  // Two connections keep step 3's loop busy back to back; a few hundred ms a chain is long enough
  // to see on the loop-delay meter and short enough for many chains in 6 s. Both size `n` with
  // `/await/<n>` (no yields), so on one machine the two run the same work.
  {
    name: 'await-trap',
    title: 'two connections of /await/<n> (~300 ms of awaits on settled promises), plus a paced /0 probe',
    connections: 2,
    durationS: 6,
    path: '/await/<n>',
    capS: 10,
    awaitChain: { targetMs: 300, probe: IO_PROBE },
    // Step 3 only: the other steps answer these routes with 404.
    recordedOn: ['3'],
  },
  {
    name: 'await-yield',
    title: 'the same chains, yielding to the loop every 128 awaits (/await-yield/<n>), plus the /0 probe',
    connections: 2,
    durationS: 6,
    path: '/await-yield/<n>',
    capS: 10,
    awaitChain: { targetMs: 300, probe: IO_PROBE },
    recordedOn: ['3'],
  },
  // Step 6's two weaknesses that no keep-alive load shows. `churn`: every request on a connection
  // of its own, so every request is also an accept, and an acceptor thread handles each one.
  // `busy-worker`: the same churn while one worker hashes back to back; where do new connections go?
  {
    name: 'churn',
    title: 'a new connection for every request: 32 clients, each connect → GET /0 → answer → close, 5 s',
    connections: 32,
    durationS: 5,
    path: '/0',
    capS: 10,
    churn: { hold: null },
    // Step 6's dispatchers against step 3's one loop, and node:cluster's two policies (its primary
    // accepting every connection, or its workers accepting on one socket).
    recordedOn: ['3', '6', '6-kernel', 'cluster-rr', 'cluster-none'],
  },
  {
    name: 'busy-worker',
    title: 'one worker kept hashing (~250 ms /cpu tasks, back to back) while 32 clients churn new connections',
    connections: 32,
    durationS: 5,
    path: '/0',
    capS: 10,
    churn: { hold: { taskMs: 250 } },
    // A server with workers: how step 6's dispatchers place new connections, and node:cluster's.
    recordedOn: ['6-kernel', '6', '6-least', 'cluster-rr', 'cluster-none'],
  },
  // The two loads the deck's live pictures of a runtime watch (bench/watch/watch.ts). short-sleeps
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
    cpuMix: { targetMs: 30, probe: IO_PROBE },
  },
  {
    name: 'overload',
    title: '/cpu tasks (~15 ms) arriving at 1.5× what the cores can hash for 6 s, open loop, plus a paced /0 probe',
    // More /cpu requests than the cores can ever serve: a server's line grows (or it sheds the
    // excess with 503s) whatever it does. 15 ms tasks at 1.5× on 2 cores are 200 arrivals a second
    // against at most ~133 served, a backlog growing by ≥ 67 a second: step 5's line of 256 is full
    // within ~4 s, its 503s show for the rest of the 6 s, and the 256 waiting drain in ~2 s, inside
    // the 10 s cap. The bound on connections (500, plus the probe's 50) fits the live cap of 600.
    connections: 500,
    durationS: 6,
    path: '/cpu/<n>',
    capS: 10,
    cpuMix: { targetMs: 15, probe: IO_PROBE },
    open: { capacityFactor: 1.5 },
    // The servers with a line of CPU work: steps 1, 3 and 4 hash on their loop and would only show a
    // backlog cut by the cap, and step 2 per request would start a thread for each of 200 arrivals a second.
    recordedOn: ['2-pool', '5', '5-spare-core', 'piscina'],
  },
  {
    name: 'load-curve',
    title: '/cpu tasks (~20 ms) at a share of what the cores can hash, open loop: one point of the load curve',
    // One leg of `npm run bench:sweep`: the sweep gives each leg its rate (and the task size the
    // first leg calibrated); alone, it offers half of what the cores can do. Short runs, a short cap:
    // past a server's capacity the backlog grows by the second, and a leg the cap cuts ends the sweep.
    connections: 500,
    durationS: 3,
    path: '/cpu/<n>',
    capS: 6,
    cpuMix: { targetMs: 20 },
    open: { capacityFactor: 0.5 },
  },
]

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name)
}

/** The scenarios `npm run bench:record` records, in the order it records them. */
export function recordedScenarios(): Scenario[] {
  return SCENARIOS.filter((s) => s.recordedOn !== undefined)
}
