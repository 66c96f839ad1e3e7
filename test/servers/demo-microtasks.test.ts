// `npm run demo:microtasks`: the order the slide shows is the order Node runs the callbacks in.
// - inside an I/O callback: process.nextTick, then Promise.then and queueMicrotask (first in,
//   first out), then setImmediate, then setTimeout 0 — every time;
// - at the top level of the main module (an ES module): the promise callbacks run before
//   process.nextTick, all three microtasks before either macrotask; setTimeout 0 against
//   setImmediate is a race there, so the test accepts either order;
// - `--json` prints one object per callback; a bad flag gets one line and exit code 2.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { KINDS, type Ran } from '../../examples/demo-microtasks/order.ts'

function demo(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo-microtasks/main.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  })
}

function orderIn(ran: Ran[], context: Ran['context']): string[] {
  return ran.filter((r) => r.context === context).map((r) => r.kind)
}

describe('demo:microtasks', () => {
  const runs: Ran[][] = []
  for (let i = 0; i < 3; i++) {
    const result = demo(['--json'])
    runs.push(
      result.status === 0
        ? result.stdout
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as Ran)
        : [],
    )
  }

  test('--json prints one object per callback, five per context, numbered in the order they ran', () => {
    for (const ran of runs) {
      assert.equal(ran.length, 2 * KINDS.length)
      for (const context of ['main module', 'I/O callback'] as const) {
        const mine = ran.filter((r) => r.context === context)
        assert.deepEqual(
          mine.map((r) => r.order),
          [1, 2, 3, 4, 5],
        )
        assert.deepEqual([...mine.map((r) => r.kind)].sort(), [...KINDS].sort())
      }
    }
  })

  test('inside an I/O callback: nextTick, the promise callbacks in order, setImmediate, then the timer', () => {
    for (const ran of runs)
      assert.deepEqual(orderIn(ran, 'I/O callback'), [
        'process.nextTick',
        'Promise.then',
        'queueMicrotask',
        'setImmediate',
        'setTimeout 0',
      ])
  })

  test("at an ES module's top level: promise callbacks, then nextTick, then both macrotasks in either order", () => {
    for (const ran of runs) {
      const order = orderIn(ran, 'main module')
      assert.deepEqual(order.slice(0, 3), ['Promise.then', 'queueMicrotask', 'process.nextTick'])
      assert.deepEqual([...order.slice(3)].sort(), ['setImmediate', 'setTimeout 0'])
    }
  })

  test('without --json it prints the two tables; a bad flag gets one line and exit code 2', () => {
    const plain = demo([])
    assert.equal(plain.status, 0)
    assert.match(plain.stdout, /^queued, in this order: setTimeout 0, setImmediate/)
    assert.match(plain.stdout, /in the main module .*they ran:\n {2}1\. Promise\.then/)
    assert.match(plain.stdout, /in an I\/O callback .*they ran:\n {2}1\. process\.nextTick/)

    const bad = demo(['--nope'])
    assert.equal(bad.status, 2)
    assert.equal(bad.stderr.trim().split('\n').length, 1)
    assert.match(bad.stderr, /^demo:microtasks: /)
  })
})
