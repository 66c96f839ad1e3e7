// The open-loop sender: `GET <path>` at a fixed rate, on a schedule that does not wait for the
// server. It is the main load of an open-loop run (`npm run bench -- --rate R --duration S`) and
// cpu-mix's `/0` probe.
//
// Why open loop. A closed loop (autocannon, wrk) sends a connection's next request when the last
// answer arrives, so a server that stalls is simply sent less, and the requests that would have
// arrived during the stall are never sent and never measured: "coordinated omission" (wrk2's
// README; HdrHistogram's `recordValueWithExpectedInterval` corrects for it after the fact). Here
// request i is *due* at start + i / rate whatever the server does, as in wrk2 and k6's
// arrival-rate executors, and its latency counts from when it was due, not from when it went out:
// a stall shows up in every request it delayed.
//
// Not autocannon's rate mode: it sends each second's quota in a burst at the start of the second,
// and its correction assumes a 1 ms interval (autocannon's lib/run.js:
// `recordValueWithExpectedInterval(responseTime, Math.ceil(1 / rate))`, with the rate in requests
// per second); against /1000 it reported p50 ≈ 500 ms.
//
// Connections. One request at a time on each keep-alive connection (no pipelining). When a request
// falls due and every connection is busy, a new connection is opened for it at once, up to
// `maxConnections`; at that bound the request waits in line here for the first connection to come
// free, its latency still counting from when it was due, and it is counted (`heldAtBound`). The
// generator itself can be late too (its event loop held up): a request sent more than
// `LATE_AFTER_MS` after it fell due with a connection free is counted (`late`). Neither is hidden.
//
// Some connections are opened, and each used once (`GET /0`), *before* the schedule starts, so
// the server has accepted them: since libuv 1.45 (Node 20) a server accepts one connection per loop
// turn (libuv commit 6c692ad1, "unix: don't accept() connections in a loop"), and a connection
// opened during the run waits turns just to be accepted. cpu-mix's probe opens all 50 of its
// connections beforehand, more than 100 req/s seems to need, because on a loop busy with 60 ms
// tasks an answer is written at the end of a turn, the next request on that connection arrives
// while the following turn runs its CPU tasks and is read only in the turn after: one answer per
// connection per ~240 ms with two tasks a turn. 10 connections would carry ~40 req/s and the probe
// would measure its own backlog (bench/README.md, "cpu-mix", gives the measurements).
//
// A raw socket client, not node:http, so we decide exactly when each connection is opened and
// each request written.

import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Recorder, Unanswered } from './metrics.ts'
import type { OpenLoopOptions, OpenLoopStats } from '../types.ts'

/** A request sent this long after it fell due, with a connection free, was sent late by the generator. */
export const LATE_AFTER_MS = 10
/**
 * Node's timers count in whole milliseconds (libuv's loop time): a timer set for the moment a
 * request falls due fires up to a millisecond after it, and that lateness would be charged to the
 * server (+0.7 ms on the p50 of `/0` at 200 req/s, in one run on a shared machine; wrk2's README
 * gives its own latencies as accurate to ±~1 ms "due to OS sleep time behavior"). So the timer
 * aims this much early, a request due within it goes out at once, and its latency counts from when
 * it left if that was before it was due: never from a later moment than it was really on its way.
 */
const EARLY_MS = 1
/** The pre-opened connections must have answered their first request within this. */
const OPEN_TIMEOUT_MS = 10_000

interface Connection {
  socket: Socket
  buffered: Buffer
  /** The request in flight: when it fell due and when it left; null when idle. */
  inFlight: { dueAt: number; sentAt: number } | null
  /** Settles the request that opens it (before the schedule starts). */
  opening: { resolve(): void; reject(error: Error): void } | null
}

/** A request that fell due and waits for a connection. */
interface Due {
  dueAt: number
  /** It found every connection busy at the bound. */
  held: boolean
}

