// The one FIFO queue (examples/shared/fifo.ts): oldest first, a full line refuses, and the order
// survives the compaction that keeps `shift` O(1).

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Fifo } from '../../examples/shared/fifo.ts'

describe('Fifo', () => {
  test('hands items out oldest first, and undefined when empty', () => {
    const line = new Fifo<string>()
    assert.equal(line.shift(), undefined)
    for (const item of ['a', 'b', 'c']) assert.equal(line.push(item), true)
    assert.equal(line.length, 3)
    assert.deepEqual([line.shift(), line.shift()], ['a', 'b'])
    line.push('d')
    assert.deepEqual([line.shift(), line.shift(), line.shift()], ['c', 'd', undefined])
    assert.equal(line.length, 0)
  })

  test('a full line refuses and adds nothing; a place freed is a place taken', () => {
    const line = new Fifo<number>(2)
    assert.deepEqual([line.push(1), line.push(2), line.push(3)], [true, true, false])
    assert.equal(line.length, 2)
    assert.equal(line.shift(), 1)
    assert.equal(line.push(4), true)
    assert.deepEqual([line.shift(), line.shift()], [2, 4])
    assert.equal(new Fifo<number>(0).push(1), false, 'capacity 0: always refuses')
  })

  test('the order holds across the compactions of a long, never-empty line', () => {
    const line = new Fifo<number>()
    let pushed = 0
    let expected = 0
    // Keep about 600 items waiting while 20,000 pass through: the consumed prefix is dropped many times.
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 200; i++) line.push(pushed++)
      while (line.length > 600) assert.equal(line.shift(), expected++)
    }
    while (line.length > 0) assert.equal(line.shift(), expected++)
    assert.equal(expected, pushed)
  })
})
