// The churn load (bench/load/churn.ts) and the busy-worker scenario (bench/load/busy-worker.ts):
// - every request goes on a connection of its own, says `Connection: close`, and is counted when
//   its answer is whole; at most `slots` connections are open at once; a count bound is exact;
// - a connection refused is an error, and the slot goes on (a dead server is not hammered);
// - busy-worker on step 6: the hold names the worker it kept busy, a round-robin acceptor still
//   hands that worker half of the new connections, and `--pick least` hands it few.

import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { describe, test } from 'node:test'
import { ChurnLoop } from '../../bench/load/churn.ts'
import { runScenario } from '../../bench/index.ts'
import { Recorder } from '../../bench/load/metrics.ts'
import type { BenchResult } from '../../bench/types.ts'
import { handleTransferMissing } from '../../examples/shared/handle-transfer.ts'
import { formatReply, ok } from '../../examples/shared/http-response.ts'

/** A server that answers one request per connection and then closes, noting what it saw. */
async function oneShotServer(onRequest = () => {}) {
  const seen = { connections: 0, heads: [] as string[] }
  const server = createServer((socket: Socket) => {
    seen.connections++
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      seen.heads.push(head)
      onRequest()
      setTimeout(() => socket.end(formatReply(ok('slept 2 ms\n'), true)), 2)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { seen, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

function churn(port: number, recorder: Recorder, bound: { requests: number | null; durationS: number | null }) {
  const config = { host: '127.0.0.1', port, path: '/2', slots: 5, maxRequests: 10_000, timeoutS: 5, ...bound }
  const loop = new ChurnLoop(config, recorder)
  const ended = new Promise<string>((resolve) => loop.start(performance.now(), resolve))
  return { loop, ended }
}

describe('churn: a new connection for every request', () => {
  test('200 requests on 200 connections, each with Connection: close, at most 5 open at once', async () => {
    let mostOpen = 0
    const server = await oneShotServer(() => (mostOpen = Math.max(mostOpen, loop.inFlight)))
    const recorder = new Recorder()
    const { loop, ended } = churn(server.port, recorder, { requests: 200, durationS: null })
    assert.equal(await ended, 'completed')
    await server.close()
    const m = recorder.metrics()
    assert.deepEqual([m.completed, m.errors, m.timeouts, m.non2xx], [200, 0, 0, 0])
    assert.equal(server.seen.connections, 200, 'one connection per request')
    assert.equal(server.seen.heads.length, 200)
    assert.ok(server.seen.heads.every((h) => /^GET \/2 HTTP\/1\.1\r\n/.test(h) && /\r\nConnection: close\r\n/i.test(h)))
    assert.ok(mostOpen >= 2 && mostOpen <= 5, `at most 5 open at once (the client's count), saw ${mostOpen}`)
    assert.ok(m.latency!.p50 >= 2, `each answer waited its 2 ms, p50 ${m.latency!.p50} ms`)
    assert.equal(m.steadyThroughput, null, 'a connection carries one request: no per-connection rate')
  })

  test('a duration bound stops opening connections and ends when the open ones have closed', async () => {
    const server = await oneShotServer()
    const recorder = new Recorder()
    const t0 = performance.now()
    const { loop, ended } = churn(server.port, recorder, { requests: null, durationS: 0.3 })
    assert.equal(await ended, 'duration')
    const took = performance.now() - t0
    await server.close()
    assert.ok(took >= 300 && took < 2000, `ended after ${took.toFixed(0)} ms`)
    assert.equal(recorder.metrics().completed, server.seen.connections)
    assert.equal(loop.inFlight, 0, 'no connection left open')
  })

  test('a refused connection is an error, and the slots go on until the bound', async () => {
    const server = await oneShotServer()
    await server.close() // nobody listens on the port now
    const recorder = new Recorder()
    const { ended } = churn(server.port, recorder, { requests: 20, durationS: null })
    assert.equal(await ended, 'completed')
    const m = recorder.metrics()
    assert.deepEqual([m.completed, m.errors], [0, 20])
  })
})

describe('busy-worker on step 6: where new connections go while one worker hashes', () => {
  // Both dispatchers here are the acceptor's: a Node that cannot hand a socket to a thread has none
  // (step6-dispatch.test.ts checks that step 6 refuses it there, with one line).
  if (handleTransferMissing() !== undefined) return
  const run = (step: string) => runScenario({ step, scenario: 'busy-worker', durationS: 2 })
  const share = (r: BenchResult) => {
    assert.ok(r.hold !== null && r.hold.worker !== null, 'the hold names the worker it kept busy')
    assert.ok(r.hold.tasksDone >= 1, `the busy worker hashed (${r.hold.tasksDone} tasks)`)
    const workers = r.server?.workers
    assert.ok(workers && workers.length === 2, 'two workers report their share')
    const busy = workers.find((w) => w.worker === r.hold!.worker)!.accepted
    const total = workers.reduce((sum, w) => sum + w.accepted, 0)
    return { busy, total }
  }

  test('round-robin: the busy worker still gets half of the new connections', async () => {
    const { busy, total } = share(await run('6'))
    assert.ok(total >= 10, `${total} connections`)
    assert.ok(Math.abs(busy / total - 0.5) <= 0.1, `busy worker took ${busy} of ${total}`)
  })

  test('--pick least: the busy worker gets few of them', async () => {
    const result = await run('6-least')
    const { busy, total } = share(result)
    assert.ok(total >= 50, `${total} connections`)
    assert.ok(busy / total <= 0.25, `busy worker took ${busy} of ${total}`)
    assert.equal(result.metrics.errors, 0)
  })
})
