// The churn load: a new connection for every request. Each of N "slots" runs a closed loop of
// connect → `GET <path>` with `Connection: close` → read the answer → the server closes → next,
// so the server accepts, serves and closes one connection per request. It is what a client
// without keep-alive (or a crowd of short-lived clients) does to a server, and what puts the
// accepting thread itself under load: step 6's acceptor, one thread for every new connection.
//
// Not autocannon: it has `reconnectRate` (reconnect every N requests), but with N = 1 it never
// reports an answer. Its client resets the connection on an answer's last byte *before* emitting
// 'response' (autocannon 9, lib/httpClient.js: `kOnMessageComplete` returns `_resetConnection()`),
// so the recorder would see nothing; and it destroys the socket rather than letting the server
// close it.
//
// Timing: a request's latency runs from the moment its slot calls `connect` to the last byte of
// the answer, so it includes the handshake and the wait to be accepted, which is the point. The
// server closes first (its answer says `Connection: close`), so the TIME_WAIT is on the server's
// side of each connection and the generator's ephemeral ports are free again at once.
// Throughput is then connections per second.

import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Recorder, Unanswered } from './metrics.ts'
import { parseAnswer } from './open-loop.ts'

export interface ChurnConfig {
  host: string
  port: number
  path: string
  /** Connections open at once, at most: each slot opens its next one when the last has closed. */
  slots: number
  /** Count bound (connections in all), or null for a duration bound. */
  requests: number | null
  durationS: number | null
  /** Safety bound on a duration-bounded run. */
  maxRequests: number
  timeoutS: number
}

/** A slot whose connection failed waits this long before the next, so a dead server is not hammered. */
const RETRY_AFTER_ERROR_MS = 10

export class ChurnLoop {
  private readonly config: ChurnConfig
  private readonly recorder: Recorder
  private readonly request: Buffer
  private readonly open = new Set<Socket>()
  /** Requests sent and not answered yet, with when each connection was started. */
  private readonly pending = new Map<Socket, number>()
  private started = 0
  private endAt = Infinity
  private stopped = false
  private ended = false
  private onEnd: ((endedBy: 'completed' | 'duration') => void) | null = null

  constructor(config: ChurnConfig, recorder: Recorder) {
    this.config = config
    this.recorder = recorder
    const { host, port, path } = config
    this.request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`)
  }

  /**
   * Starts every slot. `onEnd` is called once, when the count is reached, or the duration is over
   * and the connections then open have closed.
   */
  start(t0: number, onEnd: (endedBy: 'completed' | 'duration') => void): void {
    this.onEnd = onEnd
    this.recorder.start(t0)
    if (this.config.durationS !== null) this.endAt = t0 + this.config.durationS * 1000
    for (let slot = 0; slot < this.config.slots; slot++) this.next(slot)
  }

  /** Connections open now (sent, or answered and not yet closed by the server). */
  get inFlight(): number {
    return this.open.size
  }

  /** The requests still waiting for their answer, at their wait so far (a cut run's lower bounds). */
  unanswered(now: number): Unanswered[] {
    return [...this.pending.values()].map((sentAt) => ({ waitedMs: now - sentAt, inServiceMs: now - sentAt }))
  }

  stop(): void {
    this.stopped = true
    for (const socket of this.open) socket.destroy()
    this.open.clear()
    this.pending.clear()
  }

  /** The slot's next connection, or the end of the slot. */
  private next(slot: number): void {
    if (this.stopped) return
    const { requests, maxRequests } = this.config
    const limit = requests ?? maxRequests
    if (this.started >= limit || performance.now() >= this.endAt) return this.maybeEnd()
    this.connectOnce(slot, this.started++)
  }

  /** Connection number `id` (0, 1, …, for the recorder), on `slot`. */
  private connectOnce(slot: number, id: number): void {
    const sentAt = performance.now()
    const socket = connect({ host: this.config.host, port: this.config.port, noDelay: true })
    this.open.add(socket)
    this.pending.set(socket, sentAt)
    socket.write(this.request) // held by Node until the socket connects
    let buffered: Buffer = Buffer.alloc(0)
    let outcome: 'answered' | 'failed' | null = null
    const timer = setTimeout(() => {
      outcome = 'failed'
      this.pending.delete(socket)
      this.recorder.recordError('timeout')
      socket.destroy()
    }, this.config.timeoutS * 1000)

    socket.on('data', (chunk: Buffer) => {
      if (outcome !== null) return
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
      const answer = parseAnswer(buffered)
      if (answer === null) return
      outcome = 'answered'
      this.pending.delete(socket)
      clearTimeout(timer)
      const now = performance.now()
      // Each connection is its own in the recorder: one request each, so no steady-state rate (a
      // slot's rate would count only its fast connections when a slow one ends the run).
      if (!this.stopped) this.recorder.record(id, now, now - sentAt, answer.status)
      // The server ends its side after `Connection: close`; ours ends when its FIN arrives ('end',
      // then Node ends our side: allowHalfOpen is off), and the slot goes on at 'close'.
    })
    socket.on('error', () => {
      if (outcome !== null) return
      outcome = 'failed'
      this.pending.delete(socket)
      clearTimeout(timer)
      if (!this.stopped) this.recorder.recordError('error')
    })
    socket.on('close', () => {
      clearTimeout(timer)
      this.open.delete(socket)
      this.pending.delete(socket)
      if (outcome === null && !this.stopped) this.recorder.recordError('error') // closed without an answer
      if (outcome === 'answered') this.next(slot)
      else setTimeout(() => this.next(slot), RETRY_AFTER_ERROR_MS)
    })
  }

  private maybeEnd(): void {
    if (this.ended || this.open.size > 0) return
    this.ended = true
    this.onEnd?.(this.config.requests !== null ? 'completed' : 'duration')
  }
}
