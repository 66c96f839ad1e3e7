// One HTTP connection, as a future: an explicit state machine.
//
// With async/await, serving a connection would read:
//
//   async function serve(conn) {
//     for (;;) {
//       const request = await readRequest(conn)    // 'reading' (408 if the head is late)
//       if (request is GET /<ms>) await sleep(ms)  // 'sleeping'
//       await writeAll(conn, answer)               // 'writing'
//       if (answer closes the connection) break
//     }
//     await lingeringClose(conn)                   // 'closing'
//   }
//
// Each `await` is a place where the function may have to stop and resume later. So a compiler turns
// it into an object with one state per await point, holding what is live there, and a `poll` that
// resumes from the current state. Rust does this for every async fn. Here it is by hand: `State`
// is the union of those states, and `poll` is one loop around one switch. In each state we poll
// the leaf future of that await: when it is ready we move on to the next state within the same
// poll; when it is PENDING it has registered our waker, and we return PENDING too.
//
// Pipelined requests need nothing special: after an answer we go back to 'reading', and the parser
// may already hold the next request. The socket is read only in 'reading', so while we sleep or
// write, new bytes wait in Node's buffer, which stops reading the socket when it is full.

import { RequestParser, type HttpRequest } from '../shared/http-parser.ts'
import { errorReply, formatReply, ok, type Reply } from '../shared/http-response.ts'
import { LINGER_MS } from '../shared/limits.ts'
import { route } from '../shared/routes.ts'
import type { StatsProbe } from '../shared/stats.ts'
import { cpuHash, workBody } from '../shared/work.mjs'
import { PENDING, type Context, type Future, type PollResult } from './future.ts'
import { ReadRequest, Sleep, WriteAll } from './io-futures.ts'
import { READABLE, WRITABLE } from './poller.ts'
import { Registered } from './reactor.ts'
import type { Runtime } from './runtime.ts'
import { DISCONNECTED, EOF, WOULD_BLOCK, type TcpStream } from './sources.ts'
import { trace } from './trace.ts'

export interface ConnectionContext {
  rt: Runtime
  stats: StatsProbe
  headerTimeoutMs: number
  /** The body of `GET /`. */
  indexPage: string
  /** `--read-once`: read a few bytes per readiness event, then wait (the bug; see ReadRequest). */
  readOnce: boolean
}

// #region states
type State =
  | { name: 'reading' } // waiting for a request head; the header deadline runs
  | { name: 'sleeping'; sleep: Sleep; ms: number; close: boolean } // GET /<ms>, on the timer heap
  | { name: 'writing'; write: WriteAll; close: boolean } // an answer goes out, as fast as the client reads
  | { name: 'closing'; linger: Sleep } // FIN sent; read and discard until the client closes too
  | { name: 'closed' } // done: the task ends
// #endregion states

// States without data are shared, so moving into them allocates nothing.
const READING: State = { name: 'reading' }
const CLOSED: State = { name: 'closed' }

export class Connection implements Future<void> {
  private state: State = READING
  private readonly io: Registered<TcpStream>
  private readonly parser = new RequestParser()
  private readonly reader: ReadRequest
  /** The header deadline, reused for every request of the connection. */
  private readonly headerTimeout: Sleep
  private readonly ctx: ConnectionContext
  readonly label: string

  constructor(stream: TcpStream, ctx: ConnectionContext, label: string) {
    this.ctx = ctx
    this.label = label
    this.io = new Registered(ctx.rt.reactor, stream, READABLE | WRITABLE)
    if (trace.enabled) trace.nameToken(this.io.token, label)
    this.reader = new ReadRequest(this.io, this.parser, ctx.readOnce)
    this.headerTimeout = new Sleep(ctx.rt.timers, this.headDeadline())
    ctx.stats.counters.connections++
  }

  get token(): number {
    return this.io.token
  }

