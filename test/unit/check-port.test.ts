// `npm run dev`, `npm run dev:workshop` and `npm run present` refuse a taken port in one line
// (scripts/check-port.mjs), where Slidev alone would silently move to the next free port.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'

const CHECK = join(REPO_ROOT, 'scripts/check-port.mjs')
const check = (port: number | string) => spawnSync(process.execPath, [CHECK, String(port)], { encoding: 'utf8' })

test('a taken port: one line that names it and what to do, and exit 1', async () => {
  const holder = createServer().listen(0, 'localhost')
  await once(holder, 'listening')
  const { port } = holder.address() as { port: number }
  try {
    const run = check(port) // synchronous: the holder keeps the port, the kernel answers for it
    assert.equal(run.status, 1)
    assert.equal(run.stdout, '')
    const lines = run.stderr.trim().split('\n')
    assert.equal(lines.length, 1, run.stderr)
    assert.match(lines[0]!, new RegExp(`port ${port} is taken.*stop it`))
  } finally {
    holder.close()
  }
})

test('a free port: silent, exit 0; not a port: one line, exit 2', async () => {
  const probe = createServer().listen(0, 'localhost')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  probe.close()
  await once(probe, 'close')
  const free = check(port)
  assert.equal(free.status, 0, free.stderr)
  assert.equal(free.stderr, '')
  const bad = check('http')
  assert.equal(bad.status, 2)
  assert.equal(bad.stderr.trim().split('\n').length, 1)
})
