// `--trace`: the life of each request as a timeline, one line per thing the runtime does.
//
//      time  who       what
//     0.000  poll      returned 1 event: token 1 (listener) readable
//     0.041  reactor   token 1 (listener) ready: wake task 1 (accept loop)
//     ...
//
// The columns are the time in milliseconds, the part of the runtime speaking, and what it did:
// readiness the poll returned, tasks woken and polled, state changes of a connection, timers set
// and fired, and each time the runtime hands control back to Node's loop. Once the last connection
// has closed, the clock restarts at 0 at the next poll that returns readiness, so each `curl` gets
// a timeline of its own.
//
// Lines go to stderr (stdout's first line belongs to `listening on ...`). Every call site is
// guarded by `if (trace.enabled)`, so a server without --trace builds no strings at all.

import type { Events } from './poller.ts'

const names = new Map<number, string>()
let origin = performance.now()
let restartPending = true // the first connection to a fresh server starts at 0 too

export const trace = {
  enabled: false,

  line(who: string, what: string): void {
    const time = (performance.now() - origin).toFixed(3).padStart(10)
    process.stderr.write(`${time}  ${who.padEnd(9)} ${what}\n`)
  },

  /** A time on the trace's clock, for deadlines. */
  at(time: number): string {
    return (time - origin).toFixed(3)
  },

  /** The server is idle: the next poll that returns readiness starts a new timeline at 0. */
  restartClock(): void {
    restartPending = true
  },

  nameToken(token: number, name: string): void {
    names.set(token, name)
  },

  forgetToken(token: number): void {
    names.delete(token)
  },

  tokenName(token: number): string {
    const name = names.get(token)
    return name === undefined ? `token ${token}` : `token ${token} (${name})`
  },

  pollReturned(events: Events): void {
    if (events.length === 0) return trace.line('poll', 'returned no events')
    const list: string[] = []
    for (const event of events) {
      const kinds: string[] = []
      if (event.isReadable) kinds.push('readable')
      if (event.isWritable) kinds.push('writable')
      if (event.isReadClosed) kinds.push('read-closed')
      if (event.isClosed) kinds.push('closed')
      list.push(`${trace.tokenName(event.token)} ${kinds.join('+')}`)
    }
    if (restartPending) {
      restartPending = false
      origin = performance.now()
    }
    trace.line('poll', `returned ${events.length} event${events.length === 1 ? '' : 's'}: ${list.join(', ')}`)
  },
}
