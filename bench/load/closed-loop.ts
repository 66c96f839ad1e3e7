// The closed-loop load: autocannon, each connection sending its next request when the previous
// answer arrives (req/s = connections ÷ latency by construction). Every answer goes into our own
// Recorder (metrics.ts), not autocannon's whole-millisecond histogram.
//
// Two things autocannon does not do, done here from outside it, in this process only (it exists to
// generate load):
// - it has no event for a request leaving, so we watch its sockets (`net.connect` is wrapped while
//   the load runs) to know which requests are still waiting for an answer when the figures are
//   taken: a run the cap cuts counts them at their wait so far (metrics.ts), and so does every
//   progress report;
// - its duration end destroys the connections with their requests in flight. At the end of the
//   duration we let no new request leave instead (`write` on its sockets is held back), wait for
//   the answers in flight, then stop it: a duration-bounded run ends with every request it sent
//   answered, unless the cap comes first.
// When does a connection's first request leave? autocannon writes it when it creates the client,
// before the socket has connected, and starts its clock then; Node holds the bytes until the socket
// connects, which takes a turn of this process's loop after all the clients exist (5-15 ms for 150
// of them). So a request counts from the later of its write and its socket's connection.

import autocannon from 'autocannon'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Recorder, Unanswered } from './metrics.ts'
import type { AutocannonSummary } from '../types.ts'

export interface ClosedLoopConfig {
  url: string
  connections: number
  requests: number | null
  durationS: number | null
  maxRequests: number
  timeoutS: number
}

/** What autocannon's sockets are doing: when each connected, and when each unanswered request left. */
interface Watched {
  connectedAt: number | null
  /** Write times of the requests not answered yet, oldest first (one at a time: no pipelining). */
  sent: number[]
}

export class ClosedLoop {
  private readonly watched = new Map<net.Socket, Watched>()
  private instance: autocannon.Instance | null = null
  private writesHeld = false
  private durationTimer: NodeJS.Timeout | undefined
  private ended = false
  private unwrap: (() => void) | null = null
  /** autocannon passes the client object with each response: a small number per connection. */
  private readonly connectionIds = new WeakMap<object, number>()
  private nextConnectionId = 0

  constructor(
    private readonly config: ClosedLoopConfig,
    private readonly recorder: Recorder,
  ) {}

  /**
   * Start the load; returns how long autocannon took to create its clients (no request is on the
   * wire before that: the recorder counts sends from then). `onEnd` is called once, when every
   * request asked for is answered or failed, or the duration is over and its answers are in, with
   * autocannon's own summary.
   */
  start(
    onEnd: (endedBy: 'completed' | 'duration', summary: AutocannonSummary | null) => void,
    onError: (error: Error) => void,
  ): number {
    const c = this.config
    this.unwrap = this.watchSockets()
    const t0 = performance.now()
    this.instance = autocannon(
      {
        url: c.url,
        connections: c.connections,
        // A duration run is ended here (after its answers are in), never by autocannon's own clock.
        ...(c.requests !== null
          ? { amount: c.requests }
          : { duration: c.timeoutS + 60, maxOverallRequests: c.maxRequests }),
        timeout: c.timeoutS,
      },
      (error, result) => {
        if (this.ended) return
        this.ended = true
        if (error) return onError(error)
        onEnd(c.requests !== null ? 'completed' : 'duration', summarize(result))
      },
    )
    // autocannon creates every client (and queues its first request) before it returns; nothing is
    // on the wire until our loop turns. With 10,000 connections that takes a while: we report it,
    // and the recorder counts sends from here (see Recorder.start).
    const clientsReady = performance.now()
    this.recorder.start(clientsReady)
    this.instance.on('response', (client, statusCode) => this.onResponse(client, statusCode))
    this.instance.on('reqError', (error: unknown) => {
      if (this.ended) return
      this.recorder.recordError(error instanceof Error && error.message === 'request timed out' ? 'timeout' : 'error')
    })
    if (c.durationS !== null) this.durationTimer = setTimeout(() => this.endDuration(), c.durationS * 1000)
    return Math.round((clientsReady - t0) * 10) / 10
  }

  /** The requests sent and not answered at `now`, each waiting since it left. */
  unanswered(now: number): Unanswered[] {
    const waiting: Unanswered[] = []
    for (const w of this.watched.values()) {
      for (const sentAt of w.sent) {
        const since = Math.max(sentAt, w.connectedAt ?? sentAt, this.recorder.earliest)
        waiting.push({ waitedMs: now - since, inServiceMs: now - since })
      }
    }
    return waiting
  }

  /** Stop now (the cap or an abort). autocannon reports at its next one-second sample: not waited for. */
  stop(): void {
    this.ended = true
    clearTimeout(this.durationTimer)
    this.instance?.stop()
    this.unwrap?.()
  }

  private onResponse(client: unknown, statusCode: number): void {
    if (this.ended) return
    const now = performance.now()
    let id = this.connectionIds.get(client as object)
    if (id === undefined) {
      id = this.nextConnectionId++
      this.connectionIds.set(client as object, id)
    }
    // `conn` is autocannon's socket for this client (not in its type declarations).
    const w = this.watched.get((client as { conn: net.Socket }).conn)
    const written = w?.sent.shift() ?? now
    const sentAt = Math.max(written, w?.connectedAt ?? written)
    this.recorder.record(id, now, now - sentAt, statusCode)
    if (this.writesHeld && this.inFlight() === 0) this.drained()
  }

  /** The duration is over: no new request leaves; the load ends when those in flight are answered. */
  private endDuration(): void {
    this.writesHeld = true
    if (this.inFlight() === 0) this.drained()
  }

  private drained(): void {
    this.instance?.stop() // its callback (at its next sample, within a second) ends the load
    this.unwrap?.()
  }

  private inFlight(): number {
    let n = 0
    for (const w of this.watched.values()) n += w.sent.length
    return n
  }

  /**
   * Wrap `net.connect` so every socket autocannon opens is watched: when it connected, when each
   * request was written (and, once the duration is over, writes are held back). Returns the unwrap.
   */
  private watchSockets(): () => void {
    const original = net.connect
    const wrapped = (...args: Parameters<typeof original>): net.Socket => {
      const socket = original(...args)
      const w: Watched = { connectedAt: null, sent: [] }
      this.watched.set(socket, w)
      socket.once('connect', () => (w.connectedAt = performance.now()))
      socket.once('close', () => this.watched.delete(socket))
      const write = socket.write.bind(socket) as (...a: unknown[]) => boolean
      socket.write = ((...a: unknown[]) => {
        if (this.writesHeld) return true
        w.sent.push(performance.now())
        return write(...a)
      }) as typeof socket.write
      return socket
    }
    ;(net as { connect: typeof original }).connect = wrapped as typeof original
    return () => {
      ;(net as { connect: typeof original }).connect = original
    }
  }
}

function summarize(result: autocannon.Result): AutocannonSummary {
  return {
    requestsAverage: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    durationS: result.duration,
  }
}
