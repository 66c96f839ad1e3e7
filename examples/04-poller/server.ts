// Step 4 — a readiness poller and futures as state machines: an async runtime you can read.
//
// Steps 1–3 let something else schedule the requests: the OS (threads) or libuv (callbacks). Here
// we do it ourselves. Node still accepts connections and fills socket buffers, but from there on
// every request is a future polled by our runtime: a poller reports which sockets are ready, a
// reactor wakes the tasks waiting on them, an executor polls those tasks, and `GET /<ms>` waits on
// our own timer heap. No async/await, no Promises, no callbacks in the request path: only poll and
// wake. Read it in this order:
//
//   poller.ts, sources.ts   readiness: Poll, Registry, Token, Interest, Events (mio's shape)
//   future.ts               Future, PENDING, Context, Waker, the budget
//   executor.ts             tasks and the run queue
//   reactor.ts, timers.ts   what wakes tasks: ready sources, due deadlines
//   runtime.ts              the loop that turns them
//   counters.ts             what /__stats says the runtime did (--no-counters: nothing)
//   io-futures.ts           accept, read a request, sleep, write all
//   connection.ts           one connection as a hand-written state machine
//
// `/cpu` still runs inline, as in step 3: while it hashes, the runtime is stuck in one poll.
//
// Try: npm run step:4 -- --trace, then in another terminal: curl 127.0.0.1:6969/100
// And the classic bug of edge-triggered readiness, on purpose: npm run step:4 -- --read-once --trace
// reads a few bytes per readiness event and then waits, so that same curl hangs until the header
// deadline (10 s) answers 408 (see ReadRequest in io-futures.ts).

import { createServer } from 'node:net'
import { parseFlagsOrExit } from '../shared/cli.ts'
import { indexPage, listen, type StepInfo } from '../shared/server.ts'
import { StatsProbe } from '../shared/stats.ts'
import { Connection, type ConnectionContext } from './connection.ts'
import { NO_COUNTERS } from './counters.ts'
import { PENDING, type Context, type Future, type PollResult } from './future.ts'
import { Accept } from './io-futures.ts'
import { READABLE } from './poller.ts'
import { Registered } from './reactor.ts'
import { Runtime } from './runtime.ts'
import { TcpListener } from './sources.ts'
import { trace } from './trace.ts'

/** The server's first task: accept a connection, spawn a task for it, and again. Never ready. */
class AcceptLoop implements Future<never> {
  private readonly accept: Accept
  private accepted = 0
  private readonly ctx: ConnectionContext

  constructor(listener: Registered<TcpListener>, ctx: ConnectionContext) {
    this.ctx = ctx
    this.accept = new Accept(listener)
  }

  poll(cx: Context): PollResult<never> {
    for (;;) {
      const stream = this.accept.poll(cx)
      if (stream === PENDING) return PENDING
      const label = `conn ${++this.accepted}`
      const connection = new Connection(stream, this.ctx, label)
      const task = this.ctx.rt.spawn(connection, label)
      if (trace.enabled) trace.line('accept', `${label} from ${stream.peer}: token ${connection.token}, ${task}`)
    }
  }
}

const { server: options, flags } = parseFlagsOrExit('step:4', {
  trace: { kind: 'bool', help: 'print what the runtime does, request by request, on stderr' },
  'read-once': {
    kind: 'bool',
    help: 'the edge-triggered bug, on purpose: read a few bytes per readiness event, then wait (requests hang)',
  },
  'no-counters': {
    kind: 'bool',
    help: "count nothing (the runtime's counters in /__stats stay 0): what npm run bench:counters compares",
  },
})
trace.enabled = flags.trace

const rt = new Runtime(flags['no-counters'] ? { counters: NO_COUNTERS } : {})

/** How many connections are in each state: a look at every task when /__stats asks, nothing counted. */
function connectionStates(): Record<string, number> {
  const states = { reading: 0, sleeping: 0, writing: 0, closing: 0 }
  for (const task of rt.executor.pendingTasks()) {
    if (!(task.future instanceof Connection)) continue
    const name = task.future.stateName
    if (name !== 'closed') states[name]++
  }
  return {
    connectionsReading: states.reading,
    connectionsSleeping: states.sleeping,
    connectionsWriting: states.writing,
    connectionsClosing: states.closing,
  }
}

const step: StepInfo = {
  number: 4,
  name: 'readiness poller + futures',
  summary:
    'Our own runtime on readiness events: a poller, a reactor, an executor polling futures written as state ' +
    'machines, a timer heap.',
  extraStats: () => ({ ...rt.stats(), ...connectionStates() }),
}
const stats = new StatsProbe(step, step.extraStats)
const ctx: ConnectionContext = {
  rt,
  stats,
  headerTimeoutMs: options.headerTimeoutMs,
  indexPage: indexPage(step),
  readOnce: flags['read-once'],
}

// allowHalfOpen: a client that sends its request and then shuts its sending side still gets its answer.
const server = createServer({ allowHalfOpen: true })
const listener = new Registered(rt.reactor, new TcpListener(server), READABLE)
if (trace.enabled) trace.nameToken(listener.token, 'listener')
rt.spawn(new AcceptLoop(listener, ctx), 'accept loop')
listen(server, options)
rt.run((error) => {
  // The accept loop never finishes, so the runtime stops only if something is badly wrong.
  console.error(`step:4: the runtime stopped${error ? `: ${error.message}` : ''}`)
  process.exit(1)
})
