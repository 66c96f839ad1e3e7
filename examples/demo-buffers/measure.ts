// Running one measurement: a silent peer that accepts connections, greets each once and then says
// nothing, and a holder process (holder.ts) that opens N connections to it with one read style and
// reports its memory. Everything is on 127.0.0.1, bounded in count, and closed at the end.

import { fork } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { GREETING, type HolderReport } from './messages.ts'
import type { ReadStrategy } from './strategy.ts'

const HOLDER = fileURLToPath(new URL('./holder.ts', import.meta.url))
export const MAX_CONNECTIONS = 10_000

export interface SilentPeer {
  port: number
  /** Connections the peer has open right now. */
  open(): number
  close(): Promise<void>
}

export async function startSilentPeer(): Promise<SilentPeer> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
    socket.write(GREETING) // then silence: the connection stays open and idle
  })
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 })
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  return {
    port: address.port,
    open: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

export type Measurement = Extract<HolderReport, { type: 'measured' }>

/** Starts a holder for `strategy`, waits for its report, then has it close everything and exit. */
export async function measureStrategy(
  peer: SilentPeer,
  strategy: ReadStrategy['name'],
  connections: number,
  timeoutMs = 60_000,
): Promise<Measurement> {
  if (!(connections >= 1 && connections <= MAX_CONNECTIONS))
    throw new RangeError(`connections must be 1..${MAX_CONNECTIONS}`)
  // Plain node, whose own type stripping runs holder.ts (no TypeScript loader, so the demo needs no
  // `npm install`), and --expose-gc so the holder can measure after a full GC.
  const child = fork(HOLDER, [strategy, String(peer.port), String(connections)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = once(child, 'exit')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  try {
    const report = await new Promise<HolderReport>((resolve, reject) => {
      child.once('message', (message) => resolve(message as HolderReport))
      child.once('exit', (code, signal) =>
        reject(new Error(`holder for ${strategy} exited (${signal ?? code}) before reporting`)),
      )
    })
    if (report.type === 'failed') throw new Error(`holder for ${strategy} failed: ${report.message}`)
    return report
  } finally {
    if (child.connected) child.send('close')
    await exited
    clearTimeout(timer)
    await waitFor(() => peer.open() === 0, 5000) // the peer sees every connection closed
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('connections did not close in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
