// Step 2 `--own-socket`: a thread per connection that owns its socket, as in a Rust
// thread-per-request server. The main thread only accepts: each new connection is handed, untouched
// (`pauseOnConnect`), to a brand-new worker thread (connection-thread.ts) in the very message that
// starts it, and the thread serves that connection until it closes. Needs a Node that can transfer
// a socket to a thread (26.6+ / 24.20+, Unix); server.ts refuses the flag elsewhere.
//
// What changes against step 2's other mode, where the main thread keeps every socket and a thread
// gets only the work of one request:
// - a thread lives as long as its connection, not one request: a keep-alive client holds a thread
//   (and its several megabytes) even while it sends nothing, which is what C10k meant;
// - the main thread no longer parses or writes anything; its loop only accepts and spawns;
// - `--max-threads` counts connections, not requests in flight: beyond it, the main thread serves
//   the connection itself and answers each request with 503 and `Retry-After`.
// `/__stats` is answered by the thread that owns the asking connection, from shared memory
// (own-socket-stats.ts).

import { createServer, type Server } from 'node:net'
import type { Worker } from 'node:worker_threads'
import type { ServerOptions } from '../shared/cli.ts'
import { serveConnection, type Handler } from '../shared/connection.ts'
import { errorReply } from '../shared/http-response.ts'
import { indexPage, listen, type StepInfo } from '../shared/server.ts'
import { StatsProbe } from '../shared/stats.ts'
import { startThread, strippedSources } from '../shared/thread-modules.ts'
import type { ConnectionThreadInput } from './connection-thread.ts'
import { MAIN_ROW, openOwnSocketTable, ownSocketStats } from './own-socket-stats.ts'

const CONNECTION_THREAD = new URL('./connection-thread.ts', import.meta.url)

export interface ThreadAccounting {
  /** Counts a new thread (step 2's `countThread`: spawned, alive, time to start). */
  count(worker: Worker): void
  figures(): { threadsSpawned: number; threadsAlive: number; threadStartMsAvg: number }
}

export function startOwnSocketServer(
  step: StepInfo,
  options: ServerOptions,
  maxThreads: number,
  threads: ThreadAccounting,
): Server {
  strippedSources(CONNECTION_THREAD) // once, now: not on the first connection, and before the loop is measured
  const table = openOwnSocketTable()
  const stats = new StatsProbe(step, () => ownSocketStats(table), table.counters(MAIN_ROW))
  table.startPublishing(MAIN_ROW, stats) // the main loop's figures, for whichever thread is asked
  const publishThreads = () => {
    const { threadsSpawned, threadsAlive, threadStartMsAvg } = threads.figures()
    table.set(MAIN_ROW, 'threadsSpawned', threadsSpawned)
    table.set(MAIN_ROW, 'threadsAlive', threadsAlive)
    table.set(MAIN_ROW, 'threadStartCentiMs', Math.round(threadStartMsAvg * 100))
  }
  const page = indexPage(step)
  // Over --max-threads, the main thread serves the connection itself: every request gets 503.
  const refuse: Handler = (_work, reply) =>
    reply(
      errorReply(503, `${threads.figures().threadsAlive} threads alive, the --max-threads limit`, {
        'Retry-After': '1',
      }),
    )
  const overflow = { handle: refuse, stats, headerTimeoutMs: options.headerTimeoutMs, indexPage: page }

  // #region own-socket
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => {
    if (threads.figures().threadsAlive >= maxThreads) {
      socket.resume() // accepted paused (for a transfer that will not happen): start reading
      return serveConnection(socket, overflow)
    }
    const input: ConnectionThreadInput = {
      socket, // moved, not copied: listed in the transfer list below
      table: table.handle(),
      headerTimeoutMs: options.headerTimeoutMs,
      step: { number: step.number as number, name: step.name },
      indexPage: page,
    }
    let worker: Worker
    try {
      worker = startThread(CONNECTION_THREAD, input, [socket])
    } catch {
      return socket.destroy() // not transferable any more: the client reset it before we got to it
    }
    threads.count(worker)
    publishThreads()
    worker.once('online', publishThreads)
    worker.once('exit', publishThreads)
    worker.on('error', (error) => console.error(`step:2: a connection's thread failed: ${error.message}`))
  })
  // #endregion own-socket
  listen(server, options)
  return server
}
