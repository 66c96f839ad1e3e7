// The readiness poller: mio's `Poll`, `Registry`, `Token`, `Interest` and `Events`, on Node.
//
// A poller answers one question: "which of the things I am watching can make progress now?" You
// register a source (a listener, a connection) under a `Token` of your choosing with an `Interest`
// (readable, writable or both); `poll(events, timeout)` then hands back the tokens that became
// ready, in a batch, and nothing else. It knows nothing of futures, tasks or HTTP: the reactor
// (reactor.ts) turns a token into "wake this task".
//
// Edge-triggered, like mio: an event says "this source became ready", once per transition. A
// consumer that stops reading before `read()` says WOULD_BLOCK gets no new event for the bytes it
// left behind, only when new bytes arrive. So the rule for every user of this poller is: try the
// operation first, and wait for an event only after it said WOULD_BLOCK.
//
// Where the waiting really happens. In Rust, `poll()` blocks the thread in epoll_wait. Here the
// epoll_wait belongs to libuv, deep inside Node's event loop, and JavaScript cannot block for it.
// So `poll()` keeps mio's shape but takes the rest of the caller's loop as a continuation: it
// returns at once, Node's loop runs, and `then` is called once, when readiness arrived (all the
// readiness of one libuv iteration, as one batch) or when the timeout expired. That is the one
// place the runtime hands control back to Node. The readiness itself is that of Node's own
// buffers (libuv has already done the read(2)), reported by node:net events: see sources.ts.

import { trace } from './trace.ts'

// #region types
/** Names a registered source in events. The caller picks it (the reactor uses small integers). */
export type Token = number

/** Readiness bits, as in an event. Interest uses the first two. */
export const READABLE = 0b0001
export const WRITABLE = 0b0010
/** The peer will send nothing more (FIN seen): a read now returns EOF. */
export const READ_CLOSED = 0b0100
/** The connection is gone (closed or reset): reads return EOF, writes DISCONNECTED. */
export const CLOSED = 0b1000

/** What a registration wants to hear about: READABLE, WRITABLE or READABLE | WRITABLE. */
export type Interest = number
// #endregion types

/** The other side of a registration: a source calls `report` when it becomes ready. */
export interface ReadinessSink {
  report(readiness: number): void
}

/**
 * Anything that can report readiness: see sources.ts. `watch` is epoll_ctl(ADD): from now on
 * report into `sink`, starting with the readiness the source already has. `unwatch` is DEL.
 */
export interface Source {
  watch(sink: ReadinessSink): void
  unwatch(): void
}

/** One entry of `Events`. The objects are reused from poll to poll: read them, do not keep them. */
export class Event {
  token: Token = 0
  readiness = 0
  get isReadable(): boolean {
    return (this.readiness & READABLE) !== 0
  }
  get isWritable(): boolean {
    return (this.readiness & WRITABLE) !== 0
  }
  get isReadClosed(): boolean {
    return (this.readiness & READ_CLOSED) !== 0
  }
  get isClosed(): boolean {
    return (this.readiness & CLOSED) !== 0
  }
}

/**
 * The buffer `poll` fills, with a fixed capacity, as in mio. Allocated once and reused: a busy
 * server polls thousands of times a second, and an object per event per poll would be garbage.
 */
export class Events {
  private readonly items: Event[] = []
  length = 0
  readonly capacity: number

  constructor(capacity = 1024) {
    this.capacity = capacity
    for (let i = 0; i < capacity; i++) this.items.push(new Event())
  }

  get(i: number): Event {
    return this.items[i]!
  }

  clear(): void {
    this.length = 0
  }

  push(token: Token, readiness: number): void {
    const event = this.items[this.length++]!
    event.token = token
    event.readiness = readiness
  }

  *[Symbol.iterator](): IterableIterator<Event> {
    for (let i = 0; i < this.length; i++) yield this.items[i]!
  }
}

/**
 * One source under one token: the poller's record of it (epoll's `epitem`). Readiness reported
 * between two polls is OR-ed into `pending` and the registration is queued once, so a socket that
 * gets three chunks in one loop iteration is one event.
 */
class Registration implements ReadinessSink {
  pending = 0
  queued = false
  active = true
  private readonly poll: Poll
  readonly source: Source
  readonly token: Token
  interest: Interest

  constructor(poll: Poll, source: Source, token: Token, interest: Interest) {
    this.poll = poll
    this.source = source
    this.token = token
    this.interest = interest
  }

  report(readiness: number): void {
    if (!this.active) return // deregistered: a source we no longer watch reports nothing
    this.pending |= readiness
    if (!this.queued) {
      this.queued = true
      this.poll.enqueue(this)
    }
  }

  /** The bits the owner asked for. Closing is always reported, as epoll always reports HUP. */
  wanted(): number {
    let mask = CLOSED
    if (this.interest & READABLE) mask |= READABLE | READ_CLOSED
    if (this.interest & WRITABLE) mask |= WRITABLE
    return this.pending & mask
  }
}

