// Readiness style: ONE read buffer shared by every connection.
//
// With epoll or kqueue the kernel says "socket 17 is readable now"; only then do we call read(),
// into any buffer we like, and we are done with that buffer before the next socket gets its turn.
// So one buffer serves every connection, and an idle connection holds no buffer at all: memory
// grows with the data in flight, not with the number of connections.
//
// Node lets us pick the buffer libuv reads into with `onread: { buffer, callback }`. Handing every
// socket the same buffer is safe because the callback runs to completion on the one loop thread:
// the bytes are consumed (here: counted) before libuv reads the next socket into the same memory.

import type { OnReadOpts } from 'node:net'
import { READ_BUFFER_BYTES, type Consume, type ReadStrategy } from './strategy.ts'

// #region shared-buffer
const theOneBuffer = Buffer.alloc(READ_BUFFER_BYTES)

function onread(consume: Consume): OnReadOpts {
  // The same buffer for every socket: it is ours
  // only for the length of one callback.
  return {
    buffer: theOneBuffer,
    callback: (n, buf) => consume(buf.subarray(0, n)),
  }
}
// #endregion shared-buffer

export const readiness: ReadStrategy = {
  name: 'readiness',
  description: 'one read buffer shared by all connections',
  onread,
}
