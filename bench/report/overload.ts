// What an open loop of sized `/cpu` tasks shows (the `overload` scenario, and each leg of the load
// curve): the figures of a server offered more CPU work than its cores can do, read the same way by
// the terminal's table (report.ts) and the deck's cards (components/OverloadCompare.vue).
//
// Past capacity a server can do one of two things with the excess: let it wait (a line that only
// grows, every task later than the one before), or refuse it at once (503 with Retry-After) and
// keep the wait of the tasks it accepts bounded. So the tasks it served and the requests it turned
// away are counted apart, each with its own latency (`Metrics.byStatus`): a quick 503 must not
// flatter the latency of the tasks, nor a slow task hide the 503s. The `/0` probe beside them is
// the I/O latency while all this goes on. The server's own counters come from its last `/__stats`
// (step 5 and the piscina peer count their line; step 5 also its wake-ups).
//
// Pure functions of a result; browser-safe (types only).

import type { BenchResult, LatencySummary } from '../types.ts'

export interface OverloadFigures {
  /** Requests a second offered (the rate the generator worked out from the sized task). */
  offered: number | null
  /** 2xx answers a second: completed − non-2xx, over the run's span. */
  servedPerSec: number | null
  /** Latency of the tasks served (2xx), with the requests left unanswered at their wait so far. */
  served: LatencySummary | null
  served2xx: number
  /** 503 answers: how many, and how long they took (from when each request was due). */
  rejected: number
  rejectedLatency: LatencySummary | null
  /** Any other non-2xx answer (500s, ...). */
  otherNon2xx: number
  /** The `/0` probe's latency (none for a load without a probe). */
  probe: LatencySummary | null
  /** Requests due and not answered when the run ended (counted in `served` at their wait so far). */
  unanswered: number
  /** The server's own counters, from its last `/__stats`; null where it does not report them. */
  queueLengthMax: number | null
  wakeUps: number | null
  tasksDone: number | null
  tasksRejected: number | null
  cpuLimit: number | null
}

/** Whether a result is an open loop of sized `/cpu` tasks (overload, load-curve). */
export function isCpuOpenLoop(r: Pick<BenchResult, 'options'>): boolean {
  return r.options.cpuMix !== null && r.options.open !== null
}

export function overloadFigures(r: BenchResult): OverloadFigures {
  const m = r.metrics
  const codes = m.statusCodes
  const served2xx = Object.entries(codes).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0)
  const rejected = codes['503'] ?? 0
  return {
    offered: r.options.open?.ratePerSec ?? null,
    servedPerSec: m.spanMs !== null && m.spanMs > 0 ? (served2xx * 1000) / m.spanMs : null,
    served: m.byStatus?.ok ?? null,
    served2xx,
    rejected,
    rejectedLatency: rejected > 0 ? (m.byStatus?.other ?? null) : null,
    otherNon2xx: m.non2xx - rejected,
    probe: r.probe?.latency ?? null,
    unanswered: m.unanswered,
    queueLengthMax: counter(r, 'queueLengthMax'),
    wakeUps: counter(r, 'wakeUps'),
    tasksDone: counter(r, 'tasksDone'),
    tasksRejected: counter(r, 'tasksRejected'),
    cpuLimit: counter(r, 'cpuLimit'),
  }
}

/** A number from the server's last `/__stats`, or null. */
function counter(r: BenchResult, key: string): number | null {
  const value = r.server?.final?.[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