/** Registers sources with a `Poll`. Separate from `Poll`, as in mio, so it can be handed around. */
export class Registry {
  private readonly registrations = new Map<Source, Registration>()
  private readonly poll: Poll

  constructor(poll: Poll) {
    this.poll = poll
  }

  register(source: Source, token: Token, interest: Interest): void {
    if (this.registrations.has(source)) throw new Error(`source already registered (token ${token})`)
    const registration = new Registration(this.poll, source, token, interest)
    this.registrations.set(source, registration)
    source.watch(registration)
  }

  /** Change the interest. Like epoll_ctl(MOD), readiness the source already has is reported again. */
  reregister(source: Source, token: Token, interest: Interest): void {
    this.deregister(source)
    this.register(source, token, interest)
  }

  /** From now on the source reports nothing, including readiness queued but not yet polled. */
  deregister(source: Source): void {
    const registration = this.registrations.get(source)
    if (registration === undefined) return
    registration.active = false
    this.registrations.delete(source)
    source.unwatch()
  }

  get size(): number {
    return this.registrations.size
  }
}

export class Poll {
  readonly registry = new Registry(this)
  /** Registrations with readiness not yet handed out, in the order they became ready. */
  private ready: Registration[] = []
  private spare: Registration[] = []
  /** The continuation of a poll in progress; null when nobody is polling. */
  private continuation: (() => void) | null = null
  private events: Events | null = null
  private immediateScheduled = false
  /** One libuv timer serves as the poll timeout; `timerDeadline` is when it fires. */
  private timer: NodeJS.Timeout | undefined
  private timerDeadline = Infinity

  // #region poll-method
  /**
   * Fill `events` with the sources that became ready, then call `then`. Returns at once: the
   * waiting happens in Node's loop, which calls `then` after the libuv iteration in which
   * readiness arrived, or once `timeoutMs` has passed (null: no timeout).
   */
  poll(events: Events, timeoutMs: number | null, then: () => void): void {
    if (this.continuation !== null) throw new Error('poll() called while a poll is in progress')
    this.continuation = then
    this.events = events
    if (this.ready.length > 0 || timeoutMs === 0) {
      // Something is ready already, or the caller must not wait: still go round Node's loop once
      // (setImmediate runs after libuv's poll phase), so I/O that is ready gets its turn.
      this.scheduleImmediate()
    } else if (timeoutMs !== null) {
      this.armTimer(performance.now() + timeoutMs, timeoutMs)
    }
  }
  // #endregion poll-method

  /** Called by a registration that has just become ready. */
  enqueue(registration: Registration): void {
    this.ready.push(registration)
    // The first readiness of this loop iteration schedules the end of the poll; the rest of this
    // iteration's readiness joins the same batch.
    if (this.continuation !== null) this.scheduleImmediate()
  }

  private scheduleImmediate(): void {
    if (this.immediateScheduled) return
    this.immediateScheduled = true
    setImmediate(this.onImmediate)
  }

  private readonly onImmediate = (): void => {
    this.immediateScheduled = false
    this.complete()
  }

  // The timer is not cleared when readiness ends a poll first: clearing and re-arming a libuv timer
  // on every poll costs more than the occasional early wake-up. It is re-armed only when the next
  // poll needs an earlier deadline; one that fires early ends that poll with no events, and the
  // caller polls again with the time that is left.
  private armTimer(deadline: number, timeoutMs: number): void {
    if (this.timer !== undefined && this.timerDeadline <= deadline) return
    clearTimeout(this.timer)
    this.timerDeadline = deadline
    this.timer = setTimeout(this.onTimer, Math.ceil(timeoutMs))
  }

  private readonly onTimer = (): void => {
    this.timer = undefined
    this.timerDeadline = Infinity
    this.complete()
  }

  /** Stops the poll timer (the runtime has nothing left to wait for; let the process exit). */
  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.timerDeadline = Infinity
  }

  /** Ends the poll in progress: hands out the batch of readiness, then runs the continuation. */
  private complete(): void {
    const then = this.continuation
    const events = this.events
    if (then === null || events === null) return // a stale timer or immediate: nobody is polling
    this.continuation = null
    this.events = null
    events.clear()

    const batch = this.ready
    this.ready = this.spare
    this.spare = batch
    for (let i = 0; i < batch.length; i++) {
      const registration = batch[i]!
      // Over capacity: keep the rest for the next poll, which then returns at once.
      if (events.length === events.capacity) {
        this.ready.push(registration)
        continue
      }
      registration.queued = false
      const readiness = registration.wanted()
      registration.pending = 0 // readiness nobody asked for is dropped, as epoll would not report it
      if (readiness !== 0 && registration.active) events.push(registration.token, readiness)
    }
    batch.length = 0
    if (trace.enabled) trace.pollReturned(events)
    then()
  }
}
