// Completion style: a buffer held for every pending read.
//
// With io_uring or IOCP you do not wait for "readable": you submit "read into THIS buffer" and the
// kernel fills it whenever data comes, maybe much later. From submission to completion the buffer
// belongs to the kernel, so every connection with a read outstanding holds a buffer of its own,
// even if it stays idle for an hour: memory grows with the number of connections.
//
// (io_uring can also share a pool of "provided buffers" that the kernel picks from when data
// arrives; that is the completion world's answer to exactly the cost measured here.)
//
// We model it in Node with `onread`: each socket gets its own buffer when it is opened, the way a
// completion server submits a read for each connection as soon as it accepts it.

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
  description: 'a buffer held by each pending read',
  onread,
}
