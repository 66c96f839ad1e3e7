// Warming up before the load. The load generator's own code: client set-up, response parsing and
// the sender's timers run a short load against a throwaway server inside this process, so that a
// cold JIT in the client is not charged to the server under test; one warm-up per way of sending:
// the closed loop (autocannon), the open loop (open-loop.ts), a connection per request (churn.ts).
// And, when the run asks (`warmUpRequests`: the load curve's legs), the server under test.

import autocannon from 'autocannon'
import { type AddressInfo, createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { formatReply, ok } from '../../examples/shared/http-response.ts'
import type { KindName } from '../kinds/kind.ts'
import { ChurnLoop } from './churn.ts'
import { Recorder } from './metrics.ts'
import { fetchText } from './one-get.ts'
import { OpenLoopSender } from './open-loop.ts'

/** The warm-up that sends as `kind`'s main load will; how long it took (ms). */
export function warmUpFor(kind: KindName, connections: number): Promise<number> {
  switch (kind) {
    case 'churn':
    case 'busy-worker':
      return warmUpChurn(connections)
    case 'open':
    case 'overload':
      return warmUpOpenLoop()
    default:
      return warmUpClosedLoop(Math.min(connections, 500))
  }
}

/**
 * `count` untimed GETs of `url`, one after another, each on its own connection: a fresh server's
 * first requests (its JIT cold, its buffers not grown) are then not counted as the load's. A
 * request that fails ends the warm-up; the load will show the same failure, counted.
 */
export async function warmUpServer(url: string, count: number, timeoutMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    try {
      await fetchText(url, timeoutMs)
    } catch {
      return
    }
  }
}

/** A throwaway server in this process: one short answer to every chunk it reads. */
async function localServer(): Promise<{ port: number; close(): void }> {
  const server = createServer((socket) => {
    socket.on('data', () => socket.write(formatReply(ok('slept 1000 ms\n'), false)))
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, close: () => server.close() }
}

/** A short open-loop run against a server inside this process. */
async function warmUpOpenLoop(): Promise<number> {
  const t0 = performance.now()
  const server = await localServer()
  const sender = new OpenLoopSender('127.0.0.1', server.port, {
    path: '/',
    ratePerSec: 2000,
    connections: 8,
    maxConnections: 64,
  })
  await sender.open()
  await new Promise<void>((resolve) => sender.start(performance.now(), new Recorder(), 0.3, resolve))
  sender.stop()
  server.close()
  return Math.round(performance.now() - t0)
}

/** A short autocannon run against a server inside this process. */
async function warmUpClosedLoop(connections: number): Promise<number> {
  const t0 = performance.now()
  const server = await localServer()
  const wanted = connections * 3
  await new Promise<void>((resolve) => {
    let answered = 0
    const url = `http://127.0.0.1:${server.port}/`
    const warm = autocannon({ url, connections, amount: wanted, sampleInt: 10 }, () => resolve())
    // Stop at the last answer instead of waiting for autocannon's next sample.
    warm.on('response', () => ++answered === wanted && warm.stop())
  })
  server.close()
  return Math.round(performance.now() - t0)
}

/** A short churn (churn.ts) against a server inside this process that closes after each answer. */
async function warmUpChurn(slots: number): Promise<number> {
  const t0 = performance.now()
  const server = createServer((socket) => {
    socket.once('data', () => socket.end(formatReply(ok('slept 0 ms\n'), true)))
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const config = { host: '127.0.0.1', port, path: '/', slots, requests: slots * 10, durationS: null, maxRequests: 0 }
  await new Promise<void>((resolve) =>
    new ChurnLoop({ ...config, timeoutS: 5 }, new Recorder()).start(t0, () => resolve()),
  )
  server.close()
  return Math.round(performance.now() - t0)
}
