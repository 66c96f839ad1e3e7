// The few things the demo's two processes agree on: the greeting the peer sends on each new
// connection (so every read path runs once before the connections go idle) and the report the
// holder sends back.

/** Sent once by the peer on each connection; the holder counts it through its read style. */
export const GREETING = 'hi\n'

export interface MemorySample {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export type HolderReport =
  | { type: 'measured'; strategy: string; connections: number; before: MemorySample; after: MemorySample }
  | { type: 'failed'; message: string }
