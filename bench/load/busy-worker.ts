// The `busy-worker` scenario's hold: one worker of a multi-threaded server (step 6) kept busy with
// CPU work for the whole run, so that the churn beside it (churn.ts) shows where new connections go
// when one worker cannot take them. The kernel's `reusePort` hash and a round-robin acceptor keep
// sending it its share; an acceptor that picks the worker with the fewest connections mostly
// does not.
//
// One keep-alive connection: first `GET /__stats`, whose `worker` field names the worker that
// answered (step 6 serves a connection on one worker for its whole life), then `/cpu/<n>` tasks
// back to back on that connection. Two are always outstanding, the next one already in the
// worker's buffer when a task ends, so the worker hashes without a gap; and when the load stops we
// close the connection, and at most one more task runs. A step with one event loop (no `worker`
// field) is held whole: nothing else gets served there.

import { connect, type Socket } from 'node:net'
import { parseAnswer } from './open-loop.ts'
import type { HoldReport } from '../types.ts'

const OUTSTANDING = 2

export class BusyWorker {
  /** The worker that serves this connection (from `/__stats`); null for a server without workers. */
  worker: number | null = null
  private readonly socket: Socket
  private readonly head: string
  private readonly n: number
  private readonly taskMs: number
  private readonly task: Buffer
  private buffered: Buffer = Buffer.alloc(0)
  /** The `/__stats` answer we wait for, before the tasks start. */
  private waiting: ((body: string) => void) | null = null
  private stopped = false
  private tasksDone = 0

  private constructor(socket: Socket, head: string, n: number, taskMs: number) {
    this.socket = socket
    this.head = head
    this.n = n
    this.taskMs = taskMs
    this.task = Buffer.from(`GET /cpu/${n} HTTP/1.1\r\n${head}`)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
  }

  /** Opens the connection, asks which worker serves it, and starts the tasks. */
  static async start(host: string, port: number, n: number, taskMs: number, timeoutMs: number): Promise<BusyWorker> {
    const socket = connect({ host, port, noDelay: true })
    const hold = new BusyWorker(socket, `Host: ${host}:${port}\r\n\r\n`, n, taskMs)
    const body = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no /__stats answer within ${timeoutMs} ms`)), timeoutMs)
      const fail = (error: Error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(new Error(`busy-worker: ${error.message}`))
      }
      socket.once('error', fail)
      hold.waiting = (answer) => {
        clearTimeout(timer)
        socket.off('error', fail)
        resolve(answer)
      }
      socket.write(`GET /__stats HTTP/1.1\r\n${hold.head}`)
    })
    socket.on('error', () => {}) // a reset at the end is expected: we close with tasks outstanding
    hold.worker = workerOf(body)
    for (let i = 0; i < OUTSTANDING; i++) socket.write(hold.task)
    return hold
  }

  report(): HoldReport {
    return { worker: this.worker, n: this.n, taskMs: this.taskMs, tasksDone: this.tasksDone }
  }

  stop(): void {
    this.stopped = true
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk])
    for (;;) {
      const answer = parseAnswer(this.buffered)
      if (answer === null) return
      const text = this.buffered.subarray(0, answer.length).toString('latin1')
      this.buffered = this.buffered.subarray(answer.length)
      if (this.waiting !== null) {
        const resolve = this.waiting
        this.waiting = null
        resolve(text.slice(text.indexOf('\r\n\r\n') + 4))
        continue
      }
      if (this.stopped) return
      this.tasksDone++
      this.socket.write(this.task) // the next task, so that two stay outstanding
    }
  }
}

function workerOf(body: string): number | null {
  try {
    const stats: unknown = JSON.parse(body)
    const worker = (stats as { worker?: unknown }).worker
    return typeof worker === 'number' ? worker : null
  } catch {
    return null
  }
}
