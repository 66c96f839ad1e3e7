// The live bench's dev-server plugin (bench/live/): what a window may ask for, one run at a time,
// the caps, who may ask, and that no process outlives the dev server. The browser side (two
// windows, presenter and audience) is in test/browser/live-bench.test.ts.

import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { WebSocketClient } from 'vite'
import { isRunning, liveChildren } from '../../bench/child-processes.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { LiveBenchHost, type HostDeps } from '../../bench/live/host.ts'
import { isDeckOrigin, isLoopbackAddress, refusePeer } from '../../bench/live/origin.ts'
import { attach, liveBench, type DevServerLike } from '../../bench/live/plugin.ts'
import {
  applyUpdate,
  EVENTS,
  newRunView,
  type BenchSnapshot,
  type BenchUpdate,
  type Reply,
  type RunView,
} from '../../bench/live/protocol.ts'
import { checkRunRequest, LIVE_CAP_S, LIVE_MAX_STEPS, liveRefusal } from '../../bench/live/requests.ts'
import { findScenario } from '../../bench/scenarios.ts'
import type { RunInput } from '../../bench/options.ts'
import type { BenchProgress, BenchResult, RunHooks } from '../../bench/types.ts'
import { connectHmr, viteToken, type HmrMessage } from '../helpers/hmr-client.ts'

describe('live bench: what a window may ask for', () => {
  test('known step and scenario names are accepted, for one step or a comparison', () => {
    assert.deepEqual(checkRunRequest({ requestId: 'r1', kind: 'single', scenario: 'drill', step: '3' }), {
      ok: true,
      value: { requestId: 'r1', kind: 'single', scenario: 'drill', step: '3' },
    })
    const compare = checkRunRequest({
      requestId: 'r2',
      kind: 'compare',
      scenario: 'cpu-mix',
      steps: ['3', '5', 'piscina'],
    })
    assert.ok(compare.ok)
    assert.deepEqual(compare.value, {
      requestId: 'r2',
      kind: 'compare',
      scenario: 'cpu-mix',
      steps: ['3', '5', 'piscina'],
    })
    assert.ok(checkRunRequest({ requestId: 'r3', kind: 'single', scenario: 'drill', step: '2-pool' }).ok)
    // An open-loop scenario within the caps runs live like any other.
    assert.ok(checkRunRequest({ requestId: 'r4', kind: 'compare', scenario: 'paced', steps: ['3', '4'] }).ok)
    // The microtask trap, one scenario per run (LoopLag's two buttons), and step 5 with a spare core.
    for (const scenario of ['await-trap', 'await-yield'])
      assert.ok(checkRunRequest({ requestId: 'r5', kind: 'compare', scenario, steps: ['3'] }).ok, scenario)
    assert.ok(checkRunRequest({ requestId: 'r6', kind: 'single', scenario: 'cpu-mix', step: '5-spare-core' }).ok)
  })

  test("a scenario beyond the caps is refused: connections, an open loop's rate, a duration past the cap", () => {
    const paced = findScenario('paced')!
    assert.equal(liveRefusal(paced), null)
    for (const [scenario, why] of [
      [{ ...paced, connections: 601 }, /opens 601 connections, more than a live run may \(600\)/],
      [{ ...paced, open: { ratePerSec: 10_001 } }, /offers 10001 req\/s, more than a live run may \(10000\)/],
      [{ ...paced, durationS: 11 }, /runs longer than a live run may \(10 s\)/],
    ] as const) {
      assert.match(liveRefusal(scenario) ?? '', why)
    }
  })

  test('anything else is refused with a one-line reason: unknown names, paths, commands, URLs, extra fields', () => {
    const base = { requestId: 'r1', kind: 'single', scenario: 'drill', step: '3' }
    const cases: [unknown, RegExp][] = [
      [{ ...base, step: '9' }, /unknown step '9'/],
      [{ ...base, step: '../../etc/passwd' }, /unknown step/],
      [{ ...base, step: 'examples/01-blocking/server.ts' }, /unknown step/],
      [{ ...base, step: '3; rm -rf /' }, /unknown step/],
      [{ ...base, step: 3 }, /step must be a step name/],
      [{ ...base, scenario: 'nope' }, /unknown scenario 'nope'/],
      [{ ...base, scenario: 'c10k' }, /c10k opens 10000 connections, more than a live run may \(600\)/],
      [{ ...base, url: 'http://127.0.0.1:22' }, /unexpected field 'url'/],
      [{ ...base, path: '/cpu/1000000000' }, /unexpected field 'path'/],
      [{ ...base, connections: 1, capS: 300 }, /unexpected fields 'connections', 'capS'/],
      [{ ...base, kind: 'shell' }, /kind must be/],
      [{ ...base, requestId: 'x'.repeat(65) }, /requestId/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: [] }, /1 to 8 step names/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: Array(LIVE_MAX_STEPS + 1).fill('3') }, /1 to 8/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: ['3', '3'] }, /listed twice/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: ['3', 'rm'] }, /unknown step 'rm'/],
      [null, /an object/],
      [['drill', '3'], /an object/],
      ['drill', /an object/],
    ]
    for (const [input, reason] of cases) {
      const checked = checkRunRequest(input)
      assert.equal(checked.ok, false, JSON.stringify(input))
      if (!checked.ok) {
        assert.match(checked.message, reason, JSON.stringify(input))
        assert.ok(!checked.message.includes('\n'))
      }
    }
  })
})

