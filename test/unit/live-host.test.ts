// The live bench's host and plugin (bench/live/host.ts, plugin.ts), in this process: one run at a
// time, the caps, the watchdog, a late window's replay, with a stand-in for the bench's runner; and
// the plugin on a stand-in for Vite's WebSocket, refusing what the origin rules refuse. No process
// is started. The plugin on a real dev server, with real runs, is in test/load/live-plugin.test.ts.

import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { describe, test } from 'node:test'
import type { WebSocketClient } from 'vite'
import { liveChildren } from '../../bench/server/child-processes.ts'
import { LiveBenchHost, type HostDeps } from '../../bench/live/host.ts'
import { attach, type DevServerLike } from '../../bench/live/plugin.ts'
import {
  applyUpdate,
  EVENTS,
  newRunView,
  type BenchSnapshot,
  type BenchUpdate,
  type RunReply,
  type RunView,
} from '../../bench/live/messages.ts'
import { LIVE_CAP_S } from '../../bench/live/requests.ts'
import type { RunInput } from '../../bench/options.ts'
import type { BenchProgress, BenchResult, RunHooks } from '../../bench/types.ts'

/** A stand-in for the bench's runScenario: each call waits until the test finishes or aborts it. */
function fakeBench() {
  const calls: {
    input: RunInput
    hooks: RunHooks
    finish(result?: Partial<BenchResult>): void
    fail(error: Error): void
  }[] = []
  const runScenario = (input: RunInput, hooks: RunHooks) =>
    new Promise<BenchResult>((resolve, reject) => {
      const finish = (result: Partial<BenchResult> = {}) => resolve({ ...fakeResult(input), ...result })
      hooks.signal?.addEventListener('abort', () => finish({ endedBy: 'aborted', partial: true }), { once: true })
      calls.push({ input, hooks, finish, fail: reject })
    })
  return { calls, runScenario }
}

function fakeResult(input: RunInput): BenchResult {
  return {
    kind: 'bench-result',
    step: { id: input.step!, title: '' },
    scenario: input.scenario!,
    summary: 'fake',
    done: 1,
    asked: 1,
    endedBy: 'completed',
    partial: false,
    cpu: null,
  } as unknown as BenchResult
}

