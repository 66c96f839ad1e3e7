// The bench library's front door, for the CLI and for the deck's dev-server plugin.
//
// Reading order, from `npm run bench` to a number on a slide (bench/README.md has the long form):
//   cli/bench.ts          flags → RunInput (cli/args.ts), Ctrl-C (cli/interrupt.ts), then here
//   compare.ts            bench:all, bench:record and the deck: the steps one after another
//   index.ts              this file: check the input (options.ts, scenarios.ts, steps.ts), load run.ts
//   run.ts                one run in phases: target (server/server-process.ts), polling
//                         (server/server-stats.ts), load (generator-session.ts), stop
//   load/                 the forked generator's world: load/generator.ts drives autocannon or an
//                         open loop and records every answer (load/metrics.ts)
//   report/run-result.ts  what the run saw → BenchResult (types.ts), a pure function
//   report/               text (run-text.ts), tables (table.ts), Markdown (markdown.ts), each kind's
//                         part from kinds/ (kindOf decides the kind once); cli/record.ts writes
//                         results/<scenario>.json in the envelope of recording.ts
//   components/cards/recorded.ts  the slides load results/*.json and render them with format.ts
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

import type { RunInput } from './options.ts'
import type { BenchResult, RunHooks } from './types.ts'

export {
  BenchOptionError,
  connectionsOf,
  DEFAULT_OPEN_SCENARIO,
  DEFAULT_SCENARIO,
  DEFAULT_STEP,
  LIMITS,
  type RunInput,
  resolveRunOptions,
  throughputLimit,
} from './options.ts'
export { findScenario, SCENARIOS, type Scenario, type Target } from './scenarios.ts'
export { findStep, type StepEntry, STEPS } from './steps.ts'
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
