// `GET /__stats`: the server's own view of itself, so the bench and the slides can show what load
// does inside the process, not only what the client sees.
//
// Two cheap probes from `perf_hooks` tell how blocked the event loop is:
// - event-loop delay: a libuv timer that should fire every 10 ms records how late it fires.
//   A `/cpu` request that holds the loop for 2 s shows up as a 2000 ms delay;
// - event-loop utilization: the share of time the loop spent running code rather than waiting,
//   counted from the loop's first turn: the start-up before it (loading modules, starting
//   threads) is not load, and a worker thread's own count would include it (Node counts a
//   worker's start-up as active time), so an idle server that had just started would read 1.
//   Until the loop has turned once there is nothing to measure, and it reads 0.
// Both are reported since the loop's first turn and for the last completed one-second window
// (`recent`), which is what a live meter wants.
//
// On Linux, the process's context switches too: how often its threads gave up a core to wait
// (voluntary) or were taken off one by the scheduler (involuntary), the price of many threads.

import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks'

/** Counters the connection code keeps; read by `/__stats`. */
export interface ServerCounters {
  /** Open connections, not counting the one asking for the stats. */
  connections: number
  /** Requests handed to the step and not yet answered. */
  inFlight: number
  /** Answers written, errors included. */
  answered: number
}

export interface LoopWindow {
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
  eventLoopUtilization: number
}

const NS_PER_MS = 1e6
/**
 * The probe's timer interval. The histogram records the time between two ticks of that timer, so
 * an idle loop records about 10 ms; the delay is what comes on top of it.
 */
const RESOLUTION_MS = 10

function delayMs(ns: number): number {
  return round(Math.max(0, ns / NS_PER_MS - RESOLUTION_MS))
}

export class StatsProbe {
  /**
   * Counters the connection code keeps. A plain object here; a step whose connections live on
   * several threads hands in an object backed by shared memory instead (shared-stats.ts).
   */
  readonly counters: ServerCounters
  private readonly step: { number: number | string; name: string }
  /** Step-specific counters: threads spawned, CPU tasks running, queue length, ... */
  private readonly extra: () => Record<string, unknown>
  private readonly sinceStart: IntervalHistogram
  private window: IntervalHistogram
  private lastWindow: LoopWindow = { eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, eventLoopUtilization: 0 }
  /** The utilization counters at the loop's first turn; undefined until then. */
  private startElu: EventLoopUtilization | undefined
  private windowElu: EventLoopUtilization | undefined
  private readonly startedAt = performance.now()

  constructor(
    step: { number: number | string; name: string },
    extra: () => Record<string, unknown> = () => ({}),
    counters: ServerCounters = { connections: 0, inFlight: 0, answered: 0 },
  ) {
    this.step = step
    this.extra = extra
    this.counters = counters
    this.sinceStart = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.sinceStart.enable()
    this.window = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.window.enable()
    // setImmediate runs in the first turn of the loop, once start-up is done.
    setImmediate(() => {
      this.startElu = performance.eventLoopUtilization()
      this.windowElu = this.startElu
    }).unref()
    // The window rolls on a timer of the very loop it measures: when the loop is blocked the roll
    // is late too, and the late sample lands in the window, which is what we want to see.
    setInterval(() => this.roll(), 1000).unref()
  }

  private roll(): void {
    this.lastWindow = {
      eventLoopDelayP99Ms: delayMs(this.window.percentile(99)),
      eventLoopDelayMaxMs: delayMs(this.window.max),
      eventLoopUtilization: utilizationSince(this.windowElu),
    }
    this.window.reset()
    this.windowElu = performance.eventLoopUtilization()
  }

  /** This thread's loop: since the server started, and over the last completed one-second window. */
  loop(): { sinceStart: LoopWindow; recent: LoopWindow } {
    return {
      sinceStart: {
        eventLoopDelayP99Ms: delayMs(this.sinceStart.percentile(99)),
        eventLoopDelayMaxMs: delayMs(this.sinceStart.max),
        eventLoopUtilization: utilizationSince(this.startElu),
      },
      recent: this.lastWindow,
    }
  }

  /** The JSON body of `/__stats`. */
  snapshot(): Record<string, unknown> {
    const memory = process.memoryUsage()
    const { sinceStart, recent } = this.loop()
    return {
      step: this.step.number,
      name: this.step.name,
      pid: process.pid,
      uptimeMs: Math.round(performance.now() - this.startedAt),
      cpus: availableParallelism(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      ...sinceStart,
      recent,
      ...contextSwitches(),
      ...this.counters,
      ...this.extra(),
    }
  }
}

/**
 * Context switches of the whole process: every thread, those that have already exited included
 * (step 2 starts a thread per request and lets it end). `process.resourceUsage()` is getrusage(2)
 * with RUSAGE_SELF (libuv's `uv_getrusage`), which on Linux is "the sum of resources used by all
 * threads in the process"; the kernel adds each exiting thread's counts to the process's
 * (`__exit_signal` in kernel/exit.c). Not /proc/self/status: its `voluntary_ctxt_switches` and
 * `nonvoluntary_ctxt_switches` are the main thread's alone (fs/proc/array.c prints one task's
 * counters). Linux only: Node documents both fields as unsupported on Windows, and other systems
 * are unchecked here, so elsewhere they are absent rather than a misleading 0. One system call,
 * made only when `/__stats` is asked.
 */
function contextSwitches(): Record<string, number> {
  if (process.platform !== 'linux') return {}
  const usage = process.resourceUsage()
  return {
    voluntaryContextSwitches: usage.voluntaryContextSwitches,
    involuntaryContextSwitches: usage.involuntaryContextSwitches,
  }
}

/** The loop's utilization since `from` (3 decimals); 0 if the loop has not turned yet (no `from`). */
function utilizationSince(from: EventLoopUtilization | undefined): number {
  return from === undefined ? 0 : round(performance.eventLoopUtilization(from).utilization, 3)
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return 0
  const f = 10 ** digits
  return Math.round(x * f) / f
}
