// The leaf futures: the only ones that touch sockets and timers. Everything else is built from them.
//
// Each follows the same three-beat pattern, the heart of readiness-based I/O:
//   1. try the operation (accept, read, write, look at the clock);
//   2. if it made progress, return the value;
//   3. if it would block, register the task's waker (with the reactor or the timers), return PENDING.
// Together they keep the one rule of readiness I/O: never wait for readiness unless the last
// attempt on that source said WOULD_BLOCK. The poller is edge-triggered (it announces new readiness,
// not readiness left over), so a future that waited with bytes still buffered could wait forever;
// one that tries first never needs an event that already happened. (ReadRequest's `--read-once`
// breaks the rule on purpose, to show the hang.) Each also asks the task's budget first
// (future.ts), so a task whose every step is ready still yields now and then.

import type { ParseResult, RequestParser } from '../shared/http-parser.ts'
import { PENDING, type Context, type Future, type PollResult } from './future.ts'
import type { Registered } from './reactor.ts'
import {
  DISCONNECTED,
  EOF,
  MAX_WRITE_BYTES,
  WOULD_BLOCK,
  type Disconnected,
  type Eof,
  type TcpListener,
  type TcpStream,
} from './sources.ts'
import { TimerEntry, type Timers } from './timers.ts'
import { trace } from './trace.ts'

// #region accept
/** The next connection on a listener. */
export class Accept implements Future<TcpStream> {
  private readonly listener: Registered<TcpListener>

  constructor(listener: Registered<TcpListener>) {
    this.listener = listener
  }

  poll(cx: Context): PollResult<TcpStream> {
    if (cx.outOfBudget()) return PENDING
    const stream = this.listener.source.accept() // 1. try
    if (stream === WOULD_BLOCK) {
      this.listener.wakeWhenReady(cx) // 3. wait for the listener's next readiness
      return PENDING
    }
    cx.madeProgress()
    return stream // 2. ready
  }
}
// #endregion accept

/** A request head (or a parse error), or EOF when the peer has finished sending. */
export type ReadOutcome = Exclude<ParseResult, { kind: 'incomplete' }> | Eof

/** What `--read-once` reads per readiness event: a few bytes, far less than a request head. */
export const READ_ONCE_BYTES = 16

/**
 * The next request on a connection. It reads only while the parser needs bytes: bytes of later
 * pipelined requests stay in the socket's buffer (bounded by its high-water mark) until we come
 * back for them. That is allowed, because it never *waits* with bytes left behind: coming back
 * means trying the parser and `read()` first, and it waits for readiness only after `read()`
 * said WOULD_BLOCK. The poller will not announce bytes that arrived before (edge-triggered).
 *
 * `readOnce` (step 4's `--read-once`) breaks exactly that rule, on purpose: it reads a few bytes
 * per readiness event and then waits, with the rest of the request still buffered. A new event
 * comes only when new bytes arrive, and a client that has sent its whole request sends nothing
 * more: the request hangs until the header deadline answers 408. The classic bug, made visible.
 */
export class ReadRequest implements Future<ReadOutcome> {
  private readonly io: Registered<TcpStream>
  private readonly parser: RequestParser
  private readonly readOnce: boolean

  constructor(io: Registered<TcpStream>, parser: RequestParser, readOnce = false) {
    this.io = io
    this.parser = parser
    this.readOnce = readOnce
  }

  // #region read-request
  poll(cx: Context): PollResult<ReadOutcome> {
    if (cx.outOfBudget()) return PENDING
    for (;;) {
      const parsed = this.parser.next() // 1. try: a whole head may be buffered already
      if (parsed.kind !== 'incomplete') {
        cx.madeProgress()
        return parsed // 2. progress
      }
      const chunk = this.readOnce ? this.io.source.readSome(READ_ONCE_BYTES) : this.io.source.read()
      if (chunk === WOULD_BLOCK) {
        this.io.wakeWhenReady(cx) // 3. wait, and only now: the last read said WOULD_BLOCK
        return PENDING
      }
      if (chunk === EOF) return EOF
      this.parser.push(chunk)
      if (this.readOnce) return this.waitAnyway(cx, chunk.length) // the bug: waits, bytes still buffered
    }
  }
  // #endregion read-request

  /** `--read-once`: wait for readiness although the last read did not say WOULD_BLOCK. */
  private waitAnyway(cx: Context, taken: number): PollResult<ReadOutcome> {
    if (trace.enabled) {
      const left = this.io.source.bufferedForReading
      trace.line('read', `${trace.tokenName(this.io.token)}: ${taken} bytes, ${left} left unread; waits (--read-once)`)
    }
    this.io.wakeWhenReady(cx)
    return PENDING
  }
}

/**
 * Ready once `deadline` (timers' clock) has passed. Reusable: `reset` gives it a new deadline.
 * A deadline that has already passed is ready at the first poll, without touching the heap, so
 * `GET /0` answers at once (as tokio's `sleep(0)` does).
 */
export class Sleep implements Future<void> {
  private readonly entry = new TimerEntry()
  private readonly timers: Timers
  private deadline: number

  constructor(timers: Timers, deadline: number) {
    this.timers = timers
    this.deadline = deadline
  }

  poll(cx: Context): PollResult<void> {
    if (cx.outOfBudget()) return PENDING
    if (this.timers.now() >= this.deadline) {
      this.timers.cancel(this.entry) // in case we were woken by something else first
      cx.madeProgress()
      return
    }
    this.timers.schedule(this.entry, this.deadline, cx.waker)
    return PENDING
  }

  reset(deadline: number): void {
    this.deadline = deadline
    this.timers.cancel(this.entry)
  }

  /** Forget the deadline: the timers drop the entry now, not when it would have fired. */
  cancel(): void {
    this.timers.cancel(this.entry)
  }
}

export type WriteOutcome = 'written' | Disconnected

/**
 * Writes all of `data`, however many partial writes that takes, waiting for writable readiness
 * whenever the connection takes no more. A slow reader holds this future in PENDING with at most
 * one partial write buffered, so the memory of an answer stays bounded however big it is.
 */
export class WriteAll implements Future<WriteOutcome> {
  private readonly data: Buffer | string
  private offset = 0
  private readonly io: Registered<TcpStream>

  constructor(io: Registered<TcpStream>, data: Buffer | string) {
    this.io = io
    // A typical answer is a short string, written whole in one call. A long one is encoded once
    // so it can be written in parts.
    this.data = typeof data === 'string' && data.length > MAX_WRITE_BYTES ? Buffer.from(data) : data
  }

  poll(cx: Context): PollResult<WriteOutcome> {
    if (cx.outOfBudget()) return PENDING
    const data = this.data
    while (this.offset < data.length) {
      // Only a Buffer is ever written in parts (a string is short and taken whole).
      const rest = this.offset === 0 ? data : (data as Buffer).subarray(this.offset)
      const written = this.io.source.write(rest)
      if (written === WOULD_BLOCK) {
        this.io.wakeWhenReady(cx)
        return PENDING
      }
      if (written === DISCONNECTED) return DISCONNECTED
      this.offset += written
    }
    cx.madeProgress()
    return 'written'
  }
}
