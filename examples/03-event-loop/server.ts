// Step 3 — the event loop: one thread, many requests waiting at once.
//
// The libuv way, which is Node's own: nothing blocks. `GET /1000` does not sleep a thread; it
// sets a timer and returns to the loop at once, and the loop goes on reading other sockets. When
// the timer fires, a callback writes the answer. Ten thousand sleeping requests cost ten thousand
// timers and sockets, not ten thousand threads.
//
// The catch is in the `/cpu` branch: the hash runs right here, on the loop's only thread. While it
// runs, no timer fires and no socket is read, so one `GET /cpu/<n>` freezes every other request.
// That is the point of this step; step 5 is the fix.
//
// Try: npm run step:3, then
//   curl 127.0.0.1:6969/1000                                      answers after a second
//   curl 127.0.0.1:6969/cpu/1000000000 & curl 127.0.0.1:6969/0    the /0 waits for the hash

import { parseFlagsOrExit } from '../shared/cli.ts'
import type { Handler } from '../shared/connection.ts'
import { ok } from '../shared/http-response.ts'
import { startServer } from '../shared/server.ts'
import { cpuHash, workBody } from '../shared/work.mjs'

// #region handler
const handle: Handler = (work, reply) => {
  if (work.kind === 'sleep') {
    // I/O-bound: ask the loop to call us back later, and return right away. (/0 does not wait:
    // Node would stretch setTimeout(fn, 0) to a 1 ms timer.)
    if (work.ms === 0) reply(ok(workBody(work)))
    else setTimeout(() => reply(ok(workBody(work))), work.ms)
  } else {
    // CPU-bound: runs on the loop's thread. Nothing else runs until it is done.
    reply(ok(workBody(work, cpuHash(work.n))))
  }
}
// #endregion handler

const { server: options } = parseFlagsOrExit('step:3', {})
startServer(
  {
    number: 3,
    name: 'event loop',
    summary: 'One thread and the libuv loop: timers and callbacks, nothing blocks, except /cpu.',
  },
  options,
  handle,
)