function progress(elapsedMs: number, completed: number): BenchProgress {
  return {
    phase: 'running',
    elapsedMs,
    completed,
    asked: 150,
    ratePerSec: 100,
    p50Ms: 1000,
    p99Ms: 1020,
    lowerBound: [],
    unanswered: 150 - completed,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    probe: null,
    server: { rssBytes: 8e7, loopDelayP99Ms: 4, connections: 150, inFlight: 150 - completed },
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('live bench: the host (one run at a time, caps, replay)', () => {
  function makeHost(overrides: Partial<HostDeps> = {}) {
    const bench = fakeBench()
    const sent: { event: string; data: unknown }[] = []
    const host = new LiveBenchHost({
      runScenario: bench.runScenario,
      broadcast: (event, data) => sent.push({ event, data }),
      liveChildren: () => 0,
      ...overrides,
    })
    return {
      host,
      bench,
      sent,
      updates: () => sent.filter((s) => s.event === EVENTS.update).map((s) => s.data as BenchUpdate),
    }
  }

  test('a second request while a run is going is answered busy and starts nothing', async () => {
    const { host, bench } = makeHost()
    const first = host.run({ requestId: 'a', kind: 'single', scenario: 'drill', step: '1' })
    assert.equal(first.ok, true)
    await settle()
    const second = host.run({ requestId: 'b', kind: 'single', scenario: 'hello', step: '3' })
    assert.deepEqual(
      { ok: second.ok, reason: second.reason, runId: second.runId },
      { ok: false, reason: 'busy', runId: first.runId },
    )
    assert.match(second.message, /busy: step 1 on drill is running/)
    assert.equal(bench.calls.length, 1)
    bench.calls[0]!.finish()
    await settle()
    await settle()
    assert.equal(host.busy, false)
    assert.equal(
      host.run({ requestId: 'c', kind: 'single', scenario: 'hello', step: '3' }).ok,
      true,
      'free again once the run is over',
    )
    await host.close()
  })

  test('a refused request starts nothing', async () => {
    const { host, bench, sent } = makeHost()
    const reply = host.run({ requestId: 'a', kind: 'single', scenario: 'drill', step: '../../bin/sh' })
    assert.deepEqual(
      { ok: reply.ok, reason: reply.reason, requestId: reply.requestId },
      { ok: false, reason: 'refused', requestId: 'a' },
    )
    await settle()
    assert.equal(bench.calls.length, 0)
    assert.equal(sent.length, 0)
  })

  test('the bench gets the names and the 10 s cap, nothing from the browser beyond the names', async () => {
    const { host, bench } = makeHost()
    host.run({ requestId: 'a', kind: 'single', scenario: 'burst512', step: '2' })
    await settle()
    assert.deepEqual(bench.calls[0]!.input, { scenario: 'burst512', step: '2', capS: LIVE_CAP_S })
    assert.equal(LIVE_CAP_S, 10)
    bench.calls[0]!.finish()
  })

  test(
    'a comparison runs its steps one after another; cpu-mix calibrates once; a failed step does not stop ' + 'the rest',
    async () => {
      const { host, bench, updates } = makeHost()
      host.run({ requestId: 'a', kind: 'compare', scenario: 'cpu-mix', steps: ['3', '5', 'piscina'] })
      await settle()
      assert.equal(bench.calls.length, 1, 'one step at a time')
      bench.calls[0]!.finish({ cpu: { n: 12345 } as BenchResult['cpu'] })
      await settle()
      assert.equal(bench.calls.length, 2)
      assert.deepEqual(bench.calls[1]!.input, { scenario: 'cpu-mix', step: '5', capS: 10, cpuN: 12345 })
      bench.calls[1]!.fail(new Error('server exited (1) before listening'))
      await settle()
      assert.equal(bench.calls.length, 3)
      bench.calls[2]!.finish()
      await settle()
      await settle()
      const finished = updates().at(-1)
      assert.ok(finished?.type === 'finished')
      assert.deepEqual([finished.status, finished.message], ['failed', '1 of 3 steps failed'])
      const view = host.snapshot().finished[0]!
      assert.deepEqual(
        view.legs.map((l) => l.status),
        ['done', 'failed', 'done'],
      )
      assert.equal(view.legs[1]!.error, 'server exited (1) before listening')
    },
  )

  test('stop aborts the run; the steps not reached are skipped', async () => {
    const { host, bench, updates } = makeHost()
    const { runId } = host.run({ requestId: 'a', kind: 'compare', scenario: 'drill', steps: ['1', '2', '3'] })
    await settle()
    assert.equal(host.stop({ runId: 'other' }).ok, false)
    const stop = host.stop({ requestId: 's', runId })
    assert.equal(stop.ok, true)
    await settle()
    await settle()
    assert.equal(bench.calls.length, 1, 'no further step starts after a stop')
    assert.equal(bench.calls[0]!.hooks.signal!.aborted, true)
    const last = updates().at(-1)
    assert.equal(last?.type === 'finished' && last.status, 'stopped')
    assert.deepEqual(
      host.snapshot().finished[0]!.legs.map((l) => l.status),
      ['done', 'skipped', 'skipped'],
    )
  })

  test('a window that joins late gets the run in progress, and following the updates gives the same view', async () => {
    const { host, bench, updates } = makeHost()
    host.run({ requestId: 'a', kind: 'single', scenario: 'drill', step: '3' })
    await settle()
    const call = bench.calls[0]!
    call.hooks.onProgress!(progress(200, 10))
    call.hooks.onProgress!(progress(400, 40))
    // A window joins now: it gets the view as it stands, then the updates from here on.
    const joined = JSON.parse(JSON.stringify(host.snapshot())) as BenchSnapshot
    assert.equal(joined.current!.legs[0]!.points.length, 2)
    const seen = updates().length
    call.hooks.onProgress!(progress(600, 90))
    call.finish({ done: 150, summary: '150 of 150 done in 1.03 s' })
    await settle()
    await settle()
    for (const update of updates().slice(seen))
      assert.ok(applyUpdate(joined.current!, JSON.parse(JSON.stringify(update)) as BenchUpdate))
    const replayed = host.snapshot().finished[0]!
    assert.deepEqual(joined.current, JSON.parse(JSON.stringify(replayed)))
    assert.deepEqual(
      replayed.legs[0]!.points.map((p) => p.completed),
      [10, 40, 90],
    )
    // And a window that joins after the end gets the finished run with its result.
    assert.equal(host.snapshot().current, null)
    assert.equal(replayed.legs[0]!.result!.summary, '150 of 150 done in 1.03 s')
  })

  test('a step that never settles is stopped by the watchdog', async () => {
    const { host, bench, updates } = makeHost({ watchdogMs: 50 })
    host.run({ requestId: 'a', kind: 'single', scenario: 'drill', step: '3' })
    // The watchdog fires 50 ms on, or later on a busy machine: wait for it, not for a fixed time.
    const signal = bench.calls[0]!.hooks.signal!
    const deadline = performance.now() + 20_000
    while (!signal.aborted && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(signal.aborted, true)
    await settle()
    const last = updates().at(-1)
    assert.ok(
      last?.type === 'finished' &&
        last.status === 'stopped' &&
        /had not finished after 0.05 s/.test(last.message ?? ''),
      JSON.stringify(last),
    )
  })

  test('close stops the run, waits for it, and refuses new ones', async () => {
    const { host, bench } = makeHost()
    host.run({ requestId: 'a', kind: 'single', scenario: 'drill', step: '3' })
    await settle()
    await host.close()
    assert.equal(bench.calls[0]!.hooks.signal!.aborted, true)
    assert.equal(host.busy, false)
    const after = host.run({ requestId: 'b', kind: 'single', scenario: 'drill', step: '3' })
    assert.deepEqual([after.ok, after.reason], [false, 'refused'])
    assert.match(after.message, /stopping/)
  })

  test('the reducer ignores updates of another run', () => {
    const view: RunView = newRunView('x-1', 'single', 'drill', ['3'], 0)
    assert.equal(applyUpdate(view, { type: 'progress', runId: 'x-2', leg: 0, progress: progress(200, 1) }), false)
    assert.equal(applyUpdate(view, { type: 'progress', runId: 'x-1', leg: 5, progress: progress(200, 1) }), false)
    assert.equal(view.legs[0]!.points.length, 0)
  })
})

/** A stand-in for Vite's dev server: its WebSocket's listeners, and what it sent to whom. */
function fakeServer(port = 3032) {
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>()
  const broadcast: { event: string; data: unknown }[] = []
  const server: DevServerLike = {
    ws: {
      on: (event: string, listener: (...args: never[]) => void) => {
        listeners.set(event, [...(listeners.get(event) ?? []), listener as (...args: unknown[]) => void])
      },
      send: (event: string, data: unknown) => broadcast.push({ event, data }),
    },
    httpServer: { address: () => ({ address: '127.0.0.1', family: 'IPv4', port }) },
    config: { logger: { info() {}, warn() {} }, server: { port } },
  }
  /** A window connecting with this Origin from this address; returns what it can send and got back. */
  const connect = (origin: string | undefined, address = '127.0.0.1') => {
    const socket = new EventEmitter()
    const request = {
      headers: origin === undefined ? {} : { origin },
      socket: { remoteAddress: address },
    } as unknown as IncomingMessage
    for (const listener of listeners.get('connection') ?? []) listener(socket, request)
    const received: { event: string; data: unknown }[] = []
    const client = {
      socket,
      send: (event: string, data: unknown) => received.push({ event, data }),
    } as unknown as WebSocketClient
    return {
      received,
      send: (event: string, data: unknown) => {
        for (const listener of listeners.get(event) ?? []) listener(data, client)
      },
      reply: () => received.filter((r) => r.event === EVENTS.reply).at(-1)?.data as RunReply,
    }
  }
  return { server, broadcast, connect }
}

describe('live bench: the plugin on the WebSocket', () => {
  test(
    'a page of another origin, a window on another machine and a client without Origin are refused, and ' +
      'start nothing',
    async () => {
      const { server, broadcast, connect } = fakeServer()
      const host = await attach(server)
      const run = { requestId: 'r', kind: 'single', scenario: 'drill', step: '3' }
      for (const [origin, address, reason] of [
        ['http://evil.example', '127.0.0.1', /not this deck/],
        ['http://localhost:9999', '127.0.0.1', /not this deck/],
        ['http://localhost:3032', '192.168.1.20', /only from this machine/],
        [undefined, '127.0.0.1', /no Origin/],
      ] as const) {
        const window = connect(origin, address)
        window.send(EVENTS.run, run)
        const reply = window.reply()
        assert.deepEqual([reply.ok, reply.reason, reply.requestId], [false, 'refused', 'r'])
        assert.match(reply.message, reason)
        window.send(EVENTS.mode, { mode: 'recorded' })
      }
      assert.equal(host.busy, false)
      assert.equal(liveChildren(), 0)
      assert.deepEqual(broadcast, [], 'nothing was started, and no mode change reached the windows')
      // Watching is open to any window the dev server lets in (the audience's phones with --remote).
      const phone = connect('http://192.168.1.10:3032', '192.168.1.10')
      phone.send(EVENTS.hello, {})
      assert.equal(phone.received[0]!.event, EVENTS.state)
      assert.equal((phone.received[0]!.data as BenchSnapshot).current, null)
      await host.close()
    },
  )

  test(
    "the deck's own window is answered: an unknown step is refused and starts no process; mode changes " +
      'reach every window',
    async () => {
      const { server, broadcast, connect } = fakeServer()
      const host = await attach(server)
      const presenter = connect('http://localhost:3032')
      presenter.send(EVENTS.run, { requestId: 'r', kind: 'single', scenario: 'drill', step: '42' })
      assert.equal(presenter.reply().reason, 'refused')
      assert.match(presenter.reply().message, /unknown step '42'/)
      assert.equal(host.busy, false)
      assert.equal(liveChildren(), 0)
      presenter.send(EVENTS.mode, { mode: 'recorded' })
      assert.deepEqual(broadcast, [{ event: EVENTS.mode, data: { mode: 'recorded' } }])
      await host.close()
    },
  )
})
