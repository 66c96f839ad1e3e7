// Errors that say what to do, from the servers themselves started with plain node: a taken port,
// a second kernel-dispatch step 6 on the port of the first, and --help on every step and demo.

import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO, runPlain, startPlain } from '../helpers/plain-node.ts'

const STEPS = readdirSync(join(REPO, 'examples'))
  .filter((name) => /^0\d-/.test(name))
  .map((name) => `examples/${name}/server.ts`)

const TAKEN = /^step:\d: port \d+ is taken — another step still running\? stop it, or use --port 0\n$/

test('a step on a taken port: one line naming the cause and the fix, exit 1', async () => {
  const first = await startPlain('examples/03-event-loop/server.ts')
  try {
    const second = await runPlain('examples/01-blocking/server.ts', ['--port', String(first.port)])
    assert.equal(second.code, 1)
    assert.match(second.stderr, TAKEN)
  } finally {
    await first.stop()
  }
})

test('a second step 6 --dispatch kernel on the same port is refused, not silently sharing it', async () => {
  const first = await startPlain('examples/06-every-core/server.ts', ['--dispatch', 'kernel', '--workers', '2'])
  try {
    const args = ['--dispatch', 'kernel', '--workers', '2', '--port', String(first.port)]
    const second = await runPlain('examples/06-every-core/server.ts', args, undefined, 10_000)
    assert.equal(second.code, 1, second.stdout)
    assert.match(second.stderr, TAKEN)
    assert.equal(second.stdout, '', 'the second never said it was listening')
  } finally {
    await first.stop()
  }
})

describe('--help on every step: what it is, the file to read first, the routes', () => {
  for (const entry of STEPS) {
    test(entry, async () => {
      const run = await runPlain(entry, ['--help'])
      assert.equal(run.code, 0, run.stderr)
      const [what, readFirst] = run.stdout.split('\n')
      assert.match(what!, /^Step \d — \S/)
      assert.equal(readFirst, `Read first: ${entry} (its opening comment maps the step)`)
      assert.match(run.stdout, /^usage: npm run step:\d -- \[flags\] {3}or: node examples\//m)
      assert.match(run.stdout, /^ {2}GET \/cpu\/<n> +hash n rounds \(1-1000000000\)/m)
    })
  }
})

describe('--help on every demo, in the same style', () => {
  for (const demo of ['demo-buffers', 'demo-microtasks', 'demo-scheduling']) {
    test(demo, async () => {
      const run = await runPlain(`examples/${demo}/main.ts`, ['--help'])
      assert.equal(run.code, 0, run.stderr)
      const script = `demo:${demo.slice('demo-'.length)}`
      assert.ok(run.stdout.startsWith(`usage: npm run ${script} -- [flags]   or: node examples/${demo}/main.ts`))
      const bogus = await runPlain(`examples/${demo}/main.ts`, ['--bogus'])
      assert.deepEqual([bogus.code, bogus.stderr], [2, `${script}: unknown flag --bogus (try --help)\n`])
    })
  }
})
