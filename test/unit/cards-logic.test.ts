// The deck cards' logic, without a browser: which live run a card shows, how a run becomes rows,
// which figures are lower bounds, what the captions say, and how a chart draws a missing sample.
// The recorded results in bench/results/ are the fixtures, read as the deck reads them.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { type LegView, type LivePoint, type RunView, waitingLeg } from '../../bench/live/messages.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import type { BenchComparison, BenchProgress, BenchResult } from '../../bench/types.ts'
import { barStyle } from '../../components/cards/bars.ts'
import { comparisonCaption, plural, recordedCaption, watchCaption } from '../../components/cards/captions.ts'
import { compareScale, rowOfLeg, rowOfResult } from '../../components/cards/compare-rows.ts'
import {
  figuresOfProgress,
  figuresOfResult,
  figureText,
  latencyText,
  shownLatency,
  withGaps,
} from '../../components/cards/figures.ts'
import { kindOf } from '../../components/cards/kind.ts'
import { badgeText, isRunOf, legStage, liveLeg, liveRun, rowsOf } from '../../components/cards/live-runs.ts'
import { loopColumns, loopLineOfResult, loopTargets } from '../../components/cards/loop-lines.ts'
import { overloadRowOfLeg, overloadRowOfResult } from '../../components/cards/overload-rows.ts'
import { segmentsOf } from '../../components/cards/share-rows.ts'
import { stepDash, stepMarker, stepName } from '../../components/cards/step-colors.ts'

function recording(scenario: string): BenchComparison {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results', `${scenario}.json`), 'utf8')) as BenchComparison
}
function result(scenario: string, step: string): BenchResult {
  const r = recording(scenario).results.find((x) => x.step?.id === step)
  assert.ok(r, `bench/results/${scenario}.json has step ${step}`)
  return r
}

function progress(over: Partial<BenchProgress> = {}): BenchProgress {
  return {
    phase: 'running',
    elapsedMs: 2000,
    completed: 100,
    asked: null,
    ratePerSec: 50,
    p50Ms: 20,
    p99Ms: 3000,
    lowerBound: ['p99'],
    unanswered: 4,
    errors: 0,
    timeouts: 0,
    non2xx: 7,
    probe: null,
    server: null,
    ...over,
  }
}

function leg(step: string, over: Partial<LegView> = {}): LegView {
  return { ...waitingLeg(step), ...over }
}

function run(over: Partial<RunView> & Pick<RunView, 'kind' | 'scenario' | 'steps'>): RunView {
  return {
    id: 'r1',
    startedAt: 1_000_000,
    finishedAt: null,
    status: 'running',
    legs: over.steps.map((s) => leg(s)),
    message: null,
    demo: null,
    ...over,
  }
}

describe('the kind of a scenario, decided in one place', () => {
  test('cpu-mix counts /cpu tasks with a probe; drill is a closed loop of requests; churn is per connection', () => {
    assert.deepEqual(kindOf('cpu-mix'), { cpuTasks: true, probe: true, offered: null, perConnection: false })
    assert.deepEqual(kindOf('drill'), { cpuTasks: false, probe: false, offered: null, perConnection: false })
    assert.equal(kindOf('churn').perConnection, true)
    assert.equal(kindOf('overload').cpuTasks, true)
  })

  test("a result's own options decide, as the registry does for its name", () => {
    assert.deepEqual(kindOf('cpu-mix', result('cpu-mix', '3')), kindOf('cpu-mix'))
    const overload = kindOf('overload', result('overload', '5'))
    assert.ok(overload.offered !== null && overload.offered > 0, 'an open loop sized on the machine has its rate')
  })
})

