// What the two read styles have in common: a name, and the `onread` option each connection is
// opened with. Kept apart so readiness.ts and completion.ts show only their one difference.

import type { OnReadOpts } from 'node:net'

/** 64 KiB: the size libuv asks for on every read, so both styles read in the same chunks. */
export const READ_BUFFER_BYTES = 64 * 1024

/** Gets each chunk while it is valid; returns true to keep reading (false would pause the socket). */
export type Consume = (chunk: Uint8Array) => boolean

export interface ReadStrategy {
  name: 'readiness' | 'completion'
  description: string
  /** The `onread` option for one new connection. */
  onread(consume: Consume): OnReadOpts
}
