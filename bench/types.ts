// The shapes the bench hands to its front ends: the progress snapshots of a running benchmark, the
// result of a finished one, and the recorded comparison of several. All plain JSON (numbers,
// strings, arrays, plain objects), so the CLI can write them to a file and the deck's dev-server
// plugin can send them to the browser unchanged. Types, and one schema name: importing this file
// loads nothing, in Node or in the browser.

import type { MachineInfo, Recording } from './recording.ts'

export type { MachineInfo }

/**
 * bench/results/<scenario>.json, and `npm run bench -- --json FILE`: one scenario run against one
 * or more steps, one after another, in the envelope of every recorded file (recording.ts).
 * Version 3: latencies count the requests a run left unanswered (`lowerBound`, `unanswered`), and
 * a run may be open loop (`options.open`, `generator.open`).
 */
export const BENCH_COMPARISON = 'bench-comparison/3'
export type BenchComparison = Recording<typeof BENCH_COMPARISON, { scenario: string; results: BenchResult[] }>

/** The figures of a `LatencySummary`. */
export type LatencyField = 'min' | 'p50' | 'p90' | 'p99' | 'max' | 'mean'

/**
 * Latency percentiles in milliseconds, to the microsecond, from an HDR histogram of every response
 * and of every request left unanswered, counted at its wait so far (metrics.ts).
 */
export interface LatencySummary {
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
  /**
   * The figures that are lower bounds: they count a request that had no answer yet at its wait so
   * far, and would be higher had it been waited for ("≥ 10.0 s"). Empty when every figure is exact.
   */
  lowerBound: LatencyField[]
}

/** What one load (the main one, or cpu-mix's probe) measured. */
export interface Metrics {
  /** Responses received (any status). */
  completed: number
  /** Last completion − first send, in ms; null before the first completion. */
  spanMs: number | null
  /** completed / (last completion − first send), in requests per second. */
  throughput: number | null
  /**
   * Steady-state rate: each connection's own rate between its first and its last completion,
   * summed over connections. Leaves out the ramp (connecting, the first wave) and the tail; null
   * when no connection completed twice (a single wave, like `drill`).
   */
  steadyThroughput: number | null
  /**
   * Closed loop: from each request's send. Open loop: from the moment each request was *due* on the
   * schedule, so time spent waiting for the server to take it is counted (no coordinated omission).
   * Requests still unanswered are in it at their wait so far (see `unanswered`).
   */
  latency: LatencySummary | null
  /**
   * Open loop only (null in a closed loop, where it is `latency`): from the moment each request
   * actually left to its answer, the time a closed-loop tool such as wrk would report.
   */
  serviceTime: LatencySummary | null
  /**
   * Requests sent (or due, in an open loop) and not answered when these figures were taken: each is
   * counted in the latencies at its wait so far, which makes the figures it reaches lower bounds.
   */
  unanswered: number
  /** Connection errors (refused, reset, ...), timeouts not included. */
  errors: number
  /** Requests with no answer within the timeout. */
  timeouts: number
  /** Answers whose status was not 2xx (they are counted in `completed` and in the latencies too). */
  non2xx: number
  statusCodes: Record<string, number>
  /**
   * Open loop only: `latency` split by what came back. `ok`: the 2xx answers, and the requests still
   * unanswered at their wait so far (a 503 comes at once: one that has waited is in line for a real
   * answer). `other`: every other answer, e.g. the 503s of a server that sheds load, which come back
   * quickly by design and would flatter a figure that mixed them with the tasks it served.
   */
  byStatus?: { ok: LatencySummary | null; other: LatencySummary | null }
}

