// The two kinds of client a soak runs against a step (soak.ts):
// - `KeepAliveClient`: one keep-alive connection sending `GET <path>` in a closed loop (the next
//   request when the previous answer is in), for as long as the soak lasts. Anything but a 200, a
//   connection error, a close it did not ask for or an answer that never comes is counted as an error.
// - `attack(kind)`: one hostile connection — garbage bytes, a head never finished, a head over the
//   size limit, or a reset in the middle of a request — and what the server did about it: answered
//   (with which status), closed, or neither within the time allowed ("hung").
// Raw sockets, so every byte and every close is ours to decide.

import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { parseAnswer } from '../load/open-loop.ts'

export interface LoadCounters {
  answered: number
  /** Answers other than 200. */
  unexpected: number
  errors: number
  /** The server closed a connection the client was still using. */
  closedEarly: number
  /** A request with no answer within the answer timeout. */
  timeouts: number
}

/** No answer within this long is a timeout (the longest the load asks for is a few seconds). */
const ANSWER_TIMEOUT_MS = 15_000

export class KeepAliveClient {
  private readonly socket: Socket
  private readonly request: Buffer
  private buffered = Buffer.alloc(0)
  private waiting = false
  private stopping = false
  private timer: NodeJS.Timeout | undefined
  /** Resolves once the connection is closed, whoever closed it. */
  readonly closed: Promise<void>

  constructor(
    port: number,
    path: string,
    private readonly counters: LoadCounters,
  ) {
    this.request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: soak\r\n\r\n`)
    this.socket = connect(port, '127.0.0.1')
    this.socket.setNoDelay(true)
    this.socket.on('connect', () => this.send())
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk))
    this.socket.on('error', () => {
      if (!this.stopping) this.counters.errors++
    })
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        clearTimeout(this.timer)
        if (!this.stopping) this.counters.closedEarly++
        resolve()
      }),
    )
  }

  /** Finish the request in flight, if any, then close. */
  stop(): void {
    this.stopping = true
    if (!this.waiting) this.socket.end()
  }

  private send(): void {
    if (this.stopping) {
      this.socket.end()
      return
    }
    this.waiting = true
    this.socket.write(this.request)
    this.timer = setTimeout(() => {
      this.counters.timeouts++
      this.stopping = true
      this.socket.destroy()
    }, ANSWER_TIMEOUT_MS)
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk])
    const answer = parseAnswer(this.buffered)
    if (answer === null) return
    clearTimeout(this.timer)
    this.buffered = this.buffered.subarray(answer.length)
    this.waiting = false
    this.counters.answered++
    if (answer.status !== 200) this.counters.unexpected++
    this.send()
  }
}

export const ATTACKS = ['garbage', 'half-head', 'oversized-head', 'reset'] as const
export type AttackKind = (typeof ATTACKS)[number]

/** What the server did with one hostile connection. */
export type AttackOutcome =
  | { kind: AttackKind; ending: 'answered'; status: number }
  | { kind: AttackKind; ending: 'closed' | 'reset' | 'hung' }

/**
 * One hostile connection. `garbage` sends up to 4 KiB of random bytes (half the time ending in a
 * blank line) and closes its side;
 * `half-head` sends half a request head and waits (the server owes it a 408 after its header
 * timeout); `oversized-head` sends a head over the 8 KiB limit (431); `reset` sends a request and
 * resets the connection while the server works on it (RST, not FIN).
 */
export function attack(port: number, kind: AttackKind, allowMs: number): Promise<AttackOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    let settled = false
    const settle = (outcome: AttackOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (outcome.ending === 'reset')
        socket.resetAndDestroy() // RST: the server's read fails
      else socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => settle({ kind, ending: 'hung' }), allowMs)
    socket.on('connect', () => {
      if (kind === 'garbage') {
        // Half the time with a blank line after it, so the server sees a whole (malformed) head.
        const bytes = randomBytes(64 + Math.floor(Math.random() * 4032))
        socket.end(Math.random() < 0.5 ? Buffer.concat([bytes, Buffer.from('\r\n\r\n')]) : bytes)
      } else if (kind === 'half-head') socket.write('GET /0 HTTP/1.1\r\nHost: soak\r\nX-Slow: ')
      else if (kind === 'oversized-head')
        socket.write(`GET /0 HTTP/1.1\r\nHost: soak\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`)
      else {
        // The server is working on the request (a 1 s sleep) when the reset arrives.
        socket.write('GET /1000 HTTP/1.1\r\nHost: soak\r\n\r\n')
        setTimeout(() => settle({ kind, ending: 'reset' }), 50)
      }
    })
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const answer = parseAnswer(received)
      if (answer !== null) settle({ kind, ending: 'answered', status: answer.status })
    })
    socket.on('end', () => settle({ kind, ending: 'closed' }))
    socket.on('error', () => settle({ kind, ending: 'closed' }))
    socket.on('close', () => settle({ kind, ending: 'closed' }))
  })
}
