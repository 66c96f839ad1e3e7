// `npm run demo:buffers`: the two read styles really differ in the buffers they hold, and the demo
// cleans up after itself. A small count keeps it quick. Held buffers are read from `arrayBuffers`,
// the process's every ArrayBuffer after a full GC: one 64 KiB buffer per connection, or none — but
// the GC between the two samples may also free buffers the holder had before its first connection
// (2.7 MiB of the expected 18.75 MiB once, with a CPU hog on each core), so the completion style is
// held to three quarters of N × 64 KiB: still 7.5 times the readiness style's ceiling.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { measureStrategy, startSilentPeer, type SilentPeer } from '../../examples/demo-buffers/measure.ts'
import { READ_BUFFER_BYTES } from '../../examples/demo-buffers/strategy.ts'

const CONNECTIONS = 300

describe('demo:buffers', () => {
  let peer: SilentPeer
  before(async () => {
    peer = await startSilentPeer()
  })
  after(async () => {
    await peer.close()
  })

  test('readiness: idle connections hold no read buffer (one buffer is shared by all)', async () => {
    const m = await measureStrategy(peer, 'readiness', CONNECTIONS)
    assert.equal(m.connections, CONNECTIONS, 'every connection got its greeting through the shared buffer')
    const held = m.after.arrayBuffers - m.before.arrayBuffers
    assert.ok(
      held < (CONNECTIONS * READ_BUFFER_BYTES) / 10,
      `held ${held} bytes of buffers for ${CONNECTIONS} connections`,
    )
    assert.equal(peer.open(), 0, 'every connection is closed afterwards')
  })

  test('completion: each pending read holds its own buffer', async () => {
    const m = await measureStrategy(peer, 'completion', CONNECTIONS)
    assert.equal(m.connections, CONNECTIONS)
    const held = m.after.arrayBuffers - m.before.arrayBuffers
    assert.ok(
      held >= CONNECTIONS * READ_BUFFER_BYTES * 0.75,
      `held ${held} bytes, expected about ${CONNECTIONS} x ${READ_BUFFER_BYTES}`,
    )
    assert.equal(peer.open(), 0, 'every connection is closed afterwards')
  })

  test('a bad connection count is refused before anything starts', async () => {
    await assert.rejects(measureStrategy(peer, 'readiness', 0), RangeError)
    await assert.rejects(measureStrategy(peer, 'readiness', 1_000_000), RangeError)
  })

  test('the CLI rejects a bad flag with one line and exit code 2', () => {
    for (const args of [['--bogus'], ['--connections', '0'], ['--connections', 'many']]) {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'examples/demo-buffers/main.ts'), ...args],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 20_000,
        },
      )
      assert.equal(run.status, 2, args.join(' '))
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
    }
  })
})
