// The messages between a run (run.ts, in the caller's process) and its load generator
// (generator.ts, a forked child). The generator sends aggregated figures every 200 ms, never one
// message per response: at 80,000 responses a second the IPC channel would become the bottleneck.

import type {
  AutocannonSummary,
  AwaitChainSizing,
  ChurnOptions,
  CpuCalibration,
  HoldReport,
  Metrics,
  OpenLoopOptions,
  OpenLoopStats,
  ProbeOptions,
} from '../types.ts'

export interface GeneratorConfig {
  /** e.g. http://127.0.0.1:40123 */
  origin: string
  /** The main load's path; for cpu-mix the generator fills in `/cpu/<n>` after calibrating. */
  path: string
  /** Closed loop: autocannon's connections. Open loop: see `open`. */
  connections: number
  /** Count bound, or null for a duration bound. */
  requests: number | null
  durationS: number | null
  maxRequests: number
  timeoutS: number
  progressIntervalMs: number
  cpuMix: { targetMs: number; n: number | null; probe: ProbeOptions | null } | null
  /**
   * Open loop (bench/load/open-loop.ts) instead of autocannon's closed loop. A calibrated one has no
   * `ratePerSec` yet: `capacityFactor` × cores × 1000 / the task's calibrated ms, worked out here.
   */
  open:
    | (Omit<OpenLoopOptions, 'path' | 'ratePerSec'> & { ratePerSec: number | null; capacityFactor: number | null })
    | null
  /** await-trap, await-yield: the generator sizes the chain (`path` holds `<n>`), then loads it. */
  awaitChain: { targetMs: number; n: number | null; probe: ProbeOptions } | null
  /** churn and busy-worker: a connection per request (churn.ts), and the hold (busy-worker.ts). */
  churn: ChurnOptions | null
  /** Untimed requests of the main load's path sent to the server once `path` is known (0: none). */
  warmUpRequests: number
}

export type ToGenerator = { type: 'start'; config: GeneratorConfig } | { type: 'stop' }

export type FromGenerator =
  | { type: 'calibrating' }
  | { type: 'calibrated'; cpu: CpuCalibration }
  | { type: 'sized'; chain: AwaitChainSizing }
  /**
   * The load has started: `warmupMs` warming the generator, `setupMs` creating the clients; an open
   * loop's rate as used (a calibrated one's is known only now), null for a closed loop.
   */
  | { type: 'started'; path: string; warmupMs: number; setupMs: number; ratePerSec: number | null }
  | { type: 'progress'; elapsedMs: number; ratePerSec: number; main: Metrics; probe: Metrics | null }
  | {
      type: 'done'
      /** 'stopped': the run asked it to stop (cap or abort). */
      endedBy: 'completed' | 'duration' | 'stopped'
      elapsedMs: number
      /** CPU time the generator used during the load (user + system), in ms. */
      cpuMs: number
      main: Metrics
      probe: Metrics | null
      autocannon: AutocannonSummary | null
      /** An open-loop run: how the sender kept its schedule. */
      open: OpenLoopStats | null
      /** cpu-mix: the same for its probe. */
      probeStats: OpenLoopStats | null
      /** busy-worker: the worker it kept busy. */
      hold: HoldReport | null
    }
  | { type: 'failed'; message: string }