/** What the server said about itself in `/__stats`, polled during the run. */
export interface ServerSummary {
  /**
   * The highest `rss` seen by the polls (every 250 ms) and the final snapshot, and, when the bench
   * started the server (Linux), its VmRSS read from /proc at every tick, in bytes.
   */
  peakRssBytes: number | null
  /** `rss` at the first poll, on the idle server before the load: peak − idle is what the load cost. */
  idleRssBytes: number | null
  /** The most threads the server process had at a tick (Linux, /proc; null with `--url`). */
  peakThreads: number | null
  /** Event-loop delay p99 over the server's whole life, from the final snapshot (ms). */
  eventLoopDelayP99Ms: number | null
  /** The highest one-second-window (`recent`) event-loop delay p99 seen during the run (ms). */
  recentLoopDelayP99MaxMs: number | null
  eventLoopUtilization: number | null
  /** Step-specific counters, when the step reports them. */
  threadsSpawned: number | null
  /** Step 5 and its peers: how many CPU tasks may run at once (`--cpu-limit`). */
  cpuLimit: number | null
  /**
   * The server's context switches during the run: the change from the first `/__stats` poll (idle,
   * before the load) to the last (after it), every thread of the process counted. Null where the
   * server does not report them (not Linux) or answered only once.
   */
  contextSwitches: ContextSwitches | null
  /** CPU time the server used during the load (Linux, from /proc; 10 ms resolution), in ms. */
  cpuMs: number | null
  /** How many polls answered, and how many did not (a blocked server cannot answer). */
  polls: number
  missedPolls: number
  /**
   * Whether the poll after the load answered. When it did not (a server still swamped), `final`
   * and the counters read from it are the last answer, from during the run.
   */
  finalAnswered: boolean
  /** The last `/__stats` body, as the server sent it. */
  final: Record<string, unknown> | null
  /**
   * A server with worker threads (step 6): what each worker took during the run, from its
   * `/__stats` `workers` (the last poll minus the first, on the idle server). The bench's own polls
   * (4 a second, each a new connection) are counted with the load. Null for other servers.
   */
  workers: WorkerShare[] | null
}

/** One worker's share of a run: connections it was handed (or accepted) and requests it served. */
export interface WorkerShare {
  worker: number
  accepted: number
  requests: number
}

/** busy-worker: the keep-alive connection that kept one worker hashing for the whole run. */
export interface HoldReport {
  /** The worker that served the hold's connection (its `/__stats` said); null for a server without workers. */
  worker: number | null
  /** Each task is `/cpu/<n>`, about `taskMs` of CPU time (calibrated in the load generator). */
  n: number
  taskMs: number
  /** Tasks answered while the load ran. */
  tasksDone: number
}

/**
 * Context switches (getrusage): voluntary — a thread gave up its core to wait (a sleep, a lock, an
 * empty socket); involuntary — the scheduler took the core away (its time slice was over).
 */
export interface ContextSwitches {
  voluntary: number
  involuntary: number
  /**
   * The time between the two polls (the server's own uptime), in ms: the whole run, or less when
   * the server stopped answering before the end (its last answer is then the last poll).
   */
  overMs: number | null
}

/** cpu-mix: the size of one CPU task, calibrated on the running machine before the run. */
export interface CpuCalibration {
  n: number
  targetMs: number
  /** Whether `n` was measured now or given by the caller (`--cpu-n`, or reused across steps). */
  source: 'calibrated' | 'given'
  /** CPU time of one `cpuHash(n)` in the load-generator process (median of three), in ms. */
  localMs: number
  /** One `GET /cpu/<n>` on the idle server, request to answer (wall time), in ms; null if it failed. */
  serverMs: number | null
}

/**
 * await-trap and await-yield: how long a chain of awaits is, sized on the idle server before the
 * run (bench/load/await-chain.ts).
 */
export interface AwaitChainSizing {
  n: number
  targetMs: number
  /** Whether `n` was sized now or given (`--await-n`, or reused across the steps of a comparison). */
  source: 'sized' | 'given'
  /** The fastest of five `GET /await/1000000` on the idle server, request to answer, in ms. */
  msPerMillion: number | null
  /** One request of the run's own route with this `n` on the idle server, in ms; null if it failed. */
  serverMs: number | null
}

/** What autocannon itself reported, kept to show why the bench does not use it. */
export interface AutocannonSummary {
  /**
   * Its per-second-bucket average: wrong for short or slow runs, which count the ramp and the empty
   * last second (one wave of 150 × /1000 reads 75 req/s).
   */
  requestsAverage: number
  /** Its latency percentiles, whole milliseconds. */
  latencyP50: number
  latencyP99: number
  durationS: number
}

