// Backpressure in step 4: a multi-megabyte answer to a slow reader arrives complete, while the
// server holds at most one partial write plus Node's high-water mark of it in memory.
//
// The answer comes from a test-only future on the real runtime (accept, then `WriteAll` part after
// part), not from a public route: the protocol stays the one README.md describes.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { PENDING, type Context, type Future, type PollResult } from '../../examples/04-poller/future.ts'
import { Accept, WriteAll } from '../../examples/04-poller/io-futures.ts'
import { READABLE, WRITABLE } from '../../examples/04-poller/poller.ts'
import { Registered } from '../../examples/04-poller/reactor.ts'
import { Runtime } from '../../examples/04-poller/runtime.ts'
import { DISCONNECTED, MAX_WRITE_BYTES, TcpListener, type TcpStream } from '../../examples/04-poller/sources.ts'
import { loopback, runToEnd } from '../helpers/step4.ts'

const TOTAL = 24 * 1024 * 1024
const PART = 1024 * 1024

/** The byte at `offset` of the answer: a pattern the client can check without keeping the answer. */
const byteAt = (offset: number) => (offset * 7 + (offset >>> 12)) & 0xff

function part(offset: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) buffer[i] = byteAt(offset + i)
  return buffer
}

/** Accepts one connection and writes TOTAL bytes to it, one PART at a time, then closes. */
class BigAnswer implements Future<void> {
  private readonly accept: Accept
  private io: Registered<TcpStream> | undefined
  private write: WriteAll | undefined
  private sent = 0
  peakBuffered = 0
  pendingWrites = 0
  highWaterMark = 0

  constructor(
    private readonly rt: Runtime,
    listener: Registered<TcpListener>,
  ) {
    this.accept = new Accept(listener)
  }

  poll(cx: Context): PollResult<void> {
    if (this.io === undefined) {
      const stream = this.accept.poll(cx)
      if (stream === PENDING) return PENDING
      this.io = new Registered(this.rt.reactor, stream, WRITABLE)
      this.highWaterMark = stream.socket.writableHighWaterMark
      this.write = new WriteAll(this.io, part(0, PART))
    }
    for (;;) {
      const outcome = this.write!.poll(cx)
      this.peakBuffered = Math.max(this.peakBuffered, this.io.source.bufferedBytes)
      if (outcome === PENDING) {
        this.pendingWrites++
        return PENDING
      }
      if (outcome === DISCONNECTED) throw new Error('the client went away')
      this.sent += PART
      if (this.sent === TOTAL) {
        this.io.source.shutdown()
        this.io.deregister()
        return
      }
      this.write = new WriteAll(this.io, part(this.sent, PART))
    }
  }
}

test('step 4: a 24 MiB answer to a slow reader arrives complete, with a bounded write buffer', async () => {
  const net = await loopback()
  const rt = new Runtime()
  const listener = new Registered(rt.reactor, new TcpListener(net.server), READABLE)
  const answer = new BigAnswer(rt, listener)
  rt.spawn(answer, 'big answer')
  const served = runToEnd(rt)

  // The slow reader: after each chunk, a pause before it reads again.
  const client = await net.client()
  let received = 0
  let mismatch = -1
  client.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i++) {
      if (mismatch === -1 && chunk[i] !== byteAt(received + i)) mismatch = received + i
    }
    received += chunk.length
    client.pause()
    setTimeout(() => client.resume(), 1)
  })
  try {
    await once(client, 'end')
    await served
    assert.equal(received, TOTAL, 'every byte arrived')
    assert.equal(mismatch, -1, 'in order, unchanged')
    // The kernel's loopback buffers take megabytes, so the number of waits varies; one is enough to
    // show the writer was held back by the reader rather than buffering the answer.
    assert.ok(answer.pendingWrites >= 1, 'backpressure engaged: the writer waited for writability')
    const bound = MAX_WRITE_BYTES + answer.highWaterMark
    assert.ok(
      answer.peakBuffered <= bound,
      `at most ${answer.peakBuffered} bytes were buffered (bound ${bound}), of ${TOTAL}`,
    )
  } finally {
    listener.deregister()
    await net.close()
  }
})
