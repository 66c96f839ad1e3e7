// A failed listen says what it most likely means and what to do, and GET / and --help show the
// routes with the ranges limits.ts enforces, from one table.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { usage } from '../../examples/shared/cli.ts'
import { MAX_AWAIT_ROUNDS, MAX_CPU_ITERATIONS, MAX_SLEEP_MS } from '../../examples/shared/limits.ts'
import { indexPage, listenFailure } from '../../examples/shared/server.ts'

const at = (port: number) => ({ host: '127.0.0.1', port })

test('a taken port names the likely cause and the fix', () => {
  assert.equal(
    listenFailure(at(6969), 'EADDRINUSE'),
    'port 6969 is taken — another step still running? stop it, or use --port 0',
  )
})

test('a port below 1024 says it needs privileges; EACCES above says so without blaming the port number', () => {
  assert.match(listenFailure(at(80), 'EACCES'), /^port 80 needs privileges \(only root may listen below 1024\)/)
  assert.doesNotMatch(listenFailure(at(8080), 'EACCES'), /below 1024/)
})

test('a host that is not ours, or does not resolve, is named', () => {
  assert.match(listenFailure({ host: '10.9.9.9', port: 1 }, 'EADDRNOTAVAIL'), /10\.9\.9\.9 is not an address/)
  assert.match(listenFailure({ host: 'x.invalid', port: 1 }, 'ENOTFOUND'), /cannot resolve --host x\.invalid/)
})

test('GET / shows the ranges from limits.ts', () => {
  const page = indexPage({ number: 3, name: 'event loop', summary: 's' }, true)
  for (const range of [`(0-${MAX_SLEEP_MS})`, `(1-${MAX_CPU_ITERATIONS})`, `(1-${MAX_AWAIT_ROUNDS})`])
    assert.ok(page.includes(range), `${range} in:\n${page}`)
})

test('--help says what the step is, the file to read first, the flags and the routes', () => {
  const entry = new URL('../../examples/03-event-loop/server.ts', import.meta.url).pathname
  const text = usage('step:3', {}, { servesAwait: true, entry })
  const lines = text.split('\n')
  assert.match(lines[0]!, /^Step 3 — /)
  assert.equal(lines[1], 'Read first: examples/03-event-loop/server.ts (its opening comment maps the step)')
  assert.ok(text.includes('usage: npm run step:3 -- [flags]   or: node examples/03-event-loop/server.ts [flags]'))
  assert.ok(text.includes('--header-timeout MS'))
  assert.ok(text.includes(`GET /await/<n>        await n settled promises (1-${MAX_AWAIT_ROUNDS})`), text)
})
