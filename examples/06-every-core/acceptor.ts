// `--dispatch acceptor`: the Rust server's shape (server.ts). One thread (here, the main thread) owns the
// listening socket and accepts every connection, then hands each one to a worker thread, which
// reads, parses and answers on its own event loop. In the Rust server, a Crossbeam channel carries the
// accepted `TcpStream` to one of the threads; here, `worker.postMessage(socket, [socket])` moves
// the connection's handle to the worker's loop (Node 26.6+ / 24.20+, Unix).
//
// The socket must be untouched when it moves: nothing read, nothing written, nothing buffered.
// `pauseOnConnect: true` makes libuv accept without starting to read, and we transfer at once, in
// the 'connection' callback. After the transfer our copy of the socket is destroyed; the worker's
// copy carries on.
//
// The weakness that comes with it: every new connection goes through this one thread. Its
// loop does little per connection (an accept, a pick, a message), but it is one loop, on one core,
// however many workers there are: connection churn (a new connection per request) is capped by it.

import { createServer, type Server } from 'node:net'
import type { TransferListItem } from 'node:worker_threads'
import type { ServerOptions } from '../shared/cli.ts'
import { listen } from '../shared/server.ts'
import type { Pick } from './pick.ts'
import type { ToWorker } from './worker.ts'
import type { Workers } from './workers.ts'

// #region acceptor
export function startAcceptor(workers: Workers, options: ServerOptions, pick: Pick): Server {
  const { threads, table, mainRow } = workers
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => {
    const worker = pick()
    table.add(worker, 'dispatched', 1) // counted before it can arrive: `--pick least` reads this
    try {
      // @types/node 22 types the list without sockets (it predates their transfer).
      threads[worker]!.postMessage({ kind: 'connection', socket } satisfies ToWorker, [
        socket as unknown as TransferListItem,
      ])
    } catch {
      // Not transferable any more (the client reset it before we got to it): nothing to serve.
      table.add(worker, 'dispatched', -1)
      table.add(mainRow, 'transferFailed', 1)
      socket.destroy()
    }
  })
  listen(server, options) // prints `listening on …`, exits when the parent process goes
  return server
}
// #endregion acceptor