describe('live bench: who may start a run', () => {
  test('the origin must be this dev server, on loopback, on its port', () => {
    assert.ok(isDeckOrigin('http://localhost:3032', 3032))
    assert.ok(isDeckOrigin('http://127.0.0.1:3032', 3032))
    assert.ok(isDeckOrigin('http://[::1]:3032', 3032))
    for (const origin of [
      'http://localhost:3033',
      'http://evil.example:3032',
      'http://localhost.evil.example:3032',
      'null',
      'file://',
      'http://localhost:3032/x',
      'http://user@localhost:3032',
      'ws://localhost:3032',
      '',
    ]) {
      assert.equal(isDeckOrigin(origin, 3032), false, origin)
    }
    assert.equal(isDeckOrigin('http://localhost:3032', null), false)
  })

  test('the peer must be on loopback, and a connection without an Origin is refused', () => {
    assert.ok(isLoopbackAddress('127.0.0.1') && isLoopbackAddress('::1') && isLoopbackAddress('::ffff:127.0.0.1'))
    assert.ok(
      !isLoopbackAddress('192.168.1.20') && !isLoopbackAddress('::ffff:10.0.0.1') && !isLoopbackAddress(undefined),
    )
    assert.equal(refusePeer({ origin: 'http://localhost:3032', address: '127.0.0.1' }, 3032), null)
    assert.match(
      refusePeer({ origin: 'http://localhost:3032', address: '192.168.1.20' }, 3032)!,
      /only from this machine/,
    )
    assert.match(refusePeer({ origin: undefined, address: '127.0.0.1' }, 3032)!, /no Origin/)
    assert.match(refusePeer({ origin: 'http://evil.example', address: '127.0.0.1' }, 3032)!, /not this deck/)
    assert.match(refusePeer(undefined, 3032)!, /unknown connection/)
  })
})

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
    await new Promise((resolve) => setTimeout(resolve, 120))
    assert.equal(bench.calls[0]!.hooks.signal!.aborted, true)
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
      reply: () => received.filter((r) => r.event === EVENTS.reply).at(-1)?.data as Reply,
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

