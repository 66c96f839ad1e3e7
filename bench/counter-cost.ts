// What step 4's counters cost (examples/04-poller/counters.ts), measured: `hello` throughput with
// the counters on, and with `--no-counters` (the same methods doing nothing), in one run,
// alternating. Optionally a third arm: counters on and the deck's sampler reading `/__stats` 8
// times a second beside the load (bench/live/sampler.ts), which is what a live picture costs.
//
// Method (NOTES: compare in one run, alternating, quote ratios): every run starts a fresh server,
// so each arm pays the same start-up and JIT warm-up; round r runs the arms in an order rotated by
// r, so no arm is always first or last on a machine whose load drifts; the figure per arm is the
// median of its runs, and the verdict is the ratio of medians. On two cores the load generator
// shares the machine with the server: the ratio is what this measures, not the absolute req/s.

import { runScenario } from './index.ts'
import { Sampler } from './live/sampler.ts'
import { SAMPLE_INTERVAL_MS } from './live/watch.ts'
import { startServer } from './server-process.ts'
import { findStep } from './steps.ts'

export type Arm = 'on' | 'off' | 'sampled'

export const ARM_TITLES: Record<Arm, string> = {
  on: 'counters on',
  off: 'counters off (--no-counters)',
  sampled: `counters on, /__stats sampled every ${SAMPLE_INTERVAL_MS} ms`,
}

export interface CounterCostOptions {
  rounds: number
  durationS: number
  connections: number
  arms: readonly Arm[]
  signal?: AbortSignal
  onRun?(run: ArmRun): void
}

export interface ArmRun {
  round: number
  arm: Arm
  /** Completed requests per second (the bench's throughput), and answers to the sampler. */
  throughput: number | null
  samples: number | null
}

export interface CounterCost {
  runs: ArmRun[]
  /** Median throughput per arm. */
  medians: Partial<Record<Arm, number>>
  /** Each arm's median ÷ the `off` arm's (1 = no cost). */
  ratios: Partial<Record<Arm, number>>
}

/** The A/B: `rounds` rounds, each running every arm once, in rotated order. */
export async function measureCounterCost(options: CounterCostOptions): Promise<CounterCost> {
  const runs: ArmRun[] = []
  for (let round = 0; round < options.rounds && !options.signal?.aborted; round++) {
    const order = options.arms.map((_, i) => options.arms[(i + round) % options.arms.length]!)
    for (const arm of order) {
      if (options.signal?.aborted) break
      const run = await runArm(arm, round, options)
      runs.push(run)
      options.onRun?.(run)
    }
  }
  const medians: Partial<Record<Arm, number>> = {}
  for (const arm of options.arms) {
    const values = runs.filter((r) => r.arm === arm && r.throughput !== null).map((r) => r.throughput!)
    if (values.length > 0) medians[arm] = median(values)
  }
  const ratios: Partial<Record<Arm, number>> = {}
  const base = medians.off
  if (base !== undefined)
    for (const arm of options.arms) if (medians[arm] !== undefined) ratios[arm] = medians[arm]! / base
  return { runs, medians, ratios }
}

async function runArm(arm: Arm, round: number, options: CounterCostOptions): Promise<ArmRun> {
  const server = await startServer(findStep('4')!, arm === 'off' ? ['--no-counters'] : [], { signal: options.signal })
  let sampler: Sampler | null = null
  try {
    if (arm === 'sampled') {
      sampler = new Sampler(server.url, { intervalMs: SAMPLE_INTERVAL_MS, peaks: [], onSample: () => {} })
      sampler.start()
    }
    const result = await runScenario(
      { url: server.url, scenario: 'hello', durationS: options.durationS, connections: options.connections },
      { signal: options.signal },
    )
    return {
      round,
      arm,
      throughput: result.partial ? null : result.metrics.throughput,
      samples: sampler?.samples ?? null,
    }
  } finally {
    await sampler?.stop()
    await server.stop()
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
