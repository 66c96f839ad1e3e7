// Helpers for the step-4 unit tests: a fake readiness source, `poll` as a Promise, and a loopback
// listener to get real sockets. Test code may await; the runtime under test never does.

import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { Events, type Poll, type ReadinessSink, type Source } from '../../examples/04-poller/poller.ts'
import type { Runtime } from '../../examples/04-poller/runtime.ts'

/** A source the test drives by hand: `report(bits)` is what a socket event would do. */
export class FakeSource implements Source {
  sink: ReadinessSink | null = null
  watch(sink: ReadinessSink): void {
    this.sink = sink
  }
  unwatch(): void {
    this.sink = null
  }
  report(readiness: number): void {
    this.sink?.report(readiness)
  }
}

export interface SeenEvent {
  token: number
  readiness: number
}

/** One `poll`, as a Promise of the events it returned (copied: Events are reused). */
export function pollOnce(poll: Poll, timeoutMs: number | null, events = new Events(64)): Promise<SeenEvent[]> {
  return new Promise((resolve) => {
    poll.poll(events, timeoutMs, () => resolve([...events].map((e) => ({ token: e.token, readiness: e.readiness }))))
  })
}

/** Runs the runtime until every task is done; rejects if it stops with an error. */
export function runToEnd(rt: Runtime): Promise<void> {
  return new Promise((resolve, reject) => rt.run((error) => (error ? reject(error) : resolve())))
}

/** A loopback server (not yet wrapped in anything) and a way to open client connections to it. */
export async function loopback(): Promise<{
  server: Server
  port: number
  client(): Promise<Socket>
  close(): Promise<void>
}> {
  const server = createServer({ allowHalfOpen: true })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  const clients: Socket[] = []
  const accepted: Socket[] = []
  server.on('connection', (socket: Socket) => accepted.push(socket))
  return {
    server,
    port: address.port,
    async client() {
      const socket = connect({ port: address.port, host: '127.0.0.1' })
      clients.push(socket)
      await once(socket, 'connect')
      return socket
    },
    async close() {
      for (const socket of [...clients, ...accepted]) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
