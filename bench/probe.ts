// cpu-mix's light probe: `GET /0` at a fixed rate (100 req/s), to measure what I/O latency looks
// like while the cores are busy with `/cpu` tasks.
//
// Paced by us, not by autocannon's rate mode: that sends each second's quota in a burst at the
// start of the second, and its coordinated-omission correction assumes a 1 ms interval (autocannon's
// lib/run.js: `recordValueWithExpectedInterval(responseTime, Math.ceil(1 / rate))`, with the rate in
// requests per second); against /1000 it reported p50 ≈ 500 ms. Here request i is *due* at start + i / rate, and its
// latency is counted from when it was due, not from when it went out: if every connection is
// still waiting for an answer, the request waits for a free one and that wait is charged to the
// server, which cannot hide a stall behind a politely waiting client (coordinated omission).
//
// The connections are opened, and each used once, *before* the load starts, and there are more of
// them than 100 req/s seems to need. Two facts about a loop busy with 60 ms tasks force both:
// - libuv (since 1.45, Node 20) accepts one connection per loop turn, so a connection opened
//   during the run waits several turns just to be accepted;
// - an answer is written at the end of a turn (step 3 answers /0 from a timer), the next request
//   on that connection arrives while the following turn runs its CPU tasks, and is read only in
//   the turn after: one answer per connection per two turns. With two 60 ms tasks per turn that
//   is one answer per ~240 ms, so 10 connections carry ~40 req/s and the probe would measure its
//   own backlog, growing for as long as the run lasts. 50 connections carry ~200 req/s.
// (bench/README.md, "cpu-mix", gives the measurements.)

// A raw socket client, not node:http, so we decide exactly when each connection is opened.

import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Recorder } from './metrics.ts'
import type { ProbeOptions } from './types.ts'

interface ProbeConnection {
  socket: Socket
  buffered: Buffer
  /** When the request in flight fell due; null when idle. */
  dueAt: number | null
  /** Resolves the warm-up request. */
  onAnswer: ((status: number) => void) | null
}

export class PacedProbe {
  private readonly connections: ProbeConnection[] = []
  private readonly idle: ProbeConnection[] = []
  /** Due times of requests waiting for an idle connection, oldest first. */
  private readonly waiting: number[] = []
  private readonly request: Buffer
  private readonly intervalMs: number
  private timer: NodeJS.Timeout | undefined
  private sent = 0
  private startedAt = 0
  private recorder: Recorder | null = null
  private stopped = false
  /** Connections that had to be opened again during the run (the server closed one). */
  reconnects = 0

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: ProbeOptions,
  ) {
    this.request = Buffer.from(`GET ${options.path} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`)
    this.intervalMs = 1000 / options.ratePerSec
  }

  /** Open every connection and send one request on each, so the server has accepted them all. */
  async open(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.options.connections }, async () => {
        const conn = await this.connect()
        await new Promise<number>((resolve) => {
          conn.onAnswer = resolve
          conn.dueAt = performance.now()
          conn.socket.write(this.request)
        })
      }),
    )
  }

  start(t0: number, recorder: Recorder): void {
    this.startedAt = t0
    this.recorder = recorder
    recorder.start(t0)
    this.tick()
  }

  /** Requests due but not answered (counted when the probe stops). */
  get unanswered(): number {
    return this.unansweredAtStop ?? this.waiting.length + this.connections.filter((c) => c.dueAt !== null).length
  }
  private unansweredAtStop: number | null = null

  stop(): void {
    if (this.stopped) return
    this.unansweredAtStop = this.unanswered
    this.stopped = true
    clearTimeout(this.timer)
    for (const conn of this.connections) conn.socket.destroy()
  }

  private tick(): void {
    if (this.stopped) return
    const now = performance.now()
    // Everything that has fallen due (more than one if this timer fired late).
    while (this.startedAt + this.sent * this.intervalMs <= now) {
      this.waiting.push(this.startedAt + this.sent * this.intervalMs)
      this.sent++
    }
    this.dispatch()
    const next = this.startedAt + this.sent * this.intervalMs
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - performance.now()))
  }

  /** Send waiting requests on idle connections, the connection idle longest first. */
  private dispatch(): void {
    while (this.waiting.length > 0 && this.idle.length > 0) {
      const conn = this.idle.shift()!
      conn.dueAt = this.waiting.shift()!
      conn.socket.write(this.request)
    }
  }

  private connect(): Promise<ProbeConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host)
      socket.setNoDelay(true)
      const conn: ProbeConnection = { socket, buffered: Buffer.alloc(0), dueAt: null, onAnswer: null }
      socket.once('connect', () => {
        this.connections.push(conn)
        resolve(conn)
      })
      socket.on('data', (chunk: Buffer) => this.onData(conn, chunk))
      socket.on('error', (error) => {
        if (!this.connections.includes(conn)) reject(error)
        else if (!this.stopped) this.recorder?.recordError('error')
      })
      socket.on('close', () => this.onClose(conn))
    })
  }

  private onData(conn: ProbeConnection, chunk: Buffer): void {
    conn.buffered = Buffer.concat([conn.buffered, chunk])
    const answer = parseAnswer(conn.buffered)
    if (answer === null) return
    conn.buffered = conn.buffered.subarray(answer.length)
    const doneAt = performance.now()
    const dueAt = conn.dueAt!
    conn.dueAt = null
    if (conn.onAnswer) {
      const resolve = conn.onAnswer
      conn.onAnswer = null
      resolve(answer.status)
    } else if (!this.stopped) {
      this.recorder?.record(0, doneAt, doneAt - dueAt, answer.status)
    }
    if (!answer.close) {
      this.idle.push(conn)
      if (!this.stopped) this.dispatch()
    }
  }

  /** The server closed a connection (an error answer, a timeout): replace it. */
  private onClose(conn: ProbeConnection): void {
    const i = this.connections.indexOf(conn)
    if (i !== -1) this.connections.splice(i, 1)
    const j = this.idle.indexOf(conn)
    if (j !== -1) this.idle.splice(j, 1)
    if (conn.dueAt !== null && !this.stopped) {
      this.recorder?.recordError('error')
      conn.dueAt = null
    }
    if (this.stopped || this.recorder === null) return
    this.reconnects++
    this.connect().then(
      (fresh) => {
        if (this.stopped) return fresh.socket.destroy()
        this.idle.push(fresh)
        this.dispatch()
      },
      () => this.recorder?.recordError('error'),
    )
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
