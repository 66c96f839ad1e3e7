// One side of the demo: a process that holds N idle connections, each opened with one read style,
// and measures what they cost it.
//
// It is a child process of its own so that each style is measured in a clean process, and the
// numbers are deltas: memory after all N connections are open and idle, minus memory before the
// first one, both right after a full garbage collection.
//
// (Why the holder *opens* the connections rather than accepting them: Node takes `onread` only for
// sockets it creates, `net.connect({ onread })`; a `net.Server` ignores it for the sockets it
// accepts, which deliver 'data' events instead (checked on Node 22.22 and 26.12).
// A connection waiting for its next read costs the same on either end, so the holder plays the
// server that waits on N idle keep-alive connections, and the peer in measure.ts plays the clients.)
//
// Started by measure.ts as: node --expose-gc holder.ts <strategy> <port> <connections>

import { connect, type Socket } from 'node:net'
import { completion } from './completion.ts'
import { readiness } from './readiness.ts'
import { GREETING, type HolderReport, type MemorySample } from './messages.ts'

const [strategyName, portText, countText] = process.argv.slice(2)
const strategy = strategyName === 'readiness' ? readiness : strategyName === 'completion' ? completion : undefined
const port = Number(portText)
const count = Number(countText)
if (strategy === undefined || !(port > 0) || !(count > 0) || process.send === undefined) {
  console.error('usage (from measure.ts, with an IPC channel): holder.ts readiness|completion <port> <connections>')
  process.exit(2)
}
const send = process.send.bind(process)
const gc = globalThis.gc
if (gc === undefined) throw new Error('holder.ts needs --expose-gc')

const BATCH = 100 // connections opened at once: stays well inside the peer's accept backlog
const sockets: Socket[] = []
let greeted = 0

function sample(): MemorySample {
  gc!()
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  return { rss, heapUsed, external, arrayBuffers }
}

/** Opens one connection and resolves when its greeting came in through the style's read path. */
function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0
    const socket = connect({
      host: '127.0.0.1',
      port,
      onread: strategy!.onread((chunk) => {
        received += chunk.length
        if (received === GREETING.length) {
          greeted++
          resolve()
        }
        return true
      }),
    })
    socket.once('error', reject)
    socket.once('close', () => {
      if (received < GREETING.length) reject(new Error('a connection closed before its greeting arrived'))
    })
    sockets.push(socket)
  })
}

async function main(): Promise<void> {
  const before = sample()
  for (let opened = 0; opened < count; opened += BATCH) {
    const batch: Promise<void>[] = []
    for (let i = opened; i < Math.min(count, opened + BATCH); i++) batch.push(open())
    await Promise.all(batch)
  }
  // Every connection is open, greeted and now idle, with a read outstanding on each.
  await new Promise((resolve) => setTimeout(resolve, 200))
  const after = sample()
  const report: HolderReport = { type: 'measured', strategy: strategy!.name, connections: greeted, before, after }
  send(report)
}

// Told to stop (or orphaned): close every connection, then exit.
function closeAll(): void {
  for (const socket of sockets) socket.destroy()
  process.exit(0)
}
process.on('message', (message) => {
  if (message === 'close') closeAll()
})
process.on('disconnect', closeAll)

main().catch((error: Error) => {
  send({ type: 'failed', message: error.message } satisfies HolderReport)
  closeAll()
})
