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
// `--record` also writes the result, with the machine it ran on, to bench/results/demo-buffers.json,
// which the slide renders. Nothing in that file is typed by hand.

import { writeFileSync } from 'node:fs'
import { arch, cpus, platform, release, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { MAX_CONNECTIONS, measureStrategy, startSilentPeer, type Measurement } from './measure.ts'
import { READ_BUFFER_BYTES } from './strategy.ts'
import { completion } from './completion.ts'
import { readiness } from './readiness.ts'

const RESULT_FILE = new URL('../../bench/results/demo-buffers.json', import.meta.url)

function flags(): { connections: number; record: boolean } {
  try {
    const { values } = parseArgs({
      options: { connections: { type: 'string', default: '5000' }, record: { type: 'boolean', default: false } },
      strict: true,
    })
    const connections = Number(values.connections)
    if (!Number.isInteger(connections) || connections < 1 || connections > MAX_CONNECTIONS) {
      throw new Error(`--connections must be a whole number from 1 to ${MAX_CONNECTIONS}`)
    }
    return { connections, record: values.record }
  } catch (error) {
    console.error(`demo:buffers: ${(error as Error).message} (flags: --connections N, --record)`)
    process.exit(2)
  }
}

const MiB = 1024 * 1024
const KiB = 1024

function row(m: Measurement): { rss: number; arrayBuffers: number } {
  return { rss: m.after.rss - m.before.rss, arrayBuffers: m.after.arrayBuffers - m.before.arrayBuffers }
}

async function main(): Promise<void> {
  const { connections, record } = flags()
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
    `\n${connections} idle connections, ${READ_BUFFER_BYTES / KiB} KiB read buffers, Node ${process.version}\n`,
  )
  console.log('style        RSS growth        per connection    buffers held      per connection')
  for (const r of results) {
    console.log(
      [
        r.strategy.padEnd(12),
        `${(r.rssBytes / MiB).toFixed(1)} MiB`.padEnd(17),
        `${(r.perConnection.rssBytes / KiB).toFixed(1)} KiB`.padEnd(17),
        `${(r.arrayBuffersBytes / MiB).toFixed(1)} MiB`.padEnd(17),
        `${(r.perConnection.arrayBuffersBytes / KiB).toFixed(1)} KiB`,
      ].join(' '),
    )
  }

  if (record) {
    const cpu = cpus()[0]?.model ?? 'unknown'
    const file = {
      schema: 'demo-buffers/1',
      recordedAt: new Date().toISOString(),
      command: `npm run demo:buffers -- --connections ${connections} --record`,
      machine: {
        cpu,
        cores: cpus().length,
        memoryBytes: totalmem(),
        platform: platform(),
        release: release(),
        arch: arch(),
        node: process.version,
      },
      connections,
      readBufferBytes: READ_BUFFER_BYTES,
      results,
    }
    writeFileSync(RESULT_FILE, `${JSON.stringify(file, null, 2)}\n`)
    console.log(`\nrecorded in bench/results/demo-buffers.json`)
  }
}

main().catch((error: Error) => {
  console.error(`demo:buffers: ${error.message}`)
  process.exit(1)
})
