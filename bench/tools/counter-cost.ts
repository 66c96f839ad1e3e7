// What step 4's counters cost (examples/04-poller/counters.ts), measured: `hello` throughput with
// the counters on, and with `--no-counters` (the same methods doing nothing), in one run,
// alternating. Optionally a third arm: counters on and the deck's sampler reading `/__stats` 10
// times a second beside the load (bench/watch/sampler.ts), which is what a live picture costs.
//
// Method (compare in one run, alternating, and quote ratios): every run starts a fresh server,
// so each arm pays the same start-up and JIT warm-up; round r runs the arms in an order rotated by
// r, so no arm is always first or last on a machine whose load drifts; the figure per arm is the
// median of its runs, and the verdict is the ratio of medians. On two cores the load generator
// shares the machine with the server: the ratio is what this measures, not the absolute req/s.
//
// Beside throughput, each run's server CPU time per answered request (Linux, /proc, from before
// the load to after it, /__stats polls included in every arm alike): throughput on a shared machine
// moves with whatever else runs, CPU time per request much less, so it is the steadier second view
// of the same question.

import { runScenario } from '../index.ts'
import { Sampler } from '../watch/sampler.ts'
import { SAMPLE_INTERVAL_MS } from '../watch/watch.ts'
import { processCpuMs } from '../server/machine.ts'
import { startServer } from '../server/server-process.ts'
import { findStep } from '../steps.ts'

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
  /** The server's CPU time per answered request, in µs (Linux; null elsewhere). */
  cpuUsPerRequest: number | null
}

export interface CounterCost {
  runs: ArmRun[]
  /** Median throughput per arm. */
  medians: Partial<Record<Arm, number>>
  /** Each arm's median ÷ the `off` arm's (1 = no cost). */
  ratios: Partial<Record<Arm, number>>
  /** The same for the server's CPU time per request (a ratio above 1 is a cost). */
  cpuMedians: Partial<Record<Arm, number>>
  cpuRatios: Partial<Record<Arm, number>>
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
  const throughput = mediansAndRatios(runs, options.arms, (r) => r.throughput)
  const cpu = mediansAndRatios(runs, options.arms, (r) => r.cpuUsPerRequest)
  return { runs, ...throughput, cpuMedians: cpu.medians, cpuRatios: cpu.ratios }
}

function mediansAndRatios(
  runs: readonly ArmRun[],
  arms: readonly Arm[],
  figure: (run: ArmRun) => number | null,
): { medians: Partial<Record<Arm, number>>; ratios: Partial<Record<Arm, number>> } {
  const medians: Partial<Record<Arm, number>> = {}
  for (const arm of arms) {
    const values = runs.map(figure).filter((v, i): v is number => runs[i]!.arm === arm && v !== null)
    if (values.length > 0) medians[arm] = median(values)
  }
  const ratios: Partial<Record<Arm, number>> = {}
  const base = medians.off
  if (base !== undefined) for (const arm of arms) if (medians[arm] !== undefined) ratios[arm] = medians[arm]! / base
  return { medians, ratios }
}

async function runArm(arm: Arm, round: number, options: CounterCostOptions): Promise<ArmRun> {
  const server = await startServer(findStep('4')!, arm === 'off' ? ['--no-counters'] : [], { signal: options.signal })
  let sampler: Sampler | null = null
  try {
    if (arm === 'sampled') {
      sampler = new Sampler(server.url, { intervalMs: SAMPLE_INTERVAL_MS, peaks: [], onSample: () => {} })
      sampler.start()
    }
    const cpuBefore = processCpuMs(server.pid)
    const result = await runScenario(
      { url: server.url, scenario: 'hello', durationS: options.durationS, connections: options.connections },
      { signal: options.signal },
    )
    const cpuAfter = processCpuMs(server.pid)
    const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore
    return {
      round,
      arm,
      throughput: result.partial ? null : result.metrics.throughput,
      samples: sampler?.samples ?? null,
      cpuUsPerRequest: cpuMs === null || result.partial || result.done === 0 ? null : (cpuMs * 1000) / result.done,
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
