// Sources: a listening socket and a connection, as the poller sees them. This is our "kernel".
//
// mio gets readiness from epoll; we get it from node:net, whose buffers libuv fills. The mapping:
//
//   epoll                              node:net (paused mode)
//   EPOLLIN on a connection            'readable': bytes are buffered; read() returns them
//   read(2) until EAGAIN               socket.read() until it returns null  -> WOULD_BLOCK
//   read(2) returns 0 (FIN)            'end' (after a read() that found the buffer empty) -> EOF
//   write(2) returns EAGAIN            socket.writableNeedDrain: Node's buffer is over its mark
//   EPOLLOUT after EAGAIN              'drain'
//   EPOLLIN on a listener + accept(2)  'connection', queued here until accept() takes it
//   EPOLLHUP / EPOLLERR                'close' / 'error'
//
// So this is readiness of Node's buffers, not of the kernel's: a faithful model of mio, not raw
// epoll. Node emits 'readable' once per arrival of bytes, whether or not the last ones were read,
// which is exactly the edge-triggered contract (an event per transition, none for bytes left
// behind); the poller coalesces the events of one loop iteration into one.

import type { Server, Socket } from 'node:net'
import { Fifo } from '../shared/fifo.ts'
import { CLOSED, READ_CLOSED, READABLE, WRITABLE, type ReadinessSink, type Source } from './poller.ts'

/** The operation cannot make progress now: wait for readiness, then try again. */
export const WOULD_BLOCK = Symbol('WouldBlock')
export type WouldBlock = typeof WOULD_BLOCK
/** Read: the peer has finished sending (or the connection is gone); nothing more will come. */
export const EOF = Symbol('EOF')
export type Eof = typeof EOF
/** Write: the connection is gone or already shut down; nothing more can be sent. */
export const DISCONNECTED = Symbol('Disconnected')
export type Disconnected = typeof DISCONNECTED

/**
 * The most one `write` accepts. The kernel takes what fits in its send buffer and says how much;
 * Node takes everything and says only "over the mark". Capping each write makes a big answer a
 * series of partial writes, as in mio, so a slow reader holds at most this much plus Node's
 * high-water mark in memory, however big the answer.
 */
export const MAX_WRITE_BYTES = 64 * 1024

export class TcpStream implements Source {
  private sink: ReadinessSink | null = null
  /** Why the connection failed, if it did (a reset, a timeout); reads then return EOF. */
  error: Error | undefined
  readonly socket: Socket

  constructor(socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    // A 'readable' listener puts the socket in paused mode: bytes wait in Node's buffer until we
    // read() them. The listeners stay for the life of the socket; `unwatch` only stops reporting.
    // The 'error' listener must stay in any case: an 'error' with no listener would crash the process.
    socket.on('readable', () => this.sink?.report(READABLE))
    socket.on('end', () => this.sink?.report(READABLE | READ_CLOSED))
    socket.on('drain', () => this.sink?.report(WRITABLE))
    socket.on('error', (error: Error) => (this.error = error)) // 'close' follows and reports it
    socket.on('close', () => this.sink?.report(READABLE | WRITABLE | READ_CLOSED | CLOSED))
  }

  /** Bytes received so far, WOULD_BLOCK if there are none yet, EOF if none will come. */
  read(): Buffer | WouldBlock | Eof {
    const chunk = this.socket.read() as Buffer | null
    if (chunk !== null) return chunk
    return this.socket.readableEnded || this.socket.destroyed ? EOF : WOULD_BLOCK
  }

  /**
   * Like `read`, but at most `max` bytes: the rest stays in Node's buffer. Only for step 4's
   * `--read-once`, which waits for readiness after one of these (see ReadRequest in io-futures.ts).
   */
  readSome(max: number): Buffer | WouldBlock | Eof {
    const buffered = this.socket.readableLength
    if (buffered === 0) return this.read()
    // read(n) returns null unless n bytes are buffered, so never ask for more than there is.
    return this.socket.read(Math.min(max, buffered)) as Buffer
  }

  /** Bytes received and not read yet. */
  get bufferedForReading(): number {
    return this.socket.readableLength
  }

  /**
   * Hands bytes to the connection: how many it took (a partial write takes fewer than offered),
   * WOULD_BLOCK if it takes none now, DISCONNECTED if it never will. A short string is taken
   * whole; longer data should be a Buffer, which is taken at most MAX_WRITE_BYTES at a time.
   */
  write(data: Buffer | string): number | WouldBlock | Disconnected {
    const socket = this.socket
    if (socket.destroyed || socket.writableEnded) return DISCONNECTED
    if (socket.writableNeedDrain) return WOULD_BLOCK
    if (typeof data === 'string' || data.length <= MAX_WRITE_BYTES) {
      socket.write(data)
      return data.length
    }
    socket.write(data.subarray(0, MAX_WRITE_BYTES))
    return MAX_WRITE_BYTES
  }

  /** Half-close: send FIN after everything written so far. Reading goes on. */
  shutdown(): void {
    if (!this.socket.writableEnded && !this.socket.destroyed) this.socket.end()
  }

  /** Close at once, discarding anything unsent. */
  close(): void {
    this.socket.destroy()
  }

  get isClosed(): boolean {
    return this.socket.destroyed
  }

  /** Bytes written and not yet taken by the kernel (what backpressure bounds). */
  get bufferedBytes(): number {
    return this.socket.writableLength
  }

  get peer(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`
  }

  watch(sink: ReadinessSink): void {
    this.sink = sink
    // Like epoll_ctl(ADD) on an edge-triggered fd: report the readiness the source already has.
    const socket = this.socket
    let readiness = 0
    if (socket.destroyed) readiness = READABLE | WRITABLE | READ_CLOSED | CLOSED
    else {
      if (socket.readableLength > 0) readiness |= READABLE
      if (socket.readableEnded) readiness |= READABLE | READ_CLOSED
      if (!socket.writableNeedDrain) readiness |= WRITABLE
    }
    if (readiness !== 0) sink.report(readiness)
  }

  unwatch(): void {
    this.sink = null
  }
}

/**
 * A listening socket. Node accepts connections by itself and announces each with 'connection';
 * we queue them, report the listener readable, and hand them out from `accept()`, as accept(2)
 * hands out the kernel's queue of established connections.
 */
export class TcpListener implements Source {
  private sink: ReadinessSink | null = null
  /** Connections accepted by Node and not yet taken by `accept()`, oldest first. */
  private readonly backlog = new Fifo<TcpStream>()
  readonly server: Server

  constructor(server: Server) {
    this.server = server
    server.on('connection', (socket: Socket) => {
      // Wrapped at once, so that a connection reset while it waits here has its 'error' listener.
      this.backlog.push(new TcpStream(socket))
      this.sink?.report(READABLE)
    })
  }

  /** The next established connection, or WOULD_BLOCK if there is none. */
  accept(): TcpStream | WouldBlock {
    return this.backlog.shift() ?? WOULD_BLOCK
  }

  watch(sink: ReadinessSink): void {
    this.sink = sink
    if (this.backlog.length > 0) sink.report(READABLE)
  }

  unwatch(): void {
    this.sink = null
  }
}