describe('figures and lower bounds', () => {
  test("cpu-mix shows the probe's latency; drill the load's", () => {
    const mix = result('cpu-mix', '3')
    assert.equal(shownLatency(mix), mix.probe?.latency)
    const drill = result('drill', '3')
    assert.equal(shownLatency(drill), drill.metrics.latency)
  })

  test('a run the cap cut reads "≥" and says so; a whole run does not', () => {
    const cut = figuresOfResult(result('drill', '1'))
    assert.equal(cut.cut, 'cap')
    assert.ok(cut.lowerBound.includes('p99'))
    assert.match(figureText(cut, 'p99'), /^≥ /)
    const whole = figuresOfResult(result('drill', '3'))
    assert.equal(whole.cut, null)
    assert.deepEqual(whole.lowerBound, [])
    assert.doesNotMatch(figureText(whole, 'p99'), /≥/)
  })

  test('a run in progress carries its lower bounds too', () => {
    const f = figuresOfProgress(progress(), 'drill')
    assert.deepEqual(f.lowerBound, ['p99'])
    assert.equal(figureText(f, 'p99'), '≥ 3.00 s')
    assert.equal(figureText(f, 'p50'), '20.0 ms')
  })

  test('latencyText never puts "≥" before a dash', () => {
    assert.equal(latencyText(null, true), '–')
    assert.equal(latencyText(10_000.4, true), '≥ 10.0 s')
  })
})

describe('a missing sample is a gap, never a zero', () => {
  test("the microtask trap's frozen loop: its stale readings become nulls, and one labelled gap", () => {
    const r = result('await-trap', '3')
    const line = loopLineOfResult(r)
    assert.equal(line.gaps.length, 1, `one gap: ${JSON.stringify(line.gaps)}`)
    const [gap] = line.gaps
    assert.ok(gap!.to - gap!.from >= 5, `the loop froze for seconds: ${gap!.from}–${gap!.to} s`)
    const inGap = line.points.filter((p) => p.t >= gap!.from && p.t <= gap!.to)
    assert.ok(inGap.length > 10)
    assert.ok(
      inGap.every((p) => p.loopDelay === null),
      'no point in the gap draws a delay',
    )
    assert.ok(
      line.points.some((p) => p.loopDelay !== null && p.loopDelay > 100),
      'the spike after the freeze is drawn',
    )
  })

  test('a server that answers every poll has no gap', () => {
    const points: LivePoint[] = Array.from({ length: 20 }, (_, i) => ({
      t: i * 0.2,
      rate: 10,
      completed: i,
      p50: null,
      p99: null,
      probeP99: null,
      // A new reading every other point (polls every 250 ms, points every 200 ms).
      loopDelay: 1 + Math.floor(i / 2),
      rssBytes: 1000,
    }))
    assert.deepEqual(withGaps(points).gaps, [])
  })

  test("uPlot's columns: null where a line has no sample (a gap), undefined where another line has a point", () => {
    const at = (t: number, loopDelay: number | null): LivePoint => ({
      t,
      rate: 0,
      completed: 0,
      p50: null,
      p99: null,
      probeP99: null,
      loopDelay,
      rssBytes: null,
    })
    const columns = loopColumns([{ points: [at(0, 1), at(1, null), at(2, 3)] }, { points: [at(0.5, 7)] }])
    assert.deepEqual(columns, [
      [0, 0.5, 1, 2],
      [1, undefined, null, 3],
      [undefined, 7, undefined, undefined],
    ])
  })

  test('LoopLag draws one line per step, or one per scenario of the first step', () => {
    assert.equal(loopTargets('cpu-mix', ['3', '5'], []).length, 2)
    const byScenario = loopTargets('cpu-mix', ['3'], ['await-trap', 'await-yield'])
    assert.deepEqual(
      byScenario.map((t) => [t.scenario, t.step, t.steps]),
      [
        ['await-trap', '3', ['3']],
        ['await-yield', '3', ['3']],
      ],
    )
  })
})