export interface TimelinePoint {
  /** ms since the load started. */
  t: number
  completed: number
  ratePerSec: number
  p99Ms: number | null
  rssBytes: number | null
  loopDelayP99Ms: number | null
}

export type EndedBy = 'completed' | 'duration' | 'cap' | 'aborted'

export interface BenchResult {
  /** ISO time the run started. */
  startedAt: string
  machine: MachineInfo
  /** The step that was started, or null when the run targeted `--url`. */
  step: { id: string; title: string } | null
  /** The origin the load went to. */
  url: string
  scenario: string
  options: ResolvedRunOptions
  /** 'completed': all requests answered or failed; 'duration': the time ran out as planned. */
  endedBy: EndedBy
  /** Cut by the cap or aborted: the numbers cover what was done, nothing is extrapolated. */
  partial: boolean
  done: number
  /** The requests asked for, in count-bounded runs; null when bounded by duration. */
  asked: number | null
  /** Wall time of the load phase, in ms. */
  loadMs: number
  /** One line for people: "43 of 150 done in 10.0 s (cut by the 10 s cap)". */
  summary: string
  /** The main load: `/<ms>`, `/0`, or cpu-mix's CPU tasks. */
  metrics: Metrics
  /** Closed-loop limit for `/<ms>` loads: connections × 1000 / ms requests per second. */
  limit: { throughput: number; ratio: number | null; steadyRatio: number | null } | null
  /** cpu-mix and the await scenarios: the paced `/0` probe (I/O latency while the loop is busy). */
  probe: Metrics | null
  cpu: CpuCalibration | null
  /** await-trap and await-yield: the chain's length, sized on the idle server. */
  awaitChain: AwaitChainSizing | null
  /** busy-worker only: the worker held busy, and how. */
  hold: HoldReport | null
  server: ServerSummary | null
  autocannon: AutocannonSummary | null
  /**
   * The load generator's own costs: warming up on a local dummy server (not measured), and
   * creating the clients, which autocannon does before any request can go out. `setupMs` is
   * left out of first-wave latencies and of the throughput's span (no request can leave before
   * the clients exist: see Recorder.start); it is shown so the client's cost is visible.
   */
  generator: {
    warmupMs: number
    setupMs: number
    /**
     * CPU time the generator used during the load, in ms (null if it was killed before telling).
     * cpuMs / loadMs near 1 means it kept a whole core busy: it may be the bottleneck.
     */
    cpuMs: number | null
    /** An open-loop run: how well the generator kept its schedule. */
    open: OpenLoopStats | null
    /** cpu-mix: the same for its paced probe. */
    probe: OpenLoopStats | null
  } | null
  timeline: TimelinePoint[]
  /** The processes this run started (all gone when the promise settles). */
  pids: { server: number | null; generator: number | null }
}

/** A run's options once defaults, scenario and overrides are merged (recorded in the result). */
export interface ResolvedRunOptions {
  scenario: string
  /** Step id, or null with `url`. */
  step: string | null
  url: string | null
  connections: number
  /** Count bound, or null when bounded by duration. */
  requests: number | null
  /** Duration bound in seconds, or null when bounded by count. */
  durationS: number | null
  /** The path of the main load; for cpu-mix `/cpu/<n>` once `n` is known. */
  path: string
  /** The hard time limit of the load phase, in seconds. */
  capS: number
  /** Per-request timeout, in seconds (longer than the cap: the cap ends a run first). */
  timeoutS: number
  /** Safety bound on the number of requests of a duration-bounded run. */
  maxRequests: number
  /** A `/cpu/<n>` load sized on the running machine (cpu-mix, overload, load-curve), and its probe. */
  cpuMix: { targetMs: number; n: number | null; probe: ProbeOptions | null } | null
  /**
   * Open loop (null: closed loop, autocannon): `ratePerSec` requests a second on a fixed schedule
   * for `durationS`, whatever the server does. `connections` above is then the most connections the
   * generator may hold; `preopened` of them are opened before the schedule starts. A calibrated open
   * loop gives `capacityFactor` instead (a multiple of cores × 1000 / the task's ms): its
   * `ratePerSec` is null until the generator has sized the task, and is the rate used in a result.
   */
  open: { ratePerSec: number | null; capacityFactor?: number; preopened: number } | null
  /** await-trap and await-yield only: the chain's target length, its `n` once sized, the probe. */
  awaitChain: { targetMs: number; n: number | null; probe: ProbeOptions } | null
  /**
   * churn and busy-worker: a new connection for every request (bench/load/churn.ts), `connections` of
   * them open at once; busy-worker adds the hold (bench/load/busy-worker.ts), tasks of ~`taskMs`.
   */
  churn: ChurnOptions | null
  /** Untimed requests of `path` the server answered before the load (absent: none). */
  warmUpRequests?: number
}

