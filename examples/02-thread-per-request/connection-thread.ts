// One connection's thread, in step 2 `--own-socket`: this thread owns the socket. It reads, parses,
// does the work by blocking (`Atomics.wait` for `/<ms>`, the hash for `/cpu/<n>`) and writes the
// answer, for every request the connection sends, then ends with it. That is a Rust
// thread-per-request server (`thread::spawn` per accepted `TcpStream`, blocking reads and writes),
// which Node can imitate only since a socket can be handed to a worker thread (26.6+ / 24.20+).
//
// The connection code is the one every step shares (../shared/connection.ts), with step 1's
// handler: block, then answer. While this thread blocks, its own loop stops too (no header timer
// runs, nothing is read), but that stops only this connection: the others have threads of their
// own. The thread starts at ../shared/thread-entry.mjs with its TypeScript already stripped
// (../shared/thread-modules.ts), so it costs what a plain JavaScript worker costs.

import type { Socket } from 'node:net'
import type { Handler } from '../shared/connection.ts'
import { serveConnection } from '../shared/connection.ts'
import { ok } from '../shared/http-response.ts'
import type { SharedTableHandle } from '../shared/shared-stats.ts'
import { StatsProbe } from '../shared/stats.ts'
import { threadData } from '../shared/thread-modules.ts'
import { doWorkBlocking } from '../shared/work.mjs'
import { openOwnSocketTable, ownSocketStats, THREADS_ROW } from './own-socket-stats.ts'

/** What the main thread gives each connection's thread (own-socket.ts). */
export interface ConnectionThreadInput {
  socket: Socket
  table: SharedTableHandle
  headerTimeoutMs: number
  step: { number: number; name: string }
  indexPage: string
}

const input = threadData<ConnectionThreadInput>()
const table = openOwnSocketTable(input.table)

// #region thread
const handle: Handler = (work, reply) => reply(ok(doWorkBlocking(work))) // this thread, and only it, waits

const stats = new StatsProbe(input.step, () => ownSocketStats(table), table.counters(THREADS_ROW))
input.socket.allowHalfOpen = true // as every step's server: a client's FIN still gets its answer
serveConnection(input.socket, { handle, stats, headerTimeoutMs: input.headerTimeoutMs, indexPage: input.indexPage })
// When the connection closes, nothing is left on this thread's loop, and the thread ends.
// #endregion thread
