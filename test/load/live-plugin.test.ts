// The live bench's dev-server plugin (bench/live/) on a real Vite dev server, with real runs: a run
// streams to every window, every run is capped at 10 s, and no process outlives the dev server,
// whatever signal it gets. What a window may ask for is in test/unit/live-requests.test.ts, the
// host and the plugin with stand-ins in test/unit/live-host.test.ts, the browser side (two windows,
// presenter and audience) in test/browser/live-bench.test.ts.

import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { isRunning, liveChildren } from '../../bench/server/child-processes.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { liveBench } from '../../bench/live/plugin.ts'
import { EVENTS, type BenchSnapshot, type BenchUpdate, type RunReply } from '../../bench/live/messages.ts'
import type { BenchProgress, BenchResult } from '../../bench/types.ts'
import { connectHmr, viteToken, type HmrMessage } from '../helpers/hmr-client.ts'

describe('live bench: a real dev server with the plugin, and real runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'live-bench-vite-'))
  after(() => rmSync(root, { recursive: true, force: true }))

  /** Processes this test process has started that are a step server or a load generator. */
  function benchChildren(): string[] {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    return out.split('\n').filter((line) => /examples\/|bench\/(load\/generator|peers)/.test(line))
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
        const refused = (await foreign.next((m) => m.event === EVENTS.reply)).data as RunReply
        assert.equal(refused.reason, 'refused')
        assert.equal(plugin.api.host()!.busy, false)
        assert.deepEqual(benchChildren(), [])
        // Without the token, Vite refuses a connection that has an Origin.
        await assert.rejects(connectHmr(port, { origin }), /handshake refused/)

        const presenter = await connectHmr(port, { origin, token })
        const audience = await connectHmr(port, { origin, token })
        // Step 1 on drill: 150 requests one at a time, far more than the test waits for.
        presenter.send(EVENTS.run, { requestId: 'p1', kind: 'single', scenario: 'drill', step: '1' })
        const started = (await presenter.next((m) => m.event === EVENTS.reply)).data as RunReply
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

  // The cap comes from the host's deps (10 s on stage); 2 s here, so step 1 answers one or two of its
  // 150 requests (one a second) and the cap, not the load, ends the run.
  test('every run caps its load at the live cap, and the result says how far it got', { timeout: 60_000 }, async () => {
    const { createServer } = await import('vite')
    const server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [liveBench({ capS: 2 })],
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
      assert.equal(result.options.capS, 2)
      assert.equal(result.endedBy, 'cap')
      assert.ok(result.loadMs < 4_000, `load ran ${result.loadMs} ms`)
      assert.ok(result.done < 150 && result.done >= 1, result.summary)
      assert.match(result.summary, /of 150 done in .* \(cut by the 2 s cap\)/)
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
        const bench = childrenOf(dev.pid!).filter(([, args]) => /examples\/|bench\/load\/generator/.test(args))
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
