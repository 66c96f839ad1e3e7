// The reactor: where readiness (poller.ts) meets tasks (executor.ts).
//
// It hands out tokens, registers sources with the poller under them, and keeps one table: token ->
// the waker of the task waiting on that source. When `poll` returns, `dispatch` wakes, for each
// event, the waker stored under its token. That is all the glue there is between the poller, which
// knows nothing of tasks, and the executor, which knows nothing of sockets.
//
// - The latest waker wins: a future re-registers its waker every time it returns PENDING, and the
//   new one replaces the old, because the future may now belong to another task.
// - A waker is used once: dispatch takes it out of the table. A task that still has to wait after
//   it ran registers again. Readiness with nobody waiting wakes no one; that loses nothing, since
//   futures always try the operation before they wait (the edge-triggered rule, see poller.ts).
// - One waker per token, not one per direction (tokio keeps two): in this server one task owns each
//   socket, and it waits for one thing at a time.

import { RuntimeCounters } from './counters.ts'
import type { Context, Waker } from './future.ts'
import { Events, Poll, type Interest, type Source, type Token } from './poller.ts'
import { trace } from './trace.ts'

export class Reactor {
  readonly poll = new Poll()
  readonly events = new Events(1024)
  /** Indexed by token. A slab: tokens of deregistered sources are reused. */
  private readonly wakers: (Waker | null)[] = []
  private readonly freeTokens: Token[] = []
  private registered = 0

  private readonly counters: RuntimeCounters

  constructor(counters = new RuntimeCounters()) {
    this.counters = counters
  }

  register(source: Source, interest: Interest): Token {
    const token = this.freeTokens.pop() ?? this.wakers.length
    this.wakers[token] = null
    this.registered++
    this.poll.registry.register(source, token, interest)
    return token
  }

  deregister(source: Source, token: Token): void {
    this.poll.registry.deregister(source)
    this.wakers[token] = null
    this.freeTokens.push(token)
    this.registered--
    if (trace.enabled) trace.forgetToken(token)
  }

  // #region wakers
  /** Wake `waker` when the source under `token` becomes ready. Replaces any waker stored before. */
  wakeWhenReady(token: Token, waker: Waker): void {
    this.wakers[token] = waker
  }

  /** After a poll: wake the task waiting on each source that became ready. */
  dispatch(): void {
    const events = this.events
    for (let i = 0; i < events.length; i++) {
      const token = events.get(i).token
      const waker = this.wakers[token]
      if (waker === null || waker === undefined) continue // nobody waits on it
      this.wakers[token] = null
      if (trace.enabled) trace.line('reactor', `${trace.tokenName(token)} ready: wake ${waker}`)
      waker.wake()
    }
    this.counters.pollReturned(events.length)
  }
  // #endregion wakers

  /** Wait for readiness (or `timeoutMs`; null: no limit), then call `then`. See poller.ts. */
  waitForReadiness(timeoutMs: number | null, then: () => void): void {
    this.counters.pollStarted()
    this.poll.poll(this.events, timeoutMs, then)
  }

  /** Sources registered: while there are any, something may still wake a task. */
  get registrations(): number {
    return this.registered
  }

  /** Tasks waiting for readiness: the wakers stored. Looked up when asked (`/__stats`), not counted. */
  waitingTasks(): number {
    let waiting = 0
    for (const waker of this.wakers) if (waker !== null && waker !== undefined) waiting++
    return waiting
  }

  close(): void {
    this.poll.close()
  }
}

/**
 * A source registered with the reactor, and its token: what I/O futures hold (tokio calls it a
 * `Registration`). Try the operation on `source`; if it says WOULD_BLOCK, call `wakeWhenReady`.
 */
export class Registered<S extends Source> {
  readonly token: Token
  private active = true
  private readonly reactor: Reactor
  readonly source: S

  constructor(reactor: Reactor, source: S, interest: Interest) {
    this.reactor = reactor
    this.source = source
    this.token = reactor.register(source, interest)
  }

  /** The task polling now is woken when this source next becomes ready. */
  wakeWhenReady(cx: Context): void {
    this.reactor.wakeWhenReady(this.token, cx.waker)
  }

  /** Stop watching the source and free its token. Safe to call twice. */
  deregister(): void {
    if (!this.active) return
    this.active = false
    this.reactor.deregister(this.source, this.token)
  }
}