  // #region poll-reading
  poll(cx: Context): PollResult<void> {
    for (;;) {
      const state = this.state
      switch (state.name) {
        case 'reading': {
          const read = this.reader.poll(cx)
          if (read === PENDING) {
            // No complete head yet: wait for more bytes *or* the header deadline, whichever comes
            // first. Both leaf futures now hold our waker.
            if (this.headerTimeout.poll(cx) === PENDING) return PENDING
            if (this.parser.hasPartialRequest) {
              this.answer(errorReply(408, `request head not complete within ${this.ctx.headerTimeoutMs} ms`), true)
            } else this.close('no request within the header timeout')
            continue
          }
          this.headerTimeout.cancel()
          if (read === EOF) this.close('the client has finished sending')
          else if (read.kind === 'error') this.answer(errorReply(read.status, read.reason), true)
          else this.handle(read.request)
          continue
        }
        // #endregion poll-reading
        // #region poll-sleeping-writing
        case 'sleeping': {
          // Only the timer can wake us here. A client that leaves meanwhile is noticed when we
          // write to it, as in step 3: the wait is short and bounded, so it is not cut short.
          if (state.sleep.poll(cx) === PENDING) return PENDING
          this.ctx.stats.counters.inFlight--
          this.answer(ok(workBody({ kind: 'sleep', ms: state.ms })), state.close)
          continue
        }
        case 'writing': {
          const outcome = state.write.poll(cx)
          if (outcome === PENDING) return PENDING
          if (outcome === DISCONNECTED) this.finish('the client went away')
          else if (state.close) this.close('answered; this answer closes the connection')
          else this.readNext()
          continue
        }
        // #endregion poll-sleeping-writing
        case 'closing': {
          // Discard what the client still sends: closing with unread bytes makes the kernel send a
          // reset, which can destroy our last answer before the client has read it.
          let input = this.io.source.read()
          while (input !== WOULD_BLOCK && input !== EOF) input = this.io.source.read()
          if (this.io.source.isClosed) this.finish('both sides have closed')
          else if (state.linger.poll(cx) !== PENDING) this.finish(`the client kept it open for ${LINGER_MS} ms`)
          else {
            this.io.wakeWhenReady(cx)
            return PENDING
          }
          continue
        }
        case 'closed':
          return // ready: the connection is over, and so is its task
      }
    }
  }

  // #region handle
  /** A request head has arrived: answer it now, or start the work it asks for. */
  private handle(request: HttpRequest): void {
    const close = !request.keepAlive
    const decision = route(request)
    if (decision.kind === 'index') return this.answer(ok(this.ctx.indexPage), close)
    if (decision.kind === 'stats') return this.answer(ok(this.statsBody(), 'application/json'), close)
    if (decision.kind === 'error') {
      return this.answer(errorReply(decision.status, decision.detail, decision.headers), close)
    }
    const work = decision.work
    if (work.kind === 'cpu') {
      // CPU-bound work runs right here, inside poll: the runtime's only thread hashes, and no
      // other task runs, no timer fires, until it is done. Step 5 is the fix.
      return this.answer(ok(workBody(work, cpuHash(work.n))), close)
    }
    this.ctx.stats.counters.inFlight++
    const sleep = new Sleep(this.ctx.rt.timers, this.ctx.rt.now() + work.ms)
    this.enter({ name: 'sleeping', sleep, ms: work.ms, close }, `${request.method} ${request.target}`)
  }
  // #endregion handle

  private answer(reply: Reply, close: boolean): void {
    this.ctx.stats.counters.answered++
    const bytes = formatReply(reply, close)
    const write = new WriteAll(this.io, bytes)
    this.enter(
      { name: 'writing', write, close },
      `${reply.status}, ${bytes.length} bytes${close ? ', then close' : ''}`,
    )
  }

  private readNext(): void {
    this.headerTimeout.reset(this.headDeadline())
    this.enter(READING, 'answered; next request')
  }

  /** Half-close (FIN), then linger in 'closing' until the client closes too. */
  private close(why: string): void {
    this.headerTimeout.cancel()
    this.io.source.shutdown()
    this.enter({ name: 'closing', linger: new Sleep(this.ctx.rt.timers, this.ctx.rt.now() + LINGER_MS) }, why)
  }

  // #region finish
  /** Release everything: timers, the token, the socket. Cancelling under readiness is only this. */
  private finish(why: string): void {
    const state = this.state
    if (state.name === 'closed') return
    if (state.name === 'sleeping') {
      state.sleep.cancel()
      this.ctx.stats.counters.inFlight--
    }
    if (state.name === 'closing') state.linger.cancel()
    this.headerTimeout.cancel()
    this.io.deregister()
    this.io.source.close()
    this.ctx.stats.counters.connections--
    this.enter(CLOSED, why)
    if (trace.enabled && this.ctx.stats.counters.connections === 0) trace.restartClock()
  }
  // #endregion finish

  private enter(next: State, why: string): void {
    if (trace.enabled) trace.line(this.label, `${this.state.name} -> ${next.name}: ${why}`)
    this.state = next
  }

  /** Where the connection is (reading, sleeping, writing, closing, closed): for /__stats. */
  get stateName(): State['name'] {
    return this.state.name
  }

  /** The executor gives up on this task (a bug): close the connection rather than leak it. */
  drop(): void {
    this.finish('dropped by the executor')
  }

  private headDeadline(): number {
    return this.ctx.rt.now() + this.ctx.headerTimeoutMs
  }

  private statsBody(): string {
    // The connection asking is not counted: an idle server reports 0 connections.
    const snapshot = this.ctx.stats.snapshot()
    snapshot.connections = this.ctx.stats.counters.connections - 1
    return JSON.stringify(snapshot)
  }
}
