// What the live bench cards run when a slide gives no scenario or steps: their props' defaults,
// kept here once so that the components and the deck's static test (which checks every run a
// slide's button would ask for) read the same values.

export const LIVE_BENCH_DEFAULTS = { scenario: 'drill' } as const

export const BENCH_COMPARE_DEFAULTS = { scenario: 'drill', steps: ['1', '2', '3', '4', '5'] } as const

export const LOOP_LAG_DEFAULTS = { scenario: 'cpu-mix', steps: ['3', '5'] } as const

export const WORKER_SHARES_DEFAULTS = { scenario: 'busy-worker', steps: ['6-kernel', '6', '6-least'] } as const

export const OVERLOAD_COMPARE_DEFAULTS = {
  scenario: 'overload',
  steps: ['2-pool', '5', '5-spare-core', 'piscina'],
} as const

export const LOAD_CURVE_DEFAULTS = { scenario: 'load-curve', workload: 'cpu', steps: ['1', '3', '5'] } as const

/** The defaults of each card whose run the deck's test checks, by tag name. */
export const CARD_DEFAULTS: Record<string, { scenario: string; steps?: readonly string[] }> = {
  LiveBench: LIVE_BENCH_DEFAULTS,
  BenchCompare: BENCH_COMPARE_DEFAULTS,
  LoopLag: LOOP_LAG_DEFAULTS,
  WorkerShares: WORKER_SHARES_DEFAULTS,
}
