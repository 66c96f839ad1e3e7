// Code along with nothing but Node: every step and every demo starts with plain `node file.ts` (the
// runtime's own type stripping), with no TypeScript loader and nothing from node_modules. A file
// that uses TypeScript Node cannot strip (a parameter property, an enum) fails here at start-up.
// One request per route kind each, so this stays fast: the protocol suite checks the answers.

import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO, runPlain, startPlain } from '../helpers/plain-node.ts'

const STEPS = readdirSync(join(REPO, 'examples'))
  .filter((name) => /^0\d-/.test(name))
  .map((name) => `examples/${name}/server.ts`)

describe('every step runs with plain node', () => {
  test('there are six steps', () => assert.equal(STEPS.length, 6, STEPS.join(', ')))
  for (const entry of STEPS) {
    test(entry, async () => {
      const server = await startPlain(entry)
      try {
        // /cpu/ runs on a worker thread in steps 2, 5 and 6: their thread entries load too.
        assert.equal(await (await fetch(`${server.url}/0`)).text(), 'slept 0 ms\n')
        assert.match(await (await fetch(`${server.url}/cpu/1000`)).text(), /^cpu 1000 [0-9a-f]{8}\n$/)
      } finally {
        await server.stop()
      }
    })
  }
})

describe('every demo runs with plain node', () => {
  // --help loads every module the demo imports statically; the microtask demo is quick enough to run.
  for (const demo of ['demo-buffers', 'demo-scheduling', 'demo-microtasks']) {
    test(`${demo} --help`, async () => {
      const run = await runPlain(`examples/${demo}/main.ts`, ['--help'])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /^usage: /)
    })
  }
  test('demo-buffers measures with its holder processes, forked with plain node too', async () => {
    const run = await runPlain('examples/demo-buffers/main.ts', ['--connections', '20'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /readiness .*\n.*completion /s)
  })
  test('demo-microtasks prints both orders', async () => {
    const run = await runPlain('examples/demo-microtasks/main.ts')
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /setTimeout 0/)
  })
})
