// A live sweep (bench/live/: kind 'sweep'): what a window may ask for (a step and a scenario of
// sized /cpu tasks, nothing else), and the host running it: the plugin's own loads, one leg after
// another within the live caps, every window following the legs, a stop, and the deck's check that
// each load-curve and overload component on a slide asks for a run the plugin accepts.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { LiveBenchHost } from '../../bench/live/host.ts'
import { applyUpdate, type BenchUpdate, EVENTS, type RunView } from '../../bench/live/messages.ts'
import { checkRunRequest, LIVE_MAX_RATE, LIVE_MAX_STEPS, LIVE_SWEEP } from '../../bench/live/requests.ts'
import type { RunInput } from '../../bench/options.ts'
import { noMetrics } from '../../bench/report/run-result.ts'
import { liveSweepLoads } from '../../bench/sweep.ts'
import type { BenchResult, RunHooks } from '../../bench/types.ts'
import { loadDeck } from '../helpers/deck.ts'

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('live sweep: what a window may ask for', () => {
  test('a step and a scenario of sized /cpu tasks offered open loop', () => {
    assert.deepEqual(checkRunRequest({ requestId: 's1', kind: 'sweep', scenario: 'load-curve', step: '5' }), {
      ok: true,
      value: { requestId: 's1', kind: 'sweep', scenario: 'load-curve', step: '5' },
    })
    assert.ok(checkRunRequest({ requestId: 's2', kind: 'sweep', scenario: 'overload', step: '3' }).ok)
  })

  test('anything else is refused: other scenarios, loads or rates from the browser, several steps', () => {
    const base = { requestId: 's', kind: 'sweep', scenario: 'load-curve', step: '3' }
    for (const [input, why] of [
      [{ ...base, scenario: 'drill' }, /a sweep offers sized \/cpu tasks at rising loads: overload, load-curve/],
      [{ ...base, scenario: 'cpu-mix' }, /a sweep offers sized \/cpu tasks/],
      [{ ...base, loads: [1, 100] }, /unexpected field 'loads'/],
      [{ ...base, rate: 1e6 }, /unexpected field 'rate'/],
      [{ ...base, steps: ['3', '5'] }, /unexpected field 'steps'/],
      [{ ...base, step: '../x' }, /unknown step/],
    ] as const) {
      const checked = checkRunRequest(input)
      assert.equal(checked.ok, false, JSON.stringify(input))
      if (!checked.ok) assert.match(checked.message, why)
    }
  })
})

