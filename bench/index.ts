// The bench library's front door, for the CLI and for the deck's dev-server plugin.
//
// Importing this file is cheap: the registries, the option checks and the types. The heavy part —
// child processes, autocannon (in a forked child), HDR histograms — is loaded by the first call
// to `runScenario`, so a caller can validate names from the browser without loading any of it.
//
//   const controller = new AbortController()
//   const result = await runScenario({ step: '3', scenario: 'drill' }, {
//     onProgress: (p) => console.log(p.elapsedMs, p.completed, p.p99Ms),
//     signal: controller.signal,
//   })
//
// See bench/README.md for the contract: what progress and results contain, and what abort does.

import type { RunInput } from './scenarios.ts'
import type { BenchResult, RunHooks } from './types.ts'

export { STEPS, findStep, type StepEntry } from './steps.ts'
export {
  SCENARIOS,
  LIMITS,
  DEFAULT_SCENARIO,
  DEFAULT_STEP,
  BenchOptionError,
  findScenario,
  resolveRunOptions,
  throughputLimit,
  type RunInput,
  type Scenario,
  type Target,
} from './scenarios.ts'
export * from './types.ts'

/**
 * Run one scenario against one step (or `url`). Resolves with the result — also when aborted,
 * then with `partial: true` and `endedBy: 'aborted'`. Rejects on a bad option
 * (`BenchOptionError`, checked before anything starts), an unreachable `url`, or a server or load
 * generator that dies; every process the run started is gone by the time the promise settles.
 */
export async function runScenario(input: RunInput, hooks: RunHooks = {}): Promise<BenchResult> {
  const { runScenario: run } = await import('./run.ts')
  return run(input, hooks)
}
