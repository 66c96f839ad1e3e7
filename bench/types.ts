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
 */
export const BENCH_COMPARISON = 'bench-comparison/2'
export type BenchComparison = Recording<typeof BENCH_COMPARISON, { scenario: string; results: BenchResult[] }>

/** Latency percentiles in milliseconds, to the microsecond, from an HDR histogram of every response. */
export interface LatencySummary {
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
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
  latency: LatencySummary | null
  /** Connection errors (refused, reset, ...), timeouts not included. */
  errors: number
  /** Requests with no answer within the timeout. */
  timeouts: number
  /** Answers whose status was not 2xx (they are counted in `completed` and in the latencies too). */
  non2xx: number
  statusCodes: Record<string, number>
}

/** What the server said about itself in `/__stats`, polled during the run. */
export interface ServerSummary {
  /** The highest `rss` seen by the polls (every 250 ms) and the final snapshot, in bytes. */
  peakRssBytes: number | null
  /** Event-loop delay p99 over the server's whole life, from the final snapshot (ms). */
  eventLoopDelayP99Ms: number | null
  /** The highest one-second-window (`recent`) event-loop delay p99 seen during the run (ms). */
  recentLoopDelayP99MaxMs: number | null
  eventLoopUtilization: number | null
  /** Step-specific counters, when the step reports them. */
  threadsSpawned: number | null
  cpuCap: number | null
  /** CPU time the server used during the load (Linux, from /proc; 10 ms resolution), in ms. */
  cpuMs: number | null
  /** How many polls answered, and how many did not (a blocked server cannot answer). */
  polls: number
  missedPolls: number
  /** The last `/__stats` body, as the server sent it. */
  final: Record<string, unknown> | null
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
  /** cpu-mix only: the paced `/0` probe (I/O latency while the CPU is busy). */
  probe: Metrics | null
  cpu: CpuCalibration | null
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
    /** cpu-mix: connections the probe had to reopen, and requests still unanswered at the end. */
    probe: { reconnects: number; unanswered: number } | null
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
  /** cpu-mix only. */
  cpuMix: { targetMs: number; n: number | null; probe: ProbeOptions } | null
}

export interface ProbeOptions {
  path: string
  ratePerSec: number
  /** Keep-alive connections, opened and used once before the load starts (see bench/probe.ts). */
  connections: number
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
  errors: number
  timeouts: number
  non2xx: number
  /** cpu-mix: the probe's running figures (the I/O latency while the cores are busy). */
  probe: { completed: number; p50Ms: number | null; p99Ms: number | null } | null
  /** The latest `/__stats`: `recent` values, i.e. the last one-second window. */
  server: { rssBytes: number; loopDelayP99Ms: number; connections: number; inFlight: number } | null
}

export interface RunHooks {
  onProgress?: (progress: BenchProgress) => void
  /** Stops the run at once; the promise then resolves with `partial: true, endedBy: 'aborted'`. */
  signal?: AbortSignal
  /**
   * The server's origin, once it answers and before the load starts: for a caller that watches the
   * server too (the deck's sampler, bench/live/sampler.ts).
   */
  onTarget?: (origin: string) => void
  /**
   * Every `/__stats` answer the run's own poller gets, as the server sent it. A step's peaks "since
   * the last read" restart at each read (examples/04-poller/counters.ts): a second reader of the same
   * server merges these to see them all.
   */
  onStats?: (body: Record<string, unknown>) => void
}
