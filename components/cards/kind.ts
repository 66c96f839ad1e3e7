// What a card needs to know about the kind of load it shows, decided here and nowhere else in
// components/: whether the load is `/cpu` tasks (so a table counts tasks, and the I/O latency worth
// showing is the `/0` probe's), whether it offers a fixed rate (an open loop), and whether every
// request opens its own connection (so its rate is connections a second).

import { findScenario } from '../../bench/scenarios.ts'
import type { BenchResult } from '../../bench/types.ts'

export interface CardKind {
  /** `/cpu/<n>` tasks sized on the machine (cpu-mix, overload, load-curve): tables count tasks. */
  cpuTasks: boolean
  /** The paced `/0` probe runs beside the CPU tasks: its p99 is the latency a card shows. */
  probe: boolean
  /** Open loop: the requests a second offered on a fixed schedule; null for a closed loop. */
  offered: number | null
  /** A new connection per request (churn, busy-worker). */
  perConnection: boolean
}

/**
 * The kind of `scenario`: from a result's resolved options when there is one (an open loop sized on
 * the machine knows its rate only then), else from the registry (bench/scenarios.ts).
 */
// decided by bench's kind module after the merge
export function kindOf(scenario: string, result?: BenchResult | null): CardKind {
  if (result) {
    const o = result.options
    return {
      cpuTasks: o.cpuMix !== null,
      probe: (o.cpuMix?.probe ?? null) !== null,
      offered: o.open?.ratePerSec ?? null,
      perConnection: o.churn !== null,
    }
  }
  const s = findScenario(scenario)
  return {
    cpuTasks: s?.cpuMix !== undefined,
    probe: s?.cpuMix?.probe !== undefined,
    offered: s?.open?.ratePerSec ?? null,
    perConnection: s?.churn !== undefined,
  }
}
