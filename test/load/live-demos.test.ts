// The demos the deck runs live (bench/live/demos.ts, demo-process.ts, the host's `demo` kind):
// known names only, with their fixed flags; what each line a demo prints becomes in every window;
// a real run of each demo through the dev server's runner; a stop that leaves no process behind;
// and `--events`, the race as it happens (examples/demo-scheduling/events.ts, lane-board.mjs).

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { isRunning, liveChildren } from '../../bench/server/child-processes.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { applyDemoEvent, type DemoEvent, newDemoState, parseDemoLine } from '../../bench/live/demos.ts'
import { DemoStopped, runDemoProcess } from '../../bench/live/demo-process.ts'
import { LiveBenchHost } from '../../bench/live/host.ts'
import { applyUpdate, type BenchUpdate, EVENTS } from '../../bench/live/messages.ts'
import { checkRunRequest } from '../../bench/live/requests.ts'
import type { Ran } from '../../examples/demo-microtasks/order.ts'
import type { RaceEvent } from '../../examples/demo-scheduling/events.ts'
import { LaneBoard, laneBoardBuffer } from '../../examples/demo-scheduling/lane-board.mjs'
import { SCHEDULERS } from '../../examples/demo-scheduling/messages.ts'
import type { BenchResult } from '../../bench/types.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('live demos: what may be asked', () => {
  test('the two demos by name, nothing else', () => {
    for (const demo of ['scheduling', 'microtasks'])
      assert.deepEqual(checkRunRequest({ requestId: 'd', kind: 'demo', demo }), {
        ok: true,
        value: { requestId: 'd', kind: 'demo', demo },
      })
    const cases: [unknown, RegExp][] = [
      [{ requestId: 'd', kind: 'demo', demo: 'buffers' }, /unknown demo 'buffers' \(known: scheduling, microtasks\)/],
      [{ requestId: 'd', kind: 'demo', demo: 'microtasks; rm -rf ~' }, /unknown demo/],
      [{ requestId: 'd', kind: 'demo', demo: 'scheduling', args: ['--workers', '64'] }, /unexpected field 'args'/],
      [{ requestId: 'd', kind: 'demo' }, /unknown demo/],
    ]
    for (const [request, reason] of cases) {
      const checked = checkRunRequest(request)
      assert.equal(checked.ok, false)
      if (!checked.ok) assert.match(checked.message, reason)
    }
  })

  test("a line is an event only if it has the demo's shape", () => {
    const ran = '{"context":"I/O callback","order":1,"kind":"process.nextTick","queue":"microtask"}'
    assert.deepEqual(parseDemoLine('microtasks', ran), { demo: 'microtasks', ran: JSON.parse(ran) })
    for (const line of ['queued, in this order: ...', '{"context":"x","order":1,"kind":"eval","queue":""}', '[1]'])
      assert.equal(parseDemoLine('microtasks', line), null, line)
    assert.equal(parseDemoLine('scheduling', '{"type":"done","ratios":{}}')?.demo, 'scheduling')
    assert.equal(parseDemoLine('scheduling', '{"type":"shell","command":"ls"}'), null)
  })
})

describe('a demo run as every window follows it', () => {
  test('microtasks: the lines, in the order printed', () => {
    const state = newDemoState('microtasks')
    const ran = (order: number): Ran => ({ context: 'main module', order, kind: 'Promise.then', queue: 'q' })
    for (let i = 1; i <= 10; i++) assert.ok(applyDemoEvent(state, { demo: 'microtasks', ran: ran(i) }))
    assert.equal(applyDemoEvent(state, { demo: 'microtasks', ran: ran(11) }), false, 'two contexts of five at most')
    assert.equal(state.demo === 'microtasks' && state.lines.length, 10)
  })

  test('scheduling: heats open, their lanes grow, they end with their makespan; the ratios come last', () => {
    const state = newDemoState('scheduling')
    const apply = (event: RaceEvent) => applyDemoEvent(state, { demo: 'scheduling', event })
    apply({ type: 'jobs', workers: 2, jobs: 4, long: [0] })
    apply({ type: 'heat', scheduler: 'global', label: 'one global queue', round: 0 })
    apply({
      type: 'progress',
      scheduler: 'global',
      t: 5,
      lanes: [
        [0, null, 0, -1],
        [0, 2, 1, -1],
      ],
    })
    assert.ok(state.demo === 'scheduling')
    assert.deepEqual(state.heats[0]!.lanes, [
      [0, null, 0, -1],
      [0, 2, 1, -1],
    ])
    assert.equal(state.heats[0]!.at, 5)
    apply({
      type: 'heat-done',
      scheduler: 'global',
      makespanMs: 9,
      steals: 0,
      failedSteals: 0,
      lanes: [
        [0, 9, 0, -1],
        [0, 2, 1, -1, 2, 4, 2, -1],
      ],
    })
    assert.deepEqual([state.heats[0]!.status, state.heats[0]!.makespanMs], ['done', 9])
    // A later round of a --rounds run is not drawn.
    apply({ type: 'heat', scheduler: 'global', label: 'one global queue', round: 1 })
    assert.equal(state.heats.length, 1)
    apply({ type: 'done', ratios: { stealingToPerWorker: 0.6, stealingToGlobal: 1 } })
    assert.deepEqual(state.ratios, { stealingToPerWorker: 0.6, stealingToGlobal: 1 })
  })

  test('the host runs one at a time, streams each event as an update, and a late window replays them', async () => {
    const sent: BenchUpdate[] = []
    const events: DemoEvent[] = [1, 2, 3].map((order) => ({
      demo: 'microtasks',
      ran: { context: 'I/O callback', order, kind: 'setImmediate', queue: 'q' },
    }))
    const host = new LiveBenchHost({
      runScenario: async () => ({}) as BenchResult,
      // As the WebSocket does: what is sent is a copy of that moment.
      broadcast: (event, data) => event === EVENTS.update && sent.push(structuredClone(data) as BenchUpdate),
      liveChildren: () => 0,
      runDemo: async (_name, { onEvent }) => {
        for (const e of events) {
          onEvent(e)
          await sleep(20)
        }
      },
    })
    assert.ok(host.run({ requestId: 'd1', kind: 'demo', demo: 'microtasks' }).ok)
    const busy = host.run({ requestId: 'b1', kind: 'single', scenario: 'drill', step: '3' })
    assert.deepEqual([busy.ok, busy.reason], [false, 'busy'])
    assert.match(busy.message, /the microtasks demo is running/)
    while (host.busy) await sleep(10)
    const started = sent[0]
    assert.ok(started?.type === 'started')
    // A window that saw 'started' and applies the rest ends with what the host has.
    const window = structuredClone(started.run)
    for (const update of sent.slice(1)) applyUpdate(window, update)
    const finished = host.snapshot().finished[0]!
    assert.deepEqual(window, finished)
    assert.equal(finished.status, 'done')
    assert.equal(finished.demo?.demo === 'microtasks' && finished.demo.lines.length, 3)
  })
})

