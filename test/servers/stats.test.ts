// /__stats figures named for what they are, from a step started with plain node.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startPlain } from '../helpers/plain-node.ts'

test('step 5 after one /cpu task: taskMsMean is its time, and so is the estimate seeded with it', async () => {
  const server = await startPlain('examples/05-cpu-pool/server.ts')
  try {
    const before = (await (await fetch(`${server.url}/__stats`)).json()) as Record<string, unknown>
    assert.deepEqual([before.taskMsMean, before.taskMsEstimate, before.taskMsAvg], [0, 0, undefined])
    assert.equal((await fetch(`${server.url}/cpu/20000000`)).status, 200)
    const after = (await (await fetch(`${server.url}/__stats`)).json()) as Record<string, number>
    assert.ok(after.taskMsMean! > 0, JSON.stringify(after))
    assert.equal(after.taskMsEstimate, after.taskMsMean)
  } finally {
    await server.stop()
  }
})
