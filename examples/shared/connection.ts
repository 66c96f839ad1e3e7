// One HTTP connection, from its first byte to its close, for steps 1, 2, 3, 5 and 6.
//
// The steps differ in one thing only: how they carry out the work a request asks for. Everything
// else about a connection is the same and lives here: feeding bytes to the parser, answering
// pipelined requests one at a time and in order, the head-size and header-timeout limits,
// keep-alive, and closing politely after an error. A step hands in a `Handler`; we call it for each
// `/<ms>` and `/cpu/<n>` request and write whatever it replies, whenever it replies.
//
// (Step 4 does not use this file: its connections are futures polled by its own runtime. It shares
// the parser, the routes and the answers, not the callbacks.)

import type { Socket } from 'node:net'
import { RequestParser } from './http-parser.ts'
import { errorReply, formatReply, ok, type Reply } from './http-response.ts'
import { LINGER_MS, MAX_PIPELINE_BUFFER_BYTES } from './limits.ts'
import { route, type AwaitWork, type Work } from './routes.ts'
import type { StatsProbe } from './stats.ts'

/**
 * What a step supplies: do `work`, then call `reply` exactly once — right away (step 1 blocks
 * first), from a worker's message (step 2), a timer (step 3) or a pool (step 5). `reply(null)`
 * answers nothing and closes the connection: for a request dropped because its client has gone.
 */
export type Handler<W = Work> = (work: W, reply: (reply: Reply | null) => void, client: Client) => void

/** What a handler may ask about the client while the work waits (step 5 asks, before hashing). */
export interface Client {
  /**
   * The client no longer wants the answer: the connection was closed or reset, or the client shut
   * its sending side (FIN) while this request was in progress. A FIN may be a half-close from a
   * client that still reads (`printf ... | nc -N`), but HTTP clients that give up (a timeout in
   * curl or autocannon) close the socket, and the server sees the same FIN; servers read it as
   * "gone" (Go's net/http cancels the request's context when a read returns EOF:
   * `connReader.handleReadError` in net/http/server.go). Only a step that drops waiting work asks.
   */
  readonly gone: boolean
}

export interface ConnectionContext {
  handle: Handler
  /** `GET /await/<n>` and `GET /await-yield/<n>`, for the step that serves them (step 3). */
  handleAwait?: Handler<AwaitWork>
  stats: StatsProbe
  headerTimeoutMs: number
  /** The body of `GET /`. */
  indexPage: string
}

export function serveConnection(socket: Socket, ctx: ConnectionContext): void {
  const counters = ctx.stats.counters
  const parser = new RequestParser()
  let busy = false // a request is with the handler; later pipelined requests wait their turn
  let pumping = false // we are inside pump(): a synchronous reply must not re-enter it
  let closing = false // we have answered for the last time
  let peerEnded = false // the client sent FIN: answer what we have, then close
  let headerTimer: NodeJS.Timeout | undefined

  const client: Client = {
    get gone() {
      return peerEnded || socket.destroyed
    },
  }

  counters.connections++
  socket.setNoDelay(true)
  armHeaderTimer() // a connection that never sends a byte is closed too

  socket.on('data', (chunk: Buffer) => {
    if (closing) return // lingering after an error: read and discard
    parser.push(chunk)
    if (busy && parser.bufferedBytes > MAX_PIPELINE_BUFFER_BYTES) socket.pause()
    pump()
  })
  socket.on('end', () => {
    peerEnded = true
    if (!busy) finish()
  })
  socket.on('error', () => socket.destroy()) // a reset mid-request: nothing to answer, just let go
  socket.on('close', () => {
    counters.connections--
    clearHeaderTimer()
  })

  // Answers every complete request in the buffer, in order, stopping at one that the step has to
  // work on: its reply resumes the loop.
  function pump(): void {
    pumping = true
    while (!busy && !closing) {
      const parsed = parser.next()
      if (parsed.kind === 'incomplete') {
        if (peerEnded) finish()
        else armHeaderTimer()
        break
      }
      clearHeaderTimer()
      if (parsed.kind === 'error') {
        send(errorReply(parsed.status, parsed.reason), true)
        break
      }
      const request = parsed.request
      const close = !request.keepAlive
      const decision = route(request, ctx.handleAwait !== undefined)
      if (decision.kind === 'index') send(ok(ctx.indexPage), close)
      else if (decision.kind === 'stats') send(ok(statsBody(), 'application/json'), close)
      else if (decision.kind === 'error') send(errorReply(decision.status, decision.detail, decision.headers), close)
      else {
        busy = true
        counters.inFlight++
        const done = (reply: Reply | null) => {
          counters.inFlight--
          busy = false
          if (socket.destroyed) return // the client went away meanwhile; the work is done anyway
          if (reply === null) return void socket.destroy() // the step dropped it: its client is gone
          send(reply, close)
          if (socket.isPaused()) socket.resume()
          if (!pumping) pump()
        }
        // (route() answers 'await' only when we said the step serves it, so handleAwait is there.)
        if (decision.kind === 'await') ctx.handleAwait!(decision.work, done, client)
        else ctx.handle(decision.work, done, client)
      }
    }
    pumping = false
  }

  function statsBody(): string {
    // The connection asking is not counted: an idle server reports 0 connections. (The snapshot's
    // figure, not this thread's counter: a server whose connections live on several threads
    // reports the total of all of them.)
    const snapshot = ctx.stats.snapshot()
    snapshot.connections = (snapshot.connections as number) - 1
    return JSON.stringify(snapshot)
  }

  function send(reply: Reply, close: boolean): void {
    counters.answered++
    socket.write(formatReply(reply, close))
    if (close) finish()
  }

  // Half-close (FIN) and keep reading until the client closes: closing outright with unread bytes
  // would make the kernel send a reset, which can destroy our answer in flight. A client that never
  // closes its side is cut off after LINGER_MS.
  function finish(): void {
    if (closing) return
    closing = true
    socket.end()
    setTimeout(() => socket.destroy(), LINGER_MS).unref()
    if (socket.isPaused()) socket.resume()
  }

  // The header timeout runs from the moment we start waiting for a request until its head is
  // complete; it is not restarted by each byte, or a client sending one byte every few seconds
  // could hold the connection forever. An idle keep-alive connection is closed quietly; a half-sent
  // request gets 408.
  function armHeaderTimer(): void {
    if (headerTimer !== undefined) return
    headerTimer = setTimeout(() => {
      headerTimer = undefined
      if (busy || closing) return
      if (parser.hasPartialRequest)
        send(errorReply(408, `request head not complete within ${ctx.headerTimeoutMs} ms`), true)
      else finish()
    }, ctx.headerTimeoutMs)
  }

  function clearHeaderTimer(): void {
    if (headerTimer === undefined) return
    clearTimeout(headerTimer)
    headerTimer = undefined
  }
}
