// The workload protocol (README.md, "The workload every step serves"), written once and run
// against every step in bench/steps.ts.
// A step added to the registry is held to the same table without a line changed here.
//
// One server per step, started once for the file; the steps' suites run at the same time (each
// server is its own process, and most of the time here is spent waiting on sleeps and timeouts),
// the tests within a step one after another. The header timeout is set by flag to 3 s, not the
// default 10 s: short, so the 408 and the idle close cost 3 s, yet long enough that a busy machine
// does not run into it. (A server whose loop was blocked for longer than the timeout after a
// connection came in runs the timer before it reads the bytes that came meanwhile, and closes
// the connection as idle: at 300 ms and at 1 s, measured here under load, first requests failed.)

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { connect } from 'node:net'
import { runningServers, startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { runnableSteps } from '../../bench/server/runnable-steps.ts'
import { cpuHash } from '../../examples/shared/work.mjs'
import { exchange, get, request, sleep } from '../helpers/raw-http.ts'

const HEADER_TIMEOUT_MS = 3000
/** How long to wait for an answer or a close that must come: generous, as the machine may be busy. */
const PATIENCE_MS = 20_000
const CPU_N = 3_000_000
const CPU_CHECKSUM = cpuHash(CPU_N)

describe('every registered step serves the workload', { concurrency: true }, () => {
  for (const step of runnableSteps()) {
    describe(`step ${step.id} (${step.title}) serves the protocol`, { concurrency: false }, () => {
      let server: ServerProcess
      let port: number
      before(async () => {
        server = await startServer(step, ['--header-timeout', String(HEADER_TIMEOUT_MS)])
        port = server.port
      })
      after(async () => {
        await server.stop()
        assert.ok(server.child.exitCode !== null || server.child.signalCode !== null, 'server process has exited')
      })

      test('GET / names the step and its routes', async () => {
        const r = await get(port, '/')
        assert.equal(r.status, 200)
        assert.match(r.body, new RegExp(`^Step ${step.reportsAs ?? step.id}: `))
        assert.match(r.body, /GET \/cpu\/<n>/)
      })

      test('GET /<ms> sleeps and says so', async () => {
        const t0 = performance.now()
        const r = await get(port, '/120')
        const elapsed = performance.now() - t0
        assert.equal(r.status, 200)
        assert.equal(r.body, 'slept 120 ms\n')
        assert.ok(elapsed >= 115, `answered after ${elapsed.toFixed(0)} ms, before the sleep was over`)
        assert.equal((await get(port, '/0')).body, 'slept 0 ms\n')
        assert.equal((await get(port, '/0?query=ignored')).body, 'slept 0 ms\n')
      })

      test('GET /cpu/<n> returns the checksum every step agrees on', async () => {
        const r = await get(port, `/cpu/${CPU_N}`)
        assert.equal(r.status, 200)
        assert.equal(r.body, `cpu ${CPU_N} ${CPU_CHECKSUM}\n`)
      })

      test("GET /__stats reports the server's own view as JSON", async () => {
        const r = await get(port, '/__stats')
        assert.equal(r.status, 200)
        assert.equal(r.headers.get('content-type'), 'application/json')
        const stats = JSON.parse(r.body) as Record<string, unknown>
        assert.equal(String(stats.step), step.reportsAs ?? step.id)
        for (const key of ['rss', 'eventLoopDelayP99Ms', 'eventLoopUtilization', 'connections', 'inFlight']) {
          assert.equal(typeof stats[key], 'number', `${key} is a number`)
        }
        assert.ok((stats.rss as number) > 1e6)
      })

      test('other methods get 405 with Allow: GET, and the connection stays usable', async () => {
        const { responses, closed } = await exchange(port, [request('/', '', 'POST'), request('/0')], {
          waitForCloseMs: 100,
        })
        assert.equal(responses[0]!.status, 405)
        assert.equal(responses[0]!.headers.get('allow'), 'GET')
        assert.equal(responses[1]!.status, 200)
        assert.equal(closed, false)
      })

      test('a request body announced by Content-Length is skipped, not read as the next request', async () => {
        const post = 'POST /0 HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello world'
        const { responses } = await exchange(port, [post + request('/0')], { count: 2 })
        assert.deepEqual(
          responses.map((r) => r.status),
          [405, 200],
        )
      })

      test('GET /await/<n> and /await-yield/<n>: served where GET / lists them (step 3), 404 elsewhere', async () => {
        const serves = /GET \/await\/<n>/.test((await get(port, '/')).body)
        if ((step.reportsAs ?? step.id) === '3') assert.ok(serves, 'step 3 serves the microtask trap')
        if (serves) {
          assert.equal((await get(port, '/await/1000')).body, 'awaited 1000\n')
          assert.equal((await get(port, '/await-yield/1000')).body, 'awaited 1000, yielded 7 times\n')
          for (const path of ['/await/0', '/await/100000001', '/await/1e3', '/await-yield/']) {
            assert.equal((await get(port, path)).status, 400, path)
          }
        } else {
          for (const path of ['/await/1000', '/await-yield/1000', '/await/0']) {
            assert.equal((await get(port, path)).status, 404, path)
          }
        }
      })

      test('unknown paths get 404', async () => {
        for (const path of ['/nope', '/cpu', '/await', '/favicon.ico']) {
          assert.equal((await get(port, path)).status, 404, path)
        }
      })

      test('bad or out-of-range numbers get 400', async () => {
        for (const path of [
          '/10001',
          '/-1',
          '/1.5',
          '/12x',
          '/cpu/',
          '/cpu/0',
          '/cpu/1000000001',
          '/cpu/abc',
          '/cpu/-5',
        ]) {
          assert.equal((await get(port, path)).status, 400, path)
        }
      })

      test('malformed requests get 400 and the connection is closed', async () => {
        const bad = [
          'GARBAGE\r\n\r\n',
          'GET /\r\n\r\n',
          'GET / HTTP/2.0\r\nHost: t\r\n\r\n',
          'GET / HTTP/1.1\r\n\r\n', // HTTP/1.1 requires Host
          'GET / HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n',
          'GET / HTTP/1.1\r\nHost: t\r\n folded: header\r\n\r\n',
          'GET / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n',
          'GET  / HTTP/1.1\r\nHost: t\r\n\r\n',
        ]
        for (const text of bad) {
          const { responses, closed } = await exchange(port, [text], { waitForCloseMs: PATIENCE_MS })
          assert.equal(responses[0]?.status, 400, JSON.stringify(text))
          assert.equal(closed, true, `closed after ${JSON.stringify(text)}`)
        }
      })

      test('a head over 8 KiB gets 431 and the connection is closed', async () => {
        const big = `GET / HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`
        const { responses, closed } = await exchange(port, [big], { waitForCloseMs: PATIENCE_MS })
        assert.equal(responses[0]?.status, 431)
        assert.equal(closed, true)
        // Also when the head never ends: the server must not buffer forever.
        const endless = await exchange(port, [`GET / HTTP/1.1\r\nX: ${'b'.repeat(10_000)}`], {
          waitForCloseMs: PATIENCE_MS,
        })
        assert.equal(endless.responses[0]?.status, 431)
      })

      test('a head not complete within --header-timeout gets 408; an idle connection is closed quietly', async () => {
        // Both at once: each connection has its own timer.
        const t0 = performance.now()
        const [slow, idle] = await Promise.all([
          exchange(port, ['GET /0 HTTP/1.1\r\nHost: t\r\n'], { count: 1, timeoutMs: PATIENCE_MS }),
          exchange(port, [], { count: 1, timeoutMs: PATIENCE_MS }),
        ])
        assert.equal(slow.responses[0]?.status, 408)
        assert.equal(slow.responses[0]?.headers.get('connection'), 'close')
        assert.equal(idle.responses.length, 0)
        assert.equal(idle.closed, true)
        // A lower bound only: the server's timer starts after our clock did, and never fires early.
        assert.ok(performance.now() - t0 >= HEADER_TIMEOUT_MS - 50)
      })

      test('HTTP/1.0 and Connection: close get their answer, then the server closes', async () => {
        const old = await exchange(port, [request('/0', '', 'GET', 'HTTP/1.0')], { waitForCloseMs: PATIENCE_MS })
        assert.equal(old.responses[0]?.status, 200)
        assert.equal(old.responses[0]?.headers.get('connection'), 'close')
        assert.equal(old.closed, true)
        const close = await exchange(port, [request('/0', 'Connection: close\r\n')], { waitForCloseMs: PATIENCE_MS })
        assert.equal(close.responses[0]?.status, 200)
        assert.equal(close.closed, true)
      })

      test('keep-alive: one connection serves request after request', async () => {
        const { responses, closed } = await exchange(
          port,
          [request('/0'), request('/5'), request('/cpu/10'), request('/nope'), request('/0')],
          {
            gapMs: 30,
            waitForCloseMs: 100,
          },
        )
        assert.deepEqual(
          responses.map((r) => r.status),
          [200, 200, 200, 404, 200],
        )
        assert.ok(responses.every((r) => r.headers.get('connection') === 'keep-alive'))
        assert.equal(closed, false)
      })

      test('pipelined requests in one write are answered in order', async () => {
        const { responses } = await exchange(
          port,
          [request('/60') + request('/0') + request('/cpu/7') + request('/20')],
          { count: 4 },
        )
        assert.deepEqual(
          responses.map((r) => r.body),
          ['slept 60 ms\n', 'slept 0 ms\n', `cpu 7 ${cpuHash(7)}\n`, 'slept 20 ms\n'],
        )
      })

      test('a request written one byte at a time is parsed', async () => {
        const bytes = [...Buffer.from(request('/7', 'User-Agent: trickle\r\n'))].map((b) => Buffer.from([b]))
        const { responses } = await exchange(port, bytes, { count: 1, gapMs: 0 })
        assert.equal(responses[0]?.body, 'slept 7 ms\n')
      })

      test(
        'after malformed requests, oversized heads and resets, it still serves and its connections drop to ' + 'zero',
        async () => {
          const abuse: Promise<unknown>[] = []
          for (let i = 0; i < 10; i++) {
            abuse.push(exchange(port, ['BROKEN REQUEST LINE\r\n\r\n'], { waitForCloseMs: 500 }).catch(() => {}))
            abuse.push(
              exchange(port, [`GET / HTTP/1.1\r\nX: ${'z'.repeat(9000)}\r\n\r\n`], { waitForCloseMs: 500 }).catch(
                () => {},
              ),
            )
            abuse.push(resetMidRequest(port, i % 2 === 0 ? 'GET /20' : 'GET /50 HTTP/1.1\r\nHost: t\r\n\r\n'))
          }
          await Promise.all(abuse)
          assert.equal((await get(port, '/0')).body, 'slept 0 ms\n')
          let stats: { connections: number; inFlight: number } = { connections: -1, inFlight: -1 }
          // The closes are the server's to notice, in its own time: wait for them up to PATIENCE_MS.
          const deadline = performance.now() + PATIENCE_MS
          for (;;) {
            stats = JSON.parse((await get(port, '/__stats')).body)
            if ((stats.connections === 0 && stats.inFlight === 0) || performance.now() > deadline) break
            await sleep(100)
          }
          assert.deepEqual(
            { connections: stats.connections, inFlight: stats.inFlight },
            { connections: 0, inFlight: 0 },
          )
        },
      )
    })
  }
})

/** Connects, writes part of a request (or a whole one), and resets the connection (RST). */
function resetMidRequest(port: number, text: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.write(text, () =>
        setTimeout(() => {
          socket.resetAndDestroy()
          resolve()
        }, 5),
      )
    })
    socket.on('error', () => resolve())
  })
}

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
