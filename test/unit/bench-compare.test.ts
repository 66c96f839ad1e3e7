// The comparison runner (bench/compare.ts) with a stand-in for runScenario: the steps run one after
// another, cpu-mix calibrates once, a failure ends the comparison unless asked to keep going, an
// abort stops the step that runs and starts no other, and the watchdog stops a step that hangs.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runComparison } from '../../bench/compare.ts'
import type { RunInput } from '../../bench/options.ts'
import type { BenchResult, RunHooks } from '../../bench/types.ts'

/** Each call resolves at once with a result naming its step, unless `behave` says otherwise. */
function stand(
  behave: (input: RunInput, hooks: RunHooks) => Promise<Partial<BenchResult>> | undefined = () => undefined,
) {
  const calls: RunInput[] = []
  let running = 0
  let overlapped = false
  const run = async (input: RunInput, hooks: RunHooks): Promise<BenchResult> => {
    calls.push(input)
    overlapped ||= running > 0
    running++
    try {
      const partial = (await behave(input, hooks)) ?? {}
      return { step: { id: input.step ?? '', title: '' }, cpu: null, ...partial } as BenchResult
    } finally {
      running--
    }
  }
  return { run, calls, overlapped: () => overlapped }
}

/**
 * Resolves like runScenario on abort: with a partial, aborted result. Until then it holds the
 * event loop open, as a real run does with its sockets and children (the watchdog's timer does not).
 */
const untilAborted = (hooks: RunHooks) =>
  new Promise<Partial<BenchResult>>((resolve) => {
    const busy = setInterval(() => {}, 1000)
    const onAbort = () => {
      clearInterval(busy)
      resolve({ endedBy: 'aborted', partial: true })
    }
    hooks.signal?.addEventListener('abort', onAbort, { once: true })
  })

describe('runComparison', () => {
  test('one step after another, in order; every step gets the same overrides', async () => {
    const bench = stand()
    const done: string[] = []
    const outcome = await runComparison(
      { scenario: 'drill', steps: ['1', '3', '5'], overrides: { capS: 10 } },
      { onLegDone: (leg, r) => done.push(`${leg}:${r.step?.id}`) },
      bench.run,
    )
    assert.deepEqual(
      bench.calls,
      ['1', '3', '5'].map((step) => ({ scenario: 'drill', step, capS: 10 })),
    )
    assert.equal(bench.overlapped(), false, 'never two runs at once')
    assert.deepEqual(done, ['0:1', '1:3', '2:5'])
    assert.deepEqual([outcome.failures, outcome.stoppedBy, outcome.results.length], [0, null, 3])
  })

  test('cpu-mix: the first step calibrates, every later step gets its n', async () => {
    const bench = stand((input) =>
      Promise.resolve({ cpu: input.cpuN === undefined ? ({ n: 4242 } as BenchResult['cpu']) : null }),
    )
    await runComparison({ scenario: 'cpu-mix', steps: ['3', '5', 'piscina'] }, {}, bench.run)
    assert.deepEqual(
      bench.calls.map((c) => c.cpuN),
      [undefined, 4242, 4242],
    )
  })

  test('a failed step rejects the comparison and nothing after it runs, unless it keeps going', async () => {
    const failing = (input: RunInput) => (input.step === '2' ? Promise.reject(new Error('died')) : undefined)
    const strict = stand(failing)
    await assert.rejects(runComparison({ scenario: 'drill', steps: ['1', '2', '3'] }, {}, strict.run), /died/)
    assert.equal(strict.calls.length, 2)

    const lenient = stand(failing)
    const failed: string[] = []
    const outcome = await runComparison(
      { scenario: 'drill', steps: ['1', '2', '3'] },
      { keepGoing: true, onLegFailed: (leg, error) => failed.push(`${leg}: ${(error as Error).message}`) },
      lenient.run,
    )
    assert.equal(lenient.calls.length, 3)
    assert.deepEqual(failed, ['1: died'])
    assert.deepEqual(
      outcome.results.map((r) => r?.step?.id ?? null),
      ['1', null, '3'],
    )
    assert.equal(outcome.failures, 1)
  })

  test('an abort stops the step that runs, with its partial result, and starts no other', async () => {
    const controller = new AbortController()
    const bench = stand((_input, hooks) => {
      setImmediate(() => controller.abort(new Error('stopped from the deck')))
      return untilAborted(hooks)
    })
    const outcome = await runComparison(
      { scenario: 'drill', steps: ['1', '2', '3'] },
      { signal: controller.signal },
      bench.run,
    )
    assert.equal(bench.calls.length, 1)
    assert.equal(outcome.results[0]?.endedBy, 'aborted')
    assert.equal(outcome.stoppedBy, 'stopped from the deck')
  })

  test('the watchdog stops a step that does not settle', async () => {
    const bench = stand((_input, hooks) => untilAborted(hooks))
    const outcome = await runComparison({ scenario: 'drill', steps: ['3', '5'] }, { legTimeoutMs: 30 }, bench.run)
    assert.equal(bench.calls.length, 1)
    assert.equal(outcome.stoppedBy, 'stopped: step 3 had not finished after 0.03 s')
  })

  test('progress comes with the index of its step', async () => {
    const bench = stand((_input, hooks) => {
      hooks.onProgress?.({ phase: 'running' } as Parameters<NonNullable<RunHooks['onProgress']>>[0])
      return undefined
    })
    const seen: number[] = []
    await runComparison(
      { scenario: 'hello', steps: ['3', '4'] },
      { onProgress: (leg, p) => p.phase === 'running' && seen.push(leg) },
      bench.run,
    )
    assert.deepEqual(seen, [0, 1])
  })
})
