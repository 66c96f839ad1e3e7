// The open loop against the closed loop, on the same stall. Step 3 runs one ~500 ms `/cpu` task in
// the middle of each run, which freezes its event loop (it hashes inline). The open loop (200 req/s
// on a fixed schedule, each latency counted from when the request was due) charges the stall to the
// ~100 requests that fell due during it: p99 of at least ~400 ms. The closed loop (autocannon, 4
// connections) sends nothing while its 4 requests wait: 4 slow answers among thousands, and a p99
// of a few milliseconds. That difference is coordinated omission, and why the bench has both.
//
// And the sender's connection bound, against a server in this process that answers after 100 ms:
// below the bound it opens connections as the schedule needs them and every request leaves on
// time; at the bound the requests wait for a free connection, are counted, and their wait is in
// their latency. Margins are generous: two shared cores run the tests.

import assert from 'node:assert/strict'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { Recorder } from '../../bench/load/metrics.ts'
import { OpenLoopSender } from '../../bench/load/open-loop.ts'
import { runningServers, type ServerProcess, startServer } from '../../bench/server/server-process.ts'
import { timeRequest } from '../../bench/load/one-get.ts'
import { runWithStall, stallPath } from '../../bench/tools/stall.ts'
import { findStep } from '../../bench/steps.ts'

describe('a 500 ms stall, measured open loop and closed loop', () => {
  let server: ServerProcess
  let stall: string

  before(async () => {
    server = await startServer(findStep('3')!)
    stall = stallPath(500)
    await timeRequest(`${server.url}/cpu/1000000`) // the server's hash loop compiled, as in the runs
  })
  after(() => server.stop())

  test('open loop at 200 req/s: p99 ≥ 400 ms; closed loop: a few ms at p99, the stall only in its max', async (t) => {
    const open = await runWithStall(server.url, { rate: 200, durationS: 3 }, stall)
    const closed = await runWithStall(server.url, { scenario: 'hello', connections: 4, durationS: 3 }, stall)
    const o = open.result.metrics.latency!
    const c = closed.result.metrics.latency!
    const stalls = [open.stallMs, closed.stallMs]
    t.diagnostic(
      `stalls ${stalls.join(', ')} ms; open: ${open.result.done} answers, p50 ${o.p50} p99 ${o.p99} max ${o.max} ms; ` +
        `closed: ${closed.result.done} answers, p50 ${c.p50} p99 ${c.p99} max ${c.max} ms`,
    )
    assert.ok(
      stalls.every((s) => s >= 400),
      `each stall held the loop ≥ 400 ms: ${stalls}`,
    )

    // Open loop: every request due in 3 s at 200/s was sent and answered; the stall is in the p99.
    const schedule = open.result.generator!.open!
    assert.equal(open.result.endedBy, 'duration')
    assert.equal(schedule.scheduled, 600)
    assert.deepEqual([schedule.sent, open.result.done, open.result.metrics.unanswered], [600, 600, 0])
    assert.equal(schedule.heldAtBound, 0, 'the bound (500 connections) was never reached')
    assert.ok(o.p99 >= 400, `open-loop p99 ${o.p99} ms`)
    assert.deepEqual(o.lowerBound, [], 'every request was answered: the figures are exact')

    // Closed loop: the same stall, four requests held, thousands answered in between.
    assert.equal(closed.result.endedBy, 'duration')
    assert.ok(closed.result.done >= 1000, `${closed.result.done} closed-loop answers`)
    assert.ok(c.max >= 0.5 * closed.stallMs, `the closed loop's max ${c.max} ms shows the stall`)
    assert.ok(c.p99 <= o.p99 / 4, `closed-loop p99 ${c.p99} ms against open-loop ${o.p99} ms`)
    assert.ok(o.p99 - c.p99 >= 300, `open-loop p99 − closed-loop p99 = ${(o.p99 - c.p99).toFixed(1)} ms`)
  })
})

describe("the open-loop sender's connections", () => {
  let slow: Server
  let port: number
  before(async () => {
    // Answers each request 100 ms after it arrives (one request at a time per connection).
    slow = createServer((socket) => {
      socket.on('data', () => {
        setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n'), 100)
      })
      socket.on('error', () => socket.destroy())
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    port = (slow.address() as AddressInfo).port
  })
  after(() => slow.close())

  async function run(maxConnections: number) {
    const sender = new OpenLoopSender('127.0.0.1', port, { path: '/', ratePerSec: 100, connections: 2, maxConnections })
    await sender.open()
    const recorder = new Recorder({ serviceTime: true })
    await new Promise<void>((resolve) => sender.start(performance.now(), recorder, 1, resolve))
    sender.stop()
    return { stats: sender.stats(), metrics: recorder.metrics() }
  }

  test('below the bound: more connections as the answers take 100 ms, every request on time', async () => {
    const { stats, metrics } = await run(50)
    // 100 req/s × 100 ms: about 10 requests in flight at once.
    assert.equal(stats.scheduled, 100)
    assert.deepEqual([stats.sent, metrics.completed, stats.heldAtBound, stats.unanswered], [100, 100, 0, 0])
    assert.ok(stats.peakConnections >= 8 && stats.peakConnections <= 30, `peak ${stats.peakConnections} connections`)
    assert.equal(stats.opened.before, 2)
    assert.ok(metrics.latency!.p50 >= 100 && metrics.latency!.p50 < 300, `p50 ${metrics.latency!.p50} ms`)
  })

  test('at the bound: requests wait for a free connection, are counted, and the wait is in their latency', async () => {
    // 4 connections carry 40 req/s of 100 ms answers; 100 are due in the first second.
    const { stats, metrics } = await run(4)
    assert.equal(stats.peakConnections, 4)
    assert.equal(stats.sent, 100, 'every request due was sent, late')
    assert.ok(stats.heldAtBound >= 50, `${stats.heldAtBound} held at the bound`)
    // The last ones waited about 100 / 40 − 1 s = 1.5 s for a connection: counted from when they were due.
    assert.ok(metrics.latency!.max >= 1000, `max ${metrics.latency!.max} ms from when due`)
    assert.ok(metrics.serviceTime!.max < 600, `but each took ${metrics.serviceTime!.max} ms once it left`)
  })
})

after(() => assert.equal(runningServers(), 0, 'every server this file started has exited'))