describe('which live run a card shows', () => {
  const compare = run({ kind: 'compare', scenario: 'drill', steps: ['1', '3'], status: 'done', finishedAt: 1_042_000 })

  test('the comparison of exactly its steps: in progress first, else the last finished', () => {
    const current = run({ id: 'r2', kind: 'compare', scenario: 'drill', steps: ['1', '3'] })
    const ask = { kind: 'compare' as const, scenario: 'drill', steps: ['1', '3'] }
    assert.equal(liveRun({ current, finished: [compare] }, ask), current)
    assert.equal(liveRun({ current: null, finished: [compare] }, ask), compare)
    assert.equal(liveRun({ current: null, finished: [compare] }, { ...ask, steps: ['1', '3', '5'] }), null)
    assert.equal(liveRun({ current: null, finished: [compare] }, { kind: 'sweep', scenario: 'drill', step: '1' }), null)
  })

  test('isRunOf tells a sweep of a step from a comparison of the same step', () => {
    const sweep = run({ kind: 'sweep', scenario: 'load-curve', steps: ['3'] })
    assert.ok(isRunOf(sweep, { kind: 'sweep', scenario: 'load-curve', step: '3' }))
    assert.ok(!isRunOf(sweep, { kind: 'compare', scenario: 'load-curve', steps: ['3'] }))
  })

  test("liveLeg skips a step still waiting and a sweep's legs, and finds an older run's leg", () => {
    const older = run({
      ...compare,
      legs: [leg('1', { status: 'done', result: result('drill', '1') }), leg('3', { status: 'done' })],
    })
    const waiting = run({ id: 'r3', kind: 'compare', scenario: 'drill', steps: ['1', '3'] })
    const sweep = run({
      id: 'r4',
      kind: 'sweep',
      scenario: 'drill',
      steps: ['1'],
      legs: [leg('1', { status: 'running' })],
    })
    const found = liveLeg({ current: waiting, finished: [sweep, older] }, 'drill', '1')
    assert.equal(found?.run, older)
    assert.equal(liveLeg({ current: waiting, finished: [] }, 'drill', '1'), null)
  })

  test('the badge', () => {
    assert.equal(badgeText(null), 'recorded')
    assert.equal(badgeText(run({ kind: 'compare', scenario: 'drill', steps: ['1'] })), 'live ●')
    assert.equal(badgeText(compare), 'live')
  })
})

describe('a run becomes rows', () => {
  test('rowsOf: the live legs when there is a run, else the recording, else "missing"', () => {
    const of = {
      leg: (l: LegView) => `leg ${l.step} ${legStage(l).stage}`,
      result: (step: string) => `recorded ${step}`,
      missing: (step: string) => `missing ${step}`,
    }
    const recorded = (step: string) => (step === '1' ? result('drill', '1') : null)
    assert.deepEqual(rowsOf(['1', '9'], null, recorded, of), ['recorded 1', 'missing 9'])
    const live = run({ kind: 'compare', scenario: 'drill', steps: ['1', '9'] })
    live.legs[0] = leg('1', { status: 'running', phase: 'running', last: progress() })
    assert.deepEqual(rowsOf(['1', '9'], live, recorded, of), ['leg 1 running', 'leg 9 waiting'])
  })

  test('legStage: starting, running so far, failed, skipped', () => {
    assert.deepEqual(legStage(leg('1', { status: 'running', phase: 'calibrating' })), {
      stage: 'starting',
      note: 'calibrating…',
    })
    assert.equal(legStage(leg('1', { status: 'running', phase: 'running', last: progress() })).stage, 'running')
    assert.deepEqual(legStage(leg('1', { status: 'failed', error: 'no port' })), { stage: 'failed', note: 'no port' })
    assert.equal(legStage(leg('1', { status: 'skipped' })).stage, 'skipped')
  })

  test("BenchCompare: a cut recording is hatched, '≥', and says its cap; a running leg reads so far", () => {
    const cut = rowOfResult('1', result('drill', '1'))
    assert.equal(cut.cut, true)
    assert.equal(cut.p99Lower, true)
    assert.match(cut.done, /\(cap 10 s\)$/)
    const running = rowOfLeg(leg('3', { status: 'running', phase: 'running', last: progress() }), 'drill')
    assert.equal(running.state, 'running')
    assert.equal(running.rate, 50) // 100 completed in 2 s
    assert.equal(running.p99Lower, true)
    const scale = compareScale([cut, running], [result('drill', '3')])
    assert.ok(scale.rate >= result('drill', '3').metrics.throughput!)
  })

  test("cpu-mix: a running leg's p99 is the probe's", () => {
    const probe = { completed: 5, p50Ms: 1, p99Ms: 42, lowerBound: [] }
    const row = rowOfLeg(leg('3', { status: 'running', phase: 'running', last: progress({ probe }) }), 'cpu-mix')
    assert.equal(row.p99, 42)
    assert.equal(row.p99Lower, false)
  })

  test('OverloadCompare: a recorded server has its task and probe p99; a running one its 503s so far', () => {
    const done = overloadRowOfResult('5', result('overload', '5'))
    assert.equal(done.state, 'done')
    assert.ok(done.taskP99 !== null && done.probeP99 !== null)
    const running = overloadRowOfLeg(leg('5', { status: 'running', phase: 'running', last: progress() }))
    assert.equal(running.rejected, 7)
    assert.equal(running.taskP99, null, "the tasks' own p99 is known only at the end")
  })

  test('WorkerShares: the shares of a step 6 server add up to one, the busy worker marked', () => {
    const segments = segmentsOf(result('busy-worker', '6'), 'accepted')
    assert.ok(segments.length >= 2)
    const total = segments.reduce((sum, s) => sum + s.share, 0)
    assert.ok(Math.abs(total - 1) < 1e-9, `shares sum to ${total}`)
    assert.equal(segments.filter((s) => s.busy).length, 1)
    assert.deepEqual(
      segmentsOf(result('drill', '3'), 'accepted').map((s) => s.worker),
      [-1],
      'one event loop, one segment',
    )
  })
})

