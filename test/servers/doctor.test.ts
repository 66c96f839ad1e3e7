// `npm run doctor` and the version check every `npm run` entry point runs first, with plain node.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runPlain } from '../helpers/plain-node.ts'

test('doctor: one verdict per line, and exit 1 exactly when a line says fix', async () => {
  const run = await runPlain('scripts/doctor.mjs')
  const checks = run.stdout.split('\n').filter((line) => line !== '' && !/^(ready\.|\d+ things? to fix)/.test(line))
  assert.ok(checks.length >= 8, run.stdout)
  for (const line of checks) assert.match(line, /^(ok|note|fix) +\S/)
  assert.equal(run.stderr, '')
  const fixes = checks.filter((line) => line.startsWith('fix')).length
  assert.equal(run.code, fixes === 0 ? 0 : 1, run.stdout)
  assert.match(run.stdout, new RegExp(`^ok +Node ${process.version.replaceAll('.', '\\.')}: supported`, 'm'))
})

test('check-node passes this Node silently', async () => {
  const run = await runPlain('scripts/check-node.mjs')
  assert.deepEqual(run, { code: 0, stdout: '', stderr: '' })
})
