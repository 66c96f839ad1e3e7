// A comparison: one scenario against several steps, one after another, as `npm run bench:all`,
// `npm run bench:record` and the deck's live comparisons run it. Never two runs at once: they would
// share the cores and spoil each other.
//
// What a comparison adds to single runs:
// - cpu-mix calibrates once: the first step's run sizes the CPU task (in its load generator), and
//   every later step gets the same `n`, so the steps hash the same task (the await scenarios the
//   same: the first step sizes the chain of awaits, the others get its `n`); an open loop whose rate
//   is a multiple of what the cores can do (overload) gets the first step's rate too, so every step
//   is offered the same load;
// - progress and results come with the index of the step (`leg`) they belong to;
// - an abort stops the step that runs (its result is partial) and starts no other;
// - `legTimeoutMs` aborts a step that has not settled in time (the deck's watchdog);
// - a step that fails either ends the comparison (the CLI: the table would be incomplete) or, with
//   `keepGoing`, is reported and the next one runs (the deck: show what did run).

import { type RunInput, runScenario } from './index.ts'
import type { BenchProgress, BenchResult, RunHooks } from './types.ts'

export interface ComparisonPlan {
  scenario: string
  steps: readonly string[]
  /** The same for every step: `connections`, `capS`, `cpuN` (then nothing is calibrated), ... */
  overrides?: Omit<RunInput, 'scenario' | 'step' | 'url'>
}

export interface ComparisonHooks {
  signal?: AbortSignal
  onLegStart?(leg: number, step: string): void
  onProgress?(leg: number, progress: BenchProgress): void
  onLegDone?(leg: number, result: BenchResult): void
  /** Only with `keepGoing`; without it a failure rejects the comparison. */
  onLegFailed?(leg: number, error: unknown): void
  keepGoing?: boolean
  /** Abort a step that has not settled this long after it started. */
  legTimeoutMs?: number
}

export interface ComparisonOutcome {
  /** One per step of the plan: null for a step that failed or was not reached. */
  results: (BenchResult | null)[]
  failures: number
  /** Why the comparison stopped before its last step ended (the abort's or the watchdog's reason). */
  stoppedBy: string | null
}

/** `run` is the bench's `runScenario`; the tests pass a stand-in. */
export type Runner = (input: RunInput, hooks: RunHooks) => Promise<BenchResult>

export async function runComparison(
  plan: ComparisonPlan,
  hooks: ComparisonHooks = {},
  run: Runner = runScenario,
): Promise<ComparisonOutcome> {
  const outcome: ComparisonOutcome = { results: plan.steps.map(() => null), failures: 0, stoppedBy: null }
  const { capacityFactor, ...overrides } = plan.overrides ?? {}
  let cpuN = overrides.cpuN
  let awaitN = overrides.awaitN
  let rate = overrides.rate
  for (let leg = 0; leg < plan.steps.length && !hooks.signal?.aborted; leg++) {
    const step = plan.steps[leg] as string
    hooks.onLegStart?.(leg, step)
    const input: RunInput = {
      ...overrides,
      scenario: plan.scenario,
      step,
      ...(cpuN === undefined ? {} : { cpuN }),
      ...(awaitN === undefined ? {} : { awaitN }),
      ...(rate !== undefined ? { rate } : capacityFactor !== undefined ? { capacityFactor } : {}),
    }
    const legSignal = legAbort(step, hooks)
    try {
      const result = await run(input, {
        signal: legSignal.signal,
        onProgress: (progress) => hooks.onProgress?.(leg, progress),
      })
      cpuN ??= result.cpu?.n // cpu-mix: the first step's calibration, for all the others
      awaitN ??= result.awaitChain?.n // the await scenarios: the first step's chain
      // A calibrated open loop: the first step's rate, for all the others.
      const open = result.options?.open
      if (open?.capacityFactor !== undefined) rate ??= open.ratePerSec ?? undefined
      outcome.results[leg] = result
      hooks.onLegDone?.(leg, result)
    } catch (error) {
      if (!hooks.keepGoing) throw error
      outcome.failures++
      hooks.onLegFailed?.(leg, error)
    } finally {
      legSignal.release()
    }
    if (legSignal.signal.aborted) {
      const reason: unknown = legSignal.signal.reason
      outcome.stoppedBy = reason instanceof Error ? reason.message : 'stopped'
      break
    }
  }
  return outcome
}

/** The signal of one step (or one leg of a sweep): the caller's, or the watchdog's. `release` lets go of both. */
export function legAbort(
  step: string,
  hooks: Pick<ComparisonHooks, 'signal' | 'legTimeoutMs'>,
): { signal: AbortSignal; release(): void } {
  const controller = new AbortController()
  const onAbort = () => controller.abort(hooks.signal?.reason)
  hooks.signal?.addEventListener('abort', onAbort, { once: true })
  const limit = hooks.legTimeoutMs
  const watchdog =
    limit === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new Error(`stopped: step ${step} had not finished after ${limit / 1000} s`)),
          limit,
        )
  watchdog?.unref() // the run keeps the process busy; the watchdog alone must not
  return {
    signal: controller.signal,
    release() {
      clearTimeout(watchdog)
      hooks.signal?.removeEventListener('abort', onAbort)
    },
  }
}