describe('captions and words', () => {
  test('a recorded caption names its day, cores, Node and command; a missing file says how to record it', () => {
    const doc = recording('drill')
    const text = recordedCaption(doc, 'npm run bench:record')
    assert.match(text, new RegExp(`^recorded ${doc.recordedAt.slice(0, 10)} on ${doc.machine.cores} cores, Node `))
    assert.ok(text.includes(doc.command))
    assert.doesNotMatch(recordedCaption(doc, 'x', false), /Node/)
    assert.equal(
      recordedCaption(null, 'npm run bench:sweep -- --record'),
      'not recorded: npm run bench:sweep -- --record',
    )
  })

  test('a comparison in progress says which step of how many; a finished one how long it took', () => {
    const r = run({ kind: 'compare', scenario: 'drill', steps: ['1', '3', '5'] })
    r.legs[1] = leg('3', { status: 'running' })
    assert.equal(comparisonCaption(r, 10, 'rec'), 'live · step 3 running (2 of 3), each capped at 10 s')
    const done = { ...r, status: 'done' as const, finishedAt: r.startedAt + 42_000 }
    assert.match(comparisonCaption(done, 10, 'rec'), /^live · all steps run in 42 s · /)
    assert.equal(comparisonCaption(null, 10, 'rec'), 'rec')
  })

  test('one of a thing is singular', () => {
    assert.equal(plural(1, 'task'), '1 task')
    assert.equal(plural(2, 'task'), '2 tasks')
    assert.equal(plural(0, 'sample'), '0 samples')
    const w = run({ kind: 'watch', scenario: 'x', steps: ['4'] })
    const one = leg('4', { status: 'running', phase: 'running', samples: [{} as never] })
    assert.equal(watchCaption({ run: w, leg: one }, null, 'loop'), 'live · its /__stats, 1 sample so far')
  })
})

describe('drawing', () => {
  test('a cut bar is hatched and outlined, a whole one solid', () => {
    assert.deepEqual(barStyle('#123456', 50, 100, false), { width: '50%', background: '#123456' })
    const cut = barStyle('#123456', 50, 100, true)
    assert.match(cut.background!, /repeating-linear-gradient/)
    assert.equal(cut.border, '1px solid #123456')
  })

  test("a family's variants differ by dash and by marker, not by colour alone", () => {
    for (const family of [
      ['2', '2-own', '2-pool'],
      ['6', '6-kernel', '6-least', 'piscina'],
    ]) {
      const dashes = new Set(family.map((s) => JSON.stringify(stepDash(s) ?? null)))
      const markers = new Set(family.map(stepMarker))
      assert.equal(dashes.size, family.length, `dashes of ${family.join(', ')}`)
      assert.equal(markers.size, family.length, `markers of ${family.join(', ')}`)
    }
  })
})

test('a step is named once: "3 event loop", and the piscina peer not "piscina piscina …"', () => {
  assert.equal(stepName('3'), '3 event loop')
  assert.doesNotMatch(stepName('piscina'), /piscina piscina/)
  assert.match(stepName('piscina'), /^piscina/)
})

test('a run whose server answered every poll draws no gap, however still its readings', () => {
  for (const [scenario, step] of [
    ['await-yield', '3'],
    ['cpu-mix', '5'],
  ] as const) {
    const r = result(scenario, step)
    assert.equal(r.server?.missedPolls, 0)
    assert.deepEqual(loopLineOfResult(r).gaps, [], `${scenario} step ${step}`)
  }
})