describe('the demos run by the dev server', () => {
  test('microtasks: ten lines, the two contexts in order, and the process is gone', async () => {
    const events: DemoEvent[] = []
    await runDemoProcess('microtasks', { signal: new AbortController().signal, onEvent: (e) => events.push(e) })
    const ran = events.map((e) => (e.demo === 'microtasks' ? e.ran : null))
    assert.equal(ran.length, 10)
    assert.deepEqual(
      ran.map((r) => `${r?.context} ${r?.order}`),
      [1, 2, 3, 4, 5].map((o) => `main module ${o}`).concat([1, 2, 3, 4, 5].map((o) => `I/O callback ${o}`)),
    )
    assert.equal(liveChildren('demo'), 0)
  })

  test('a stop kills the race at once: the run rejects as stopped, no process left', async () => {
    const controller = new AbortController()
    let pid: number | null = null
    const run = runDemoProcess('scheduling', {
      signal: controller.signal,
      onEvent: () => {
        if (controller.signal.aborted) return
        // The demo is running: note its pid (this worktree's path alone), then stop it.
        const main = join(REPO_ROOT, 'examples/demo-scheduling/main.ts')
        const found = spawnSync('pgrep', ['-f', main], { encoding: 'utf8' }).stdout.trim().split('\n')[0]
        pid = found ? Number(found) : null
        controller.abort(new Error('stopped from the deck'))
      },
    })
    await assert.rejects(
      run,
      (error: Error) => error instanceof DemoStopped && /stopped from the deck/.test(error.message),
    )
    assert.equal(liveChildren('demo'), 0)
    assert.ok(pid !== null, 'the demo was seen running')
    assert.equal(isRunning(pid), false, 'and is gone')
  })
})

describe('demo:scheduling --events', () => {
  test('the lane board: a job is seen begun (end NaN), then ended, never half written', () => {
    const board = new LaneBoard(laneBoardBuffer(3))
    assert.deepEqual(board.read(), [])
    board.begin(1.5, 7, -1)
    assert.deepEqual(board.read(), [1.5, Number.NaN, 7, -1])
    board.end(4.25)
    board.begin(4.3, 2, 1)
    assert.deepEqual(board.read(), [1.5, 4.25, 7, -1, 4.3, Number.NaN, 2, 1])
  })

  test('the race as it happens: the job set, three heats whose lanes only grow, their end, the ratios', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'examples/demo-scheduling/main.ts'),
        '--events',
        '--ms',
        '300',
        '--workers',
        '2',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
    )
    assert.equal(result.status, 0, result.stderr)
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RaceEvent)
    assert.equal(events[0]?.type, 'jobs')
    assert.equal(events.at(-1)?.type, 'done')
    assert.deepEqual(
      events.filter((e) => e.type === 'heat').map((e) => e.scheduler),
      [...SCHEDULERS],
    )
    for (const scheduler of SCHEDULERS) {
      const done = events.find((e) => e.type === 'heat-done' && e.scheduler === scheduler)
      assert.ok(done?.type === 'heat-done')
      const progress = events.filter((e) => e.type === 'progress' && e.scheduler === scheduler)
      assert.ok(progress.length >= 1, `${scheduler}: at least one report while it ran`)
      for (const p of progress) {
        assert.ok(p.type === 'progress')
        p.lanes.forEach((lane, w) => {
          const final = done.lanes[w]!
          // Every job reported is the final lane's, in the same place; only a running job's end is null.
          for (let i = 0; i < lane.length; i++) {
            if (lane[i] === null) assert.equal(i % 4, 1, 'only an end may be unknown')
            else assert.equal(lane[i], final[i], `${scheduler} worker ${w} value ${i}`)
          }
        })
      }
    }
  })

  test('--events and --json are refused together, with one line', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'examples/demo-scheduling/main.ts'), '--events', '--json'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 },
    )
    assert.equal(result.status, 2)
    assert.equal(result.stderr.trim().split('\n').length, 1)
    assert.match(result.stderr, /--events and --json/)
  })
})