export interface ChurnOptions {
  hold: { taskMs: number } | null
}

/** An open-loop sender (bench/load/open-loop.ts): the main load of an open-loop run, or cpu-mix's probe. */
export interface OpenLoopOptions {
  path: string
  ratePerSec: number
  /** Keep-alive connections opened, and each used once, before the schedule starts. */
  connections: number
  /**
   * The most connections it may hold. Below it, a request that finds every connection busy goes out
   * on a new one at once; at it, the request waits for a free one (its wait counts in its latency,
   * and it is counted in `OpenLoopStats.heldAtBound`).
   */
  maxConnections: number
}

/** cpu-mix's `/0` probe is an open-loop sender (bench/load/open-loop.ts says why it has 50 connections). */
export type ProbeOptions = OpenLoopOptions

/** How an open-loop sender kept its schedule: every request it could not send on time is counted. */
export interface OpenLoopStats {
  ratePerSec: number
  /** Requests that fell due before the schedule ended (or the run was stopped). */
  scheduled: number
  /** Requests written to a connection. */
  sent: number
  /**
   * Sent more than `lateAfterMs` after they fell due although a connection was free: the generator
   * itself was late (its event loop was held up). Their latency still counts from when they were due.
   */
  late: number
  lateAfterMs: number
  /** The latest such a send came, in ms after it was due. */
  maxLatenessMs: number
  /** Sent late because every connection was busy and the bound was reached. */
  heldAtBound: number
  maxConnections: number
  /** Connections opened before the schedule started, and during the run. */
  opened: { before: number; during: number }
  /** The most connections open at once. */
  peakConnections: number
  /** Requests lost with their connection (refused, reset); also in the metrics' `errors`. */
  refused: number
  /** Due but not answered when the sender stopped: in the latencies at their wait so far. */
  unanswered: number
}

/** What `onProgress` receives, at most every 200 ms. */
export interface BenchProgress {
  phase: 'starting' | 'calibrating' | 'running' | 'stopping'
  /** ms since the load started (0 before). */
  elapsedMs: number
  completed: number
  asked: number | null
  /** Completions per second over the last interval. */
  ratePerSec: number
  /** Running percentiles of everything completed so far (ms). */
  p50Ms: number | null
  p99Ms: number | null
  /** Which of `p50Ms` and `p99Ms` are lower bounds (requests in flight, counted at their wait so far). */
  lowerBound: LatencyField[]
  /** Requests sent (or due) and not answered yet. */
  unanswered: number
  errors: number
  timeouts: number
  non2xx: number
  /** cpu-mix: the probe's running figures (the I/O latency while the cores are busy). */
  probe: { completed: number; p50Ms: number | null; p99Ms: number | null; lowerBound: LatencyField[] } | null
  /** The latest `/__stats`: `recent` values, i.e. the last one-second window. */
  server: { rssBytes: number; loopDelayP99Ms: number; connections: number; inFlight: number } | null
}

export interface RunHooks {
  onProgress?: (progress: BenchProgress) => void
  /** Stops the run at once; the promise then resolves with `partial: true, endedBy: 'aborted'`. */
  signal?: AbortSignal
  /**
   * The server's origin, once it answers and before the load starts: for a caller that watches the
   * server too (the deck's sampler, bench/watch/sampler.ts).
   */
  onTarget?: (origin: string) => void
  /**
   * Every `/__stats` answer the run's own poller gets, as the server sent it. A step's peaks "since
   * the last read" restart at each read (examples/04-poller/counters.ts): a second reader of the same
   * server merges these to see them all.
   */
  onStats?: (body: Record<string, unknown>) => void
}
