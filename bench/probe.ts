// cpu-mix's light probe: `GET /0` at a fixed rate (100 req/s), to measure what I/O latency looks
// like while the cores are busy with `/cpu` tasks.
//
// Why not autocannon's rate mode: it sends each second's quota in a burst at the start of the
// second, and its coordinated-omission correction assumes a 1 ms interval (NOTES.md); against
// /1000 it reported p50 ≈ 500 ms. So we pace the probe ourselves: request i is *due* at
// start + i / rate, and its latency is counted from when it was due, not from when it went out,
// so a late timer in the generator is charged, not hidden.
//
// Open loop: a request that falls due while every connection is waiting for an answer goes out on
// a new keep-alive connection (up to `maxConnections`) instead of queueing behind the others. At
// 100 req/s and answers within ~100 ms that is about 10 connections. With a fixed 10 the probe
// would measure its own queue: against step 3 busy with two 60 ms tasks at a time, 10
// connections answered once per ~120 ms loop turn carry only ~80 req/s, and the backlog would grow
// for as long as the run lasts.

import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { Recorder } from './metrics.ts'
import type { ProbeOptions } from './types.ts'

export class PacedProbe {
  private readonly agent: Agent
  private readonly intervalMs: number
  private timer: NodeJS.Timeout | undefined
  private sent = 0
  private startedAt = 0
  private stopped = false
  private readonly seenSockets = new WeakSet<object>()
  /** How many connections the probe opened. */
  connectionsOpened = 0

  constructor(
    private readonly origin: string,
    private readonly options: ProbeOptions,
    private readonly recorder: Recorder,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxConnections, maxFreeSockets: options.maxConnections })
    this.intervalMs = 1000 / options.ratePerSec
  }

  start(t0: number): void {
    this.startedAt = t0
    this.recorder.start(t0)
    this.tick()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.agent.destroy()
  }

  private tick(): void {
    if (this.stopped) return
    const now = performance.now()
    // Send everything that has fallen due (more than one if this timer fired late).
    while (this.startedAt + this.sent * this.intervalMs <= now) {
      this.send(this.startedAt + this.sent * this.intervalMs)
      this.sent++
    }
    const next = this.startedAt + this.sent * this.intervalMs
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - performance.now()))
  }

  private send(dueAt: number): void {
    const req = request(this.origin + this.options.path, { agent: this.agent, timeout: this.timeoutMs }, (res) => {
      res.resume()
      res.on('end', () => {
        const doneAt = performance.now()
        if (!this.stopped) this.recorder.record(0, doneAt, doneAt - dueAt, res.statusCode ?? 0)
      })
    })
    req.on('socket', (socket) => {
      if (this.seenSockets.has(socket)) return
      this.seenSockets.add(socket)
      this.connectionsOpened++
    })
    let timedOut = false
    req.on('timeout', () => {
      timedOut = true
      if (!this.stopped) this.recorder.recordError('timeout')
      req.destroy()
    })
    req.on('error', () => {
      if (!this.stopped && !timedOut) this.recorder.recordError('error')
    })
    req.end()
  }
}
