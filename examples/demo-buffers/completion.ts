// Completion style, used the simple way: a buffer held for every pending read.
//
// With io_uring or IOCP you can skip "readable": you submit "read into THIS buffer" and the kernel
// fills it whenever data comes, maybe much later. From submission to completion the buffer belongs
// to the kernel, so a server that keeps a read posted on every connection holds a buffer per
// connection, even one idle for an hour: memory grows with the number of connections.
//
// That cost comes from this way of using a completion API, not from the API. libuv on Windows
// posts a zero-byte read on IOCP (no buffer is lent until data is there, src/win/tcp.c); io_uring
// has provided buffer rings, a pool the kernel picks from only when data arrives, and readiness
// polls (IORING_OP_POLL_ADD).
//
// This file does not use io_uring: it simulates the style on epoll, through Node's `onread`. Each
// socket gets its own buffer when it is opened, the way a completion server that submits a read
// per connection as soon as it accepts it would hold one.

import type { OnReadOpts } from 'node:net'
import { READ_BUFFER_BYTES, type Consume, type ReadStrategy } from './strategy.ts'

// #region buffer-per-read
function onread(consume: Consume): OnReadOpts {
  // A buffer of its own, handed over with the read
  // and held until the read completes.
  const buffer = Buffer.alloc(READ_BUFFER_BYTES)
  return {
    buffer,
    callback: (n) => consume(buffer.subarray(0, n)),
  }
}
// #endregion buffer-per-read

export const completion: ReadStrategy = {
  name: 'completion',
  description: 'a buffer per pending read, simulated on epoll',
  onread,
}