describe('live sweep: the host', () => {
  /** A stand-in for runScenario: each leg waits until the test finishes it, or the run is aborted. */
  function makeHost() {
    const calls: { input: RunInput; hooks: RunHooks; finish(unanswered?: number): void }[] = []
    const sent: { event: string; data: unknown }[] = []
    const host = new LiveBenchHost({
      runScenario: (input, hooks) =>
        new Promise<BenchResult>((resolve) => {
          const result = (unanswered: number, aborted = false) =>
            ({
              step: { id: input.step, title: '' },
              scenario: input.scenario,
              options: { open: { ratePerSec: input.rate ?? 25, preopened: 10 } },
              cpu: { n: 321, targetMs: 20, source: 'calibrated', localMs: 20, serverMs: 20 },
              metrics: { ...noMetrics(), unanswered },
              endedBy: aborted ? 'aborted' : unanswered ? 'cap' : 'duration',
              partial: aborted || unanswered > 0,
              summary: 'fake',
            }) as unknown as BenchResult
          hooks.signal?.addEventListener('abort', () => resolve(result(0, true)), { once: true })
          calls.push({ input, hooks, finish: (unanswered = 0) => resolve(result(unanswered)) })
        }),
      broadcast: (event, data) => sent.push({ event, data }),
      liveChildren: () => 0,
    })
    const updates = () => sent.filter((s) => s.event === EVENTS.update).map((s) => s.data as BenchUpdate)
    return { host, calls, updates }
  }

  test("the plugin's own loads, one leg at a time, each within the live caps; every window follows", async () => {
    const { host, calls, updates } = makeHost()
    const reply = host.run({ requestId: 'a', kind: 'sweep', scenario: 'load-curve', step: '5' })
    assert.equal(reply.ok, true)
    assert.match(reply.message, /the load curve of step 5/)
    await settle()
    const started = updates()[0]
    assert.ok(started?.type === 'started')
    const loads = liveSweepLoads(LIVE_MAX_STEPS)
    assert.deepEqual(started.run.loads, loads)
    assert.equal(started.run.legs.length, loads.length)
    assert.ok(loads.length <= LIVE_MAX_STEPS)
    // A window that follows from the start.
    const mirror = JSON.parse(JSON.stringify(started.run)) as RunView
    assert.equal(calls.length, 1, 'one leg at a time')
    const first = calls[0]!.input
    assert.deepEqual(
      [first.scenario, first.step, first.durationS, first.capS, first.rate],
      ['load-curve', '5', LIVE_SWEEP.durationS, LIVE_SWEEP.capS, undefined],
    )
    assert.ok(LIVE_SWEEP.capS <= 10 && LIVE_SWEEP.durationS < LIVE_SWEEP.capS)
    calls[0]!.finish()
    await settle()
    await settle()
    assert.equal(calls.length, 2)
    assert.deepEqual([calls[1]!.input.cpuN, calls[1]!.input.rate], [321, Math.round(loads[1]! * 50 * 100) / 100])
    assert.ok(calls[1]!.input.rate! <= LIVE_MAX_RATE)
    // Past capacity: requests left unanswered end the curve; the rest of the legs are skipped.
    calls[1]!.finish(12)
    await settle()
    await settle()
    assert.equal(calls.length, 2, 'no leg after a lower bound')
    for (const update of updates().slice(1)) assert.ok(applyUpdate(mirror, update))
    const view = host.snapshot().finished[0]!
    assert.deepEqual(mirror, view, 'a window that followed the updates sees what the plugin sees')
    assert.equal(view.status, 'done')
    assert.match(view.message ?? '', /cut by its cap with 12 requests unanswered/)
    assert.deepEqual(
      view.legs.map((l) => l.status),
      ['done', 'done', ...loads.slice(2).map(() => 'skipped')],
    )
  })

  test('a stop aborts the leg that runs and starts no other', async () => {
    const { host, calls, updates } = makeHost()
    const { runId } = host.run({ requestId: 'a', kind: 'sweep', scenario: 'load-curve', step: '3' })
    await settle()
    assert.equal(host.stop({ requestId: 's', runId }).ok, true)
    await settle()
    await settle()
    assert.equal(calls.length, 1)
    const last = updates().at(-1)
    assert.ok(last?.type === 'finished')
    assert.deepEqual([last.status, last.message], ['stopped', 'stopped from the deck'])
    assert.equal(host.busy, false)
  })
})

describe('the deck asks for runs the plugin accepts', () => {
  test('every LoadCurve sweeps a known step of load-curve; every OverloadCompare compares known servers', async () => {
    const slides = await loadDeck('workshop')
    const problems: string[] = []
    let count = 0
    for (const slide of slides) {
      for (const m of slide.content.matchAll(/<(LoadCurve|OverloadCompare)\b([^>]*)\/>/g)) {
        count++
        const [tag, name, attrs] = [m[0], m[1]!, m[2]!]
        const list = /:steps="\[([^\]]*)\]"/.exec(attrs)?.[1]
        const steps = list ? [...list.matchAll(/'([^']*)'/g)].map((x) => x[1]!) : null
        const requests =
          name === 'LoadCurve'
            ? (steps ?? ['1', '3', '5']).map((step) => ({
                requestId: 'deck',
                kind: 'sweep',
                scenario: 'load-curve',
                step,
              }))
            : [
                {
                  requestId: 'deck',
                  kind: 'compare',
                  scenario: 'overload',
                  steps: steps ?? ['2-pool', '5', '5-spare-core', 'piscina'],
                },
              ]
        for (const request of requests) {
          const checked = checkRunRequest(request)
          if (!checked.ok) problems.push(`slide ${slide.no}: ${tag}: ${checked.message}`)
        }
      }
    }
    assert.deepEqual(problems, [])
    assert.ok(count >= 2, `only ${count} load-curve and overload components in the deck`)
  })
})
