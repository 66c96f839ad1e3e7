// What a card needs to know about the kind of load it shows, asked of bench's kind module here and
// nowhere else in components/: whether the load is `/cpu` tasks (so a table counts tasks, and the
// I/O latency worth showing is the `/0` probe's), whether it offers a fixed rate (an open loop),
// and whether every request opens its own connection (so its rate is connections a second).

import { kindOf as benchKindOf, isOpenLoop, sizesCpuTask } from '../../bench/kinds/kind.ts'
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
 * The kind of `scenario`, as bench's kind module decides it (bench/kinds/kind.ts): from a result's
 * resolved options when there is one (an open loop sized on the machine knows its rate only then),
 * else from the registry (bench/scenarios.ts). This only reads the settings of the kind it is told.
 */
export function kindOf(scenario: string, result?: BenchResult | null): CardKind {
  const fields = result ? result.options : findScenario(scenario)
  if (!fields) return { cpuTasks: false, probe: false, offered: null, perConnection: false }
  const kind = benchKindOf(fields)
  return {
    cpuTasks: sizesCpuTask(kind),
    probe: sizesCpuTask(kind) && (fields.cpuMix?.probe ?? null) !== null,
    offered: isOpenLoop(kind) ? (fields.open?.ratePerSec ?? null) : null,
    perConnection: kind === 'churn' || kind === 'busy-worker',
  }
}
