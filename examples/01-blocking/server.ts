// Step 1 — blocking: one thread, one request at a time.
//
// The classic first server: accept a connection, read a request, do the work, answer, repeat.
// While it works — here, while it sleeps for `GET /1000` — nothing else happens: no other
// connection is read or answered, because the only thread is asleep.
//
// Node has no blocking `accept()` or `read()` to write that loop with, so the socket plumbing is
// the shared event-loop code; what makes this step blocking is the handler below. It sleeps with
// `Atomics.wait`, which parks the whole thread exactly as a blocking `read()` from a database
// would. Two clients asking for `/300` at once are therefore answered after 300 and 600 ms.
//
// Try: npm run step:1, then in another terminal
//   curl 127.0.0.1:6969/1000 & curl 127.0.0.1:6969/1000 & time wait

import { parseFlagsOrExit } from '../shared/cli.ts'
import type { Handler } from '../shared/connection.ts'
import { ok } from '../shared/http-response.ts'
import { startServer } from '../shared/server.ts'
import { doWorkBlocking } from '../shared/work.mjs'

// #region handler
// Do the work right here, on the only thread, and answer. The whole server waits with us.
const handle: Handler = (work, reply) => {
  const body = doWorkBlocking(work) // Atomics.wait for /<ms>, the hash loop for /cpu/<n>
  reply(ok(body))
}
// #endregion handler

const { server: options } = parseFlagsOrExit('step:1', {})
startServer(
  {
    number: 1,
    name: 'blocking',
    summary: 'One thread serves one request at a time; while it sleeps, nothing else happens.',
  },
  options,
  handle,
)
