// The recorded files the cards show when no live run is there: every bench/results/*.json (a
// comparison per scenario) and bench/results/sweep-*.json (a load curve per workload), found by Vite
// at build time (`import.meta.glob`, eager). The static build and the PDF carry them inside the
// bundle, with no request and nothing to fail, and a comparison recorded for a new scenario shows up
// without a line changed here. `npm run bench:record` and `npm run bench:sweep -- --record` rewrite
// them; the deck picks them up on the next build. (Vite only: the logic that reads them lives in
// figures.ts, sweeps.ts and the rows modules, which test/unit/ runs under Node.)

import { isRecording } from '../../bench/recording.ts'
import { SCENARIOS } from '../../bench/scenarios.ts'
import { BENCH_SWEEP, type BenchSweep } from '../../bench/report/sweep-result.ts'
import { BENCH_COMPARISON, type BenchComparison, type BenchResult } from '../../bench/types.ts'

const files = import.meta.glob<unknown>('../../bench/results/*.json', { eager: true, import: 'default' })

/** Every recorded comparison, by scenario, in the order of the bench's scenarios. */
const COMPARISONS = new Map<string, BenchComparison>(
  Object.values(files)
    .filter((file): file is BenchComparison => isRecording(file, BENCH_COMPARISON))
    .sort((a, b) => scenarioOrder(a.scenario) - scenarioOrder(b.scenario))
    .map((doc) => [doc.scenario, doc]),
)

/** Every recorded load curve, by workload (`cpu`: sized `/cpu` tasks). */
const SWEEPS = new Map<string, BenchSweep>(
  Object.values(files)
    .filter((file): file is BenchSweep => isRecording(file, BENCH_SWEEP))
    .map((doc) => [doc.workload, doc]),
)

function scenarioOrder(name: string): number {
  const i = SCENARIOS.findIndex((s) => s.name === name)
  return i === -1 ? SCENARIOS.length : i
}

/** How to record a comparison, said where one is missing. */
export const RECORD_COMPARISON = 'npm run bench:record'
/** How to record a load curve. */
export const RECORD_SWEEP = 'npm run bench:sweep -- --record'

/** The scenarios with recorded results, in the bench's order. */
export function recordedScenarios(): string[] {
  return [...COMPARISONS.keys()]
}

export function recorded(scenario: string): BenchComparison | null {
  return COMPARISONS.get(scenario) ?? null
}

export function recordedResult(scenario: string, step: string): BenchResult | null {
  return recorded(scenario)?.results.find((r) => r.step?.id === step) ?? null
}

/** The recorded sweep of a workload, or null. */
export function recordedSweep(workload: string): BenchSweep | null {
  return SWEEPS.get(workload) ?? null
}