export class OpenLoopSender {
  private readonly connections = new Set<Connection>()
  private readonly idle: Connection[] = []
  private readonly line: Due[] = []
  private lineHead = 0
  private readonly request: Buffer
  private readonly warmRequest: Buffer
  private readonly intervalMs: number
  private timer: NodeJS.Timeout | undefined
  private startedAt = 0
  /** When the schedule ends (start + duration); Infinity while it runs until stopped. */
  private endsAt = Number.POSITIVE_INFINITY
  private recorder: Recorder | null = null
  private onDrained: (() => void) | null = null
  private stopped = false
  private unansweredAtStop: number | null = null
  private readonly counts = {
    scheduled: 0,
    sent: 0,
    late: 0,
    maxLatenessMs: 0,
    heldAtBound: 0,
    openedBefore: 0,
    openedDuring: 0,
    peak: 0,
    refused: 0,
  }

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: OpenLoopOptions,
  ) {
    this.request = Buffer.from(`GET ${options.path} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`)
    this.warmRequest = Buffer.from(`GET /0 HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`)
    this.intervalMs = 1000 / options.ratePerSec
  }

  /** Open `connections` connections and send one `GET /0` on each, so the server has accepted them. */
  async open(): Promise<void> {
    const count = Math.min(this.options.connections, this.options.maxConnections)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the server did not answer ${count} first requests within ${OPEN_TIMEOUT_MS / 1000} s`)),
        OPEN_TIMEOUT_MS,
      )
    })
    const opened = Array.from({ length: count }, async () => {
      const conn = this.newConnection()
      await new Promise<void>((resolve, reject) => {
        conn.opening = { resolve, reject }
        conn.inFlight = { dueAt: performance.now(), sentAt: performance.now() }
        conn.socket.write(this.warmRequest)
      })
    })
    try {
      await Promise.race([Promise.all(opened), timeout])
    } finally {
      clearTimeout(timer)
    }
    this.counts.openedBefore = count
  }

  /**
   * Start the schedule at `t0`, recording into `recorder`. With `durationS` the schedule ends then;
   * `onDrained` is called once every request due by then has been answered or has failed.
   */
  start(t0: number, recorder: Recorder, durationS: number | null, onDrained?: () => void): void {
    this.startedAt = t0
    this.endsAt = durationS === null ? Number.POSITIVE_INFINITY : t0 + durationS * 1000
    this.recorder = recorder
    this.onDrained = onDrained ?? null
    recorder.start(t0)
    this.tick()
  }

  /** Every request due and not answered at `now`: those in flight and those waiting for a connection. */
  unanswered(now: number): Unanswered[] {
    const waiting: Unanswered[] = []
    for (let i = this.lineHead; i < this.line.length; i++)
      waiting.push({ waitedMs: now - this.line[i]!.dueAt, inServiceMs: null })
    for (const conn of this.connections) {
      if (conn.inFlight === null || conn.opening !== null) continue
      waiting.push({ waitedMs: now - conn.inFlight.dueAt, inServiceMs: now - conn.inFlight.sentAt })
    }
    return waiting
  }

  /** Stop: nothing more is sent, every connection is closed, the figures stay as they are now. */
  stop(): void {
    if (this.stopped) return
    this.unansweredAtStop = this.unanswered(performance.now()).length
    this.stopped = true
    clearTimeout(this.timer)
    for (const conn of this.connections) conn.socket.destroy()
  }

  stats(): OpenLoopStats {
    const c = this.counts
    return {
      ratePerSec: this.options.ratePerSec,
      scheduled: c.scheduled,
      sent: c.sent,
      late: c.late,
      lateAfterMs: LATE_AFTER_MS,
      maxLatenessMs: Math.round(c.maxLatenessMs * 10) / 10,
      heldAtBound: c.heldAtBound,
      maxConnections: this.options.maxConnections,
      opened: { before: c.openedBefore, during: c.openedDuring },
      peakConnections: c.peak,
      refused: c.refused,
      unanswered: this.unansweredAtStop ?? this.unanswered(performance.now()).length,
    }
  }

  /** Queue every request that has fallen due (more than one if this timer fired late), send, re-arm. */
  private tick(): void {
    if (this.stopped) return
    const now = performance.now()
    for (;;) {
      const dueAt = this.startedAt + this.counts.scheduled * this.intervalMs
      if (dueAt > now + EARLY_MS || dueAt >= this.endsAt) break
      this.line.push({ dueAt, held: false })
      this.counts.scheduled++
    }
    this.dispatch(now)
    const next = this.startedAt + this.counts.scheduled * this.intervalMs
    if (next < this.endsAt) this.timer = setTimeout(() => this.tick(), Math.max(0, next - EARLY_MS - performance.now()))
    else this.checkDrained()
  }

  /** Send waiting requests: on the connection idle longest, else on a new one below the bound. */
  private dispatch(now: number): void {
    while (this.lineHead < this.line.length) {
      let conn = this.idle.shift()
      if (conn === undefined) {
        if (this.connections.size >= this.options.maxConnections) {
          // At the bound: everything still in line waits for a connection to come free.
          for (let i = this.lineHead; i < this.line.length; i++) this.line[i]!.held = true
          break
        }
        conn = this.newConnection()
        this.counts.openedDuring++
      }
      const due = this.line[this.lineHead++]!
      this.send(conn, due, now)
    }
    // Drop the sent part of the line now and then, so it does not grow with the run.
    if (this.lineHead > 1024 && this.lineHead * 2 > this.line.length) {
      this.line.splice(0, this.lineHead)
      this.lineHead = 0
    }
  }

  private send(conn: Connection, due: Due, now: number): void {
    const lateness = Math.max(0, now - due.dueAt)
    if (due.held) this.counts.heldAtBound++
    else {
      if (lateness > LATE_AFTER_MS) this.counts.late++
      if (lateness > this.counts.maxLatenessMs) this.counts.maxLatenessMs = lateness
    }
    // A request that left before it fell due (by EARLY_MS at most) counts from when it left.
    conn.inFlight = { dueAt: Math.min(due.dueAt, now), sentAt: now }
    conn.socket.write(this.request)
    this.counts.sent++
  }

  /** A connection, writable at once: Node holds what is written until the socket has connected. */
  private newConnection(): Connection {
    const socket = connect(this.port, this.host)
    socket.setNoDelay(true)
    const conn: Connection = { socket, buffered: Buffer.alloc(0), inFlight: null, opening: null }
    this.connections.add(conn)
    this.counts.peak = Math.max(this.counts.peak, this.connections.size)
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk))
    socket.on('error', (error) => this.lose(conn, error))
    socket.on('close', () => this.lose(conn, new Error('the server closed a connection before answering')))
    return conn
  }

  private onData(conn: Connection, chunk: Buffer): void {
    conn.buffered = conn.buffered.length === 0 ? chunk : Buffer.concat([conn.buffered, chunk])
    for (;;) {
      const answer = parseAnswer(conn.buffered)
      if (answer === null) return
      conn.buffered = conn.buffered.subarray(answer.length)
      this.answered(conn, answer.status)
      if (answer.close) return this.lose(conn, new Error('the server closed the connection'))
    }
  }

  private answered(conn: Connection, status: number): void {
    const doneAt = performance.now()
    const inFlight = conn.inFlight
    conn.inFlight = null
    if (conn.opening) {
      const { resolve } = conn.opening
      conn.opening = null
      resolve()
    } else if (inFlight !== null && !this.stopped) {
      this.recorder?.record(0, doneAt, doneAt - inFlight.dueAt, status, doneAt - inFlight.sentAt)
    }
    this.idle.push(conn)
    if (!this.stopped && this.recorder !== null) {
      this.dispatch(doneAt)
      this.checkDrained()
    }
  }

  /**
   * The connection is gone (an error, a close, `Connection: close`). A request in flight on it is
   * lost: counted as an error and as refused. The next request that needs a connection opens one.
   */
  private lose(conn: Connection, error: Error): void {
    if (!this.connections.delete(conn)) return
    const i = this.idle.indexOf(conn)
    if (i !== -1) this.idle.splice(i, 1)
    conn.socket.destroy()
    if (conn.opening) {
      conn.opening.reject(error)
      conn.opening = null
    } else if (conn.inFlight !== null && !this.stopped) {
      this.counts.refused++
      this.recorder?.recordError('error')
    }
    conn.inFlight = null
    if (!this.stopped && this.recorder !== null) {
      this.dispatch(performance.now())
      this.checkDrained()
    }
  }

  /** After the schedule's end, once nothing is in line or in flight: tell the caller, once. */
  private checkDrained(): void {
    const ended = this.startedAt + this.counts.scheduled * this.intervalMs >= this.endsAt
    if (!ended || this.onDrained === null || this.lineHead < this.line.length) return
    for (const conn of this.connections) if (conn.inFlight !== null) return
    const onDrained = this.onDrained
    this.onDrained = null
    onDrained()
  }
}

/** One complete answer at the start of `bytes` (our servers always send Content-Length), or null. */
export function parseAnswer(bytes: Buffer): { status: number; length: number; close: boolean } | null {
  const headEnd = bytes.indexOf('\r\n\r\n')
  if (headEnd === -1) return null
  const head = bytes.subarray(0, headEnd).toString('latin1')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)
  const contentLength = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
  const length = headEnd + 4 + contentLength
  if (bytes.length < length) return null
  return { status, length, close: /\r\nconnection:\s*close/i.test(head) }
}
