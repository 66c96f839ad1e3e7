// `npm run demo:buffers`: who owns the read buffer, measured.
//
// Opens N idle connections (default 5000) twice, once per read style, and prints what they cost in
// memory, in total and per connection:
// - readiness (readiness.ts): the epoll/kqueue way. The kernel says "readable", we read into one
//   buffer shared by every connection, so idle connections hold no buffer;
// - completion (completion.ts): a completion API used the simple way, simulated on epoll. A read
//   is submitted with its buffer, which the kernel would own until data comes, so every idle
//   connection holds one. (Not the only way to use io_uring or IOCP: see completion.ts.)
//
// `--record` also writes the result, in the envelope of every recording (the machine it ran on, the
// command), to recordings/demo-buffers.json, which the slide renders. Nothing in that file is typed
// by hand.

import { writeFileSync } from 'node:fs'
import { kibibytes, mebibytes } from '../../bench/format.ts'
import { newEnvelope } from '../../bench/server/machine.ts'
import { readFlagsOrExit, usageHeader } from '../shared/flags.ts'
import { MAX_CONNECTIONS, type Measurement, measureStrategy, startSilentPeer } from './measure.ts'
import { READ_BUFFER_BYTES } from './strategy.ts'
import { completion } from './completion.ts'
import { readiness } from './readiness.ts'
import { requireFeatures } from '../shared/node-features.ts'

// The holders are forked as plain `node holder.ts` (measure.ts): the running Node must strip types.
requireFeatures('demo:buffers', ['type-stripping'])

const RESULT_FILE = new URL('../../recordings/demo-buffers.json', import.meta.url)

const SCHEMA = 'demo-buffers/2'

const FLAGS = {
  connections: { kind: 'int', default: 5000, min: 1, max: MAX_CONNECTIONS, help: 'idle connections, per read style' },
  record: { kind: 'bool', help: 'also write the result to recordings/demo-buffers.json' },
} as const

function row(m: Measurement): { rss: number; arrayBuffers: number } {
  return { rss: m.after.rss - m.before.rss, arrayBuffers: m.after.arrayBuffers - m.before.arrayBuffers }
}

async function main(): Promise<void> {
  const { connections, record } = readFlagsOrExit('demo:buffers', FLAGS, { usage: usageHeader('demo:buffers') }).flags
  const envelope = newEnvelope(SCHEMA, `npm run demo:buffers -- --connections ${connections} --record`)
  const peer = await startSilentPeer()
  const results = []
  try {
    for (const strategy of [readiness, completion]) {
      console.log(`${strategy.name}: opening ${connections} idle connections (${strategy.description}) ...`)
      const measured = await measureStrategy(peer, strategy.name, connections)
      const delta = row(measured)
      results.push({
        strategy: strategy.name,
        description: strategy.description,
        connections: measured.connections,
        rssBytes: delta.rss,
        arrayBuffersBytes: delta.arrayBuffers,
        perConnection: {
          rssBytes: Math.round(delta.rss / measured.connections),
          arrayBuffersBytes: Math.round(delta.arrayBuffers / measured.connections),
        },
        before: measured.before,
        after: measured.after,
      })
    }
  } finally {
    await peer.close()
  }

  console.log(
    `\n${connections} idle connections, ${kibibytes(READ_BUFFER_BYTES)} read buffers, Node ${process.version}\n`,
  )
  console.log('style        RSS growth        per connection    buffers held      per connection')
  for (const r of results) {
    console.log(
      [
        r.strategy.padEnd(12),
        mebibytes(r.rssBytes).padEnd(17),
        kibibytes(r.perConnection.rssBytes).padEnd(17),
        mebibytes(r.arrayBuffersBytes).padEnd(17),
        kibibytes(r.perConnection.arrayBuffersBytes),
      ].join(' '),
    )
  }

  if (record) {
    const file = { ...envelope, connections, readBufferBytes: READ_BUFFER_BYTES, results }
    writeFileSync(RESULT_FILE, `${JSON.stringify(file, null, 2)}\n`)
    console.log(`\nrecorded in recordings/demo-buffers.json`)
  }
}

main().catch((error: Error) => {
  console.error(`demo:buffers: ${error.message}`)
  process.exit(1)
})
