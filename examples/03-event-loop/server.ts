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
// The same trap hides in code that looks asynchronous: `GET /await/<n>` only awaits promises that
// are already resolved, and freezes the loop just as the hash does, because `await` is not a turn
// of the event loop (see `awaitSettled` below). `GET /await-yield/<n>` is the way out.
//
// Try: npm run step:3, then
//   curl 127.0.0.1:6969/1000                                      answers after a second
//   curl 127.0.0.1:6969/cpu/1000000000 & curl 127.0.0.1:6969/0    the /0 waits for the hash
//   curl 127.0.0.1:6969/await/20000000 & curl 127.0.0.1:6969/0    ...and for the awaits
//   curl 127.0.0.1:6969/await-yield/20000000 & curl 127.0.0.1:6969/0    but not for these

import { setImmediate as nextLoopTurn } from 'node:timers/promises'
import { parseFlagsOrExit } from '../shared/cli.ts'
import type { Handler } from '../shared/connection.ts'
import { ok } from '../shared/http-response.ts'
import { startServer } from '../shared/server.ts'
import { cpuHash, workBody } from '../shared/work.mjs'
import type { AwaitWork } from '../shared/work-types.ts'

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

// The comments of the next two regions are wrapped short: a slide shows both beside a chart.
// #region await
// `GET /await/<n>`: n awaits of a promise that has already resolved, like a cache
// hit behind an async API. Every line is "async", yet nothing else runs until the
// loop is over: each `await` queues the rest of the function as a microtask, and
// Node runs the microtask queue to the last job (jobs queued meanwhile included)
// before libuv may poll a socket or fire a timer. There is no budget: the chain
// starves the loop exactly as a CPU loop does.
async function awaitSettled(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve(i)
}
// #endregion await

// #region await-yield
// `GET /await-yield/<n>`: the same loop, yielding every 128 awaits. `await
// setImmediate()` (from node:timers/promises) resumes us from the loop's check
// phase, after it has polled for I/O: a macrotask boundary, where the loop serves
// everyone else. 128 is a budget written by hand, Tokio's default per-task budget
// (Node has none of its own).
const AWAITS_PER_TURN = 128

async function awaitSettledYielding(n: number): Promise<number> {
  let turns = 0
  for (let i = 1; i <= n; i++) {
    await Promise.resolve(i)
    if (i % AWAITS_PER_TURN === 0) {
      await nextLoopTurn() // give the loop its turn: sockets, timers, then us again
      turns++
    }
  }
  return turns
}
// #endregion await-yield

// A route of its own, not a flag: the URL says which loop runs, so one step-3 server serves both
// side by side, the same `/0` probe and loop-delay meter watch the same process, and a recorded
// run names its path.
const handleAwait: Handler<AwaitWork> = (work, reply) => {
  if (work.yielding) {
    awaitSettledYielding(work.n).then((turns) => reply(ok(`awaited ${work.n}, yielded ${turns} times\n`)))
  } else {
    awaitSettled(work.n).then(() => reply(ok(`awaited ${work.n}\n`)))
  }
}

const { server: options } = parseFlagsOrExit('step:3', {}, { servesAwait: true })
startServer(
  {
    number: 3,
    name: 'event loop',
    summary: 'One thread and the libuv loop: timers and callbacks, nothing blocks, except /cpu (and /await).',
  },
  options,
  handle,
  handleAwait,
)