describe('live bench: a real dev server with the plugin, and real runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'live-bench-vite-'))
  after(() => rmSync(root, { recursive: true, force: true }))

  /** Processes this test process has started that are a step server or a load generator. */
  function benchChildren(): string[] {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    return out.split('\n').filter((line) => /examples\/|bench\/(generator|peers)/.test(line))
  }

  test(
    'a run streams to every window, a late window gets it replayed, and closing the server kills the ' +
      "run's processes",
    async () => {
      const { createServer } = await import('vite')
      const plugin = liveBench()
      const server = await createServer({
        configFile: false,
        root,
        logLevel: 'silent',
        plugins: [plugin],
        server: { host: '127.0.0.1', port: 0, strictPort: false },
        optimizeDeps: { noDiscovery: true, include: [] },
      })
      await server.listen()
      const port = (server.httpServer!.address() as { port: number }).port
      try {
        const token = await viteToken(port)
        const origin = `http://127.0.0.1:${port}`
        // A page of another origin holding Vite's token gets through Vite, and the plugin refuses it.
        const foreign = await connectHmr(port, { origin: 'http://127.0.0.1:1', token })
        foreign.send(EVENTS.run, { requestId: 'x', kind: 'single', scenario: 'drill', step: '3' })
        const refused = (await foreign.next((m) => m.event === EVENTS.reply)).data as Reply
        assert.equal(refused.reason, 'refused')
        assert.equal(plugin.api.host()!.busy, false)
        assert.deepEqual(benchChildren(), [])
        // Without the token, Vite refuses a connection that has an Origin.
        await assert.rejects(connectHmr(port, { origin }), /handshake refused/)

        const presenter = await connectHmr(port, { origin, token })
        const audience = await connectHmr(port, { origin, token })
        // Step 1 on drill: 150 requests one at a time, far more than the test waits for.
        presenter.send(EVENTS.run, { requestId: 'p1', kind: 'single', scenario: 'drill', step: '1' })
        const started = (await presenter.next((m) => m.event === EVENTS.reply)).data as Reply
        assert.equal(started.ok, true, started.message)
        const isProgressPoint = (m: HmrMessage) =>
          m.event === EVENTS.update &&
          (m.data as BenchUpdate).type === 'progress' &&
          (m.data as { progress: BenchProgress }).progress.phase === 'running'
        await audience.next(isProgressPoint, 20_000)
        const late = await connectHmr(port, { origin, token })
        late.send(EVENTS.hello, {})
        const state = (await late.next((m) => m.event === EVENTS.state)).data as BenchSnapshot
        assert.equal(state.current?.id, started.runId)
        assert.ok(state.current!.legs[0]!.points.length >= 1, 'the late window gets the points drawn so far')
        assert.ok(state.children >= 2, `the run has its server and load generator running (${state.children})`)
        assert.equal(benchChildren().length, 2, benchChildren().join('\n'))

        for (const client of [foreign, presenter, audience, late]) client.close()
        await server.close()
        assert.equal(plugin.api.host()!.busy, false)
        assert.equal(liveChildren(), 0, 'no child left in the accounting')
        assert.deepEqual(benchChildren(), [], 'and none in the process list')
      } finally {
        await server.close()
      }
    },
  )

  test('every run caps its load at 10 s, and the result says how far it got', { timeout: 60_000 }, async () => {
    const { createServer } = await import('vite')
    const server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [liveBench()],
      server: { host: '127.0.0.1', port: 0 },
      optimizeDeps: { noDiscovery: true, include: [] },
    })
    await server.listen()
    const port = (server.httpServer!.address() as { port: number }).port
    try {
      const origin = `http://127.0.0.1:${port}`
      const window = await connectHmr(port, { origin, token: await viteToken(port) })
      window.send(EVENTS.run, { requestId: 'p', kind: 'single', scenario: 'drill', step: '1' })
      const done = await window.next(
        (m) => m.event === EVENTS.update && (m.data as BenchUpdate).type === 'leg-done',
        40_000,
      )
      const result = (done.data as { result: BenchResult }).result
      assert.equal(result.options.capS, 10)
      assert.equal(result.endedBy, 'cap')
      assert.ok(result.loadMs < 12_000, `load ran ${result.loadMs} ms`)
      assert.ok(result.done < 150 && result.done >= 1, result.summary)
      assert.match(result.summary, /of 150 done in .* \(cut by the 10 s cap\)/)
      await window.next((m) => m.event === EVENTS.update && (m.data as BenchUpdate).type === 'finished')
      assert.equal(liveChildren(), 0)
      window.close()
    } finally {
      await server.close()
    }
  })
})

describe('live bench: a signal to the dev server mid-run leaves no process behind', () => {
  /** Processes whose parent is `pid`, as [pid, command line]. */
  function childrenOf(pid: number): [number, string][] {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [p, ...args] = l.trim().split(/\s+/)
        return [Number(p), args.join(' ')] as [number, string]
      })
  }

  // SIGKILL is not among them: nothing can run then, and the children's last resort is their IPC
  // channel closing, which a step-1 server under load notices only when its backlog of blocking
  // requests is done (see hookSignals in bench/live/plugin.ts).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${signal}: the step server and the load generator are gone`, async () => {
      const dev = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/live-dev-server.ts')], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const exited = once(dev, 'exit')
      try {
        let out = ''
        dev.stdout!.setEncoding('utf8')
        const port = await new Promise<number>((resolve, reject) => {
          dev.stdout!.on('data', (text: string) => {
            out += text
            const m = /port (\d+)/.exec(out)
            if (m) resolve(Number(m[1]))
          })
          dev.once('exit', () => reject(new Error(`the dev server exited: ${out}`)))
        })
        const window = await connectHmr(port, { origin: `http://127.0.0.1:${port}`, token: await viteToken(port) })
        window.send(EVENTS.run, { requestId: 's', kind: 'single', scenario: 'drill', step: '1' })
        await window.next(
          (m) =>
            m.event === EVENTS.update &&
            (m.data as BenchUpdate).type === 'progress' &&
            (m.data as { progress: BenchProgress }).progress.phase === 'running',
          30_000,
        )
        const bench = childrenOf(dev.pid!).filter(([, args]) => /examples\/|bench\/generator/.test(args))
        assert.equal(bench.length, 2, `a step server and a load generator run: ${JSON.stringify(bench)}`)
        window.close()
        dev.kill(signal)
        await exited
        const deadline = Date.now() + 5000
        while (bench.some(([pid]) => isRunning(pid)) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50))
        assert.deepEqual(
          bench.filter(([pid]) => isRunning(pid)),
          [],
          `still running after ${signal}`,
        )
      } finally {
        if (dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL')
      }
    })
  }
})
