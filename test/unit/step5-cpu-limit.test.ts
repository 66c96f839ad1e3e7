// Step 5's CPU limit on its own (examples/05-cpu-pool/cpu-limit.ts): the cap, the order, the
// wake-ups. The deterministic tests stage each race by hand; the stress test lets real worker
// threads give slots back while the main thread keeps asking for more.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { CpuLimit } from '../../examples/05-cpu-pool/cpu-limit.ts'
import { releaseHeldSlot, releaseSlot, RUNNING } from '../../examples/05-cpu-pool/cpu-slot.mjs'
import { sleep } from '../helpers/raw-http.ts'
import { settled } from '../helpers/settled.ts'

describe('CpuLimit', () => {
  test('a free slot is taken at once; at the cap, requests wait; a release admits exactly one', async () => {
    const limit = new CpuLimit(2, 100)
    await limit.acquire()
    await limit.acquire()
    assert.equal(limit.running, 2)
    const waiting = Array.from({ length: 10 }, () => limit.acquire()!)
    assert.equal(limit.queueLength, 10)
    assert.equal(await settled(waiting[0]!), false, 'nobody is admitted beyond the cap')

    // Exactly one waiter sleeps on the counter, however long the line: waking "everyone" wakes one.
    assert.equal(Atomics.notify(limit.counter, RUNNING, Infinity), 1)
    assert.equal(await settled(waiting[0]!), false, 'a wake-up without a free slot admits nobody')

    releaseSlot(limit.counter)
    assert.equal(await settled(waiting[0]!), true)
    assert.equal(await settled(waiting[1]!), false, 'one freed slot admits one request, not a crowd')
    assert.deepEqual([limit.running, limit.queueLength, limit.mostEverRunning], [2, 9, 2])

    for (let i = 0; i < 9; i++) releaseSlot(limit.counter)
    assert.equal(await settled(Promise.all(waiting)), true)
    for (let i = 0; i < 2; i++) releaseSlot(limit.counter)
    assert.deepEqual([limit.running, limit.queueLength], [0, 0])
  })

  test('first come, first served: a newcomer cannot take a slot whose wake-up is still on its way', async () => {
    const limit = new CpuLimit(1, 100)
    const order: string[] = []
    await limit.acquire()
    const first = limit.acquire()!.then(() => order.push('first in line'))
    releaseSlot(limit.counter) // the slot is free, the wake-up is queued on the loop...
    assert.equal(limit.running, 0)
    const newcomer = limit.acquire() // ...and a newcomer arrives before it is delivered
    assert.ok(newcomer !== null)
    void newcomer.then(() => order.push('newcomer'))
    await first
    assert.equal(await settled(newcomer), false, 'the newcomer waits for the slot the first in line took')
    releaseSlot(limit.counter)
    await newcomer
    assert.deepEqual(order, ['first in line', 'newcomer'])
    releaseSlot(limit.counter)
    assert.equal(limit.running, 0)
  })

  test('no lost wake-up when a slot frees between the look at the counter and the start of the wait', async () => {
    const limit = new CpuLimit(1, 100)
    await limit.acquire()
    // Stage the race: the front of the line reads the counter as full, and right then (before it
    // can call Atomics.waitAsync) a worker's release lands: decrement, and a notify that finds no
    // waiter. If the wait did not re-check the value it decided on, it would sleep forever.
    const realLoad = Atomics.load
    let raced = false
    Atomics.load = ((array: Int32Array, index: number) => {
      const value = realLoad(array, index)
      if (!raced && array === limit.counter && value === 1 && limit.queueLength > 0) {
        raced = true
        releaseSlot(limit.counter)
      }
      return value
    }) as typeof Atomics.load
    let turn: Promise<boolean> | null
    try {
      turn = limit.acquire() // the front of the line looks, and waits, inside this call
    } finally {
      Atomics.load = realLoad
    }
    assert.ok(raced && turn !== null)
    assert.equal(await settled(turn), true, 'admitted on the freed slot, with no further release')
    assert.equal(limit.wakeRaces, 1)
    assert.equal(limit.running, 1)
    releaseSlot(limit.counter)
  })

  test('a release frees the slot before it notifies: the waiter it wakes finds the slot free', async () => {
    const limit = new CpuLimit(1, 10)
    await limit.acquire()
    // The releasing thread pauses right after its notify. Had the release notified first and
    // decremented second, the woken front of the line would look, find the counter still full, go
    // back to sleep, and the decrement that follows would wake nobody.
    const worker = new Worker(new URL('../helpers/slot-releaser.mjs', import.meta.url), {
      execArgv: [],
      workerData: {
        counter: limit.counter,
        gauge: new Int32Array(new SharedArrayBuffer(12)),
        maxSpinMicros: 0,
        pauseAfterNotifyMs: 400,
      },
    })
    try {
      const turn = limit.acquire()!
      const held = new Int32Array(new SharedArrayBuffer(4))
      Atomics.store(held, 0, 1)
      worker.postMessage({ held })
      let timer: NodeJS.Timeout | undefined
      const admitted = await Promise.race([
        turn.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 3000))),
      ]).finally(() => clearTimeout(timer))
      assert.equal(admitted, true)
      assert.equal(limit.running, 1)
    } finally {
      await worker.terminate()
    }
  })

  test('a request whose client has gone is dropped at the front, without a slot; the slot goes on', async () => {
    const limit = new CpuLimit(1, 100)
    assert.equal(await limit.acquire(), true)
    const left = new Set<string>()
    const gone = (name: string) => () => left.has(name)
    const order: string[] = []
    const turns = ['a', 'b', 'c', 'd'].map((name) => {
      const turn = limit.acquire(gone(name))!
      void turn.then((admitted) => order.push(`${name} ${admitted ? 'runs' : 'dropped'}`))
      return turn
    })
    left.add('a') // the front of the line, asleep on the counter, loses its client
    left.add('c')
    releaseSlot(limit.counter)
    assert.equal(await settled(turns[1]!), true)
    assert.deepEqual(order, ['a dropped', 'b runs'], 'one freed slot: a is dropped, and b takes the slot at once')
    assert.equal(await settled(turns[3]!), false, "d waits: the slot is b's")
    assert.deepEqual([limit.running, limit.queueLength, limit.abandoned], [1, 2, 1])
    releaseSlot(limit.counter)
    assert.equal(await settled(turns[3]!), true)
    assert.deepEqual(order, ['a dropped', 'b runs', 'c dropped', 'd runs'])
    assert.deepEqual([limit.running, limit.queueLength, limit.abandoned], [1, 0, 2])

    // A line of nobody but the gone: the slot stays free, and the next newcomer takes it at once.
    const e = limit.acquire(() => true)!
    releaseSlot(limit.counter)
    assert.equal(await e, false)
    assert.deepEqual([limit.running, limit.queueLength, limit.abandoned], [0, 0, 3])
    assert.equal(await limit.acquire(), true)
    assert.equal(limit.running, 1)
  })

  test('a full line refuses newcomers (null) and takes them again once it moves', async () => {
    const limit = new CpuLimit(1, 2)
    await limit.acquire()
    const a = limit.acquire()
    const b = limit.acquire()
    assert.ok(a && b)
    assert.equal(limit.acquire(), null)
    assert.equal(limit.queueLength, 2)
    releaseSlot(limit.counter)
    await a
    assert.ok(limit.acquire() !== null, 'room again')
    assert.equal(new CpuLimit(1, 0).acquire() !== null, true, '--max-queue 0 still admits to a free slot')
    const noLine = new CpuLimit(1, 0)
    await noLine.acquire()
    assert.equal(noLine.acquire(), null, '--max-queue 0 refuses when every slot is taken')
  })

  test('threads release while the main thread acquires: cap held, FCFS, never negative, nothing lost', async (t) => {
    const CAP = 3
    const THREADS = 4
    const TASKS = 6000
    const limit = new CpuLimit(CAP, TASKS)
    const gauge = new Int32Array(new SharedArrayBuffer(3 * 4))
    const heldFlags = new Int32Array(new SharedArrayBuffer(TASKS * 4))
    const workers = Array.from(
      { length: THREADS },
      () =>
        new Worker(new URL('../helpers/slot-releaser.mjs', import.meta.url), {
          execArgv: [],
          workerData: { counter: limit.counter, gauge, maxSpinMicros: 200 },
        }),
    )
    try {
      const admitted: number[] = []
      const overCap: number[] = []
      const all: Promise<void>[] = []
      let next = 0
      // Requests arrive in waves of random size while the threads release slots at random moments,
      // so arrivals, releases and wake-ups interleave every way they can.
      while (next < TASKS) {
        const wave = Math.min(TASKS - next, 1 + Math.floor(Math.random() * 40))
        for (let i = 0; i < wave; i++) {
          const id = next++
          const turn = limit.acquire()
          assert.ok(turn !== null)
          all.push(
            turn.then(() => {
              admitted.push(id)
              const running = limit.running
              if (running > CAP || running < 1) overCap.push(running)
              const held = new Int32Array(heldFlags.buffer, id * 4, 1)
              Atomics.store(held, 0, 1)
              workers[id % THREADS]!.postMessage({ held })
            }),
          )
        }
        await (Math.random() < 0.5 ? nextTurn() : sleep(Math.random() * 2))
      }
      let stuck: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.all(all),
        new Promise((_, reject) => {
          stuck = setTimeout(
            () => reject(new Error(`stuck: ${admitted.length} of ${TASKS} admitted, ${limit.queueLength} in line`)),
            60_000,
          )
        }),
      ]).finally(() => clearTimeout(stuck))
      const drained = performance.now() + 20_000
      while (limit.running > 0 && performance.now() < drained) await sleep(10)

      assert.equal(admitted.length, TASKS)
      assert.ok(
        admitted.every((id, i) => id === i),
        'admitted in arrival order',
      )
      assert.deepEqual(overCap, [], 'the counter, read at each admission, stayed within 1..cap')
      assert.equal(Atomics.load(gauge, 2), 0, 'no release found the counter missing its slot')
      assert.ok(Atomics.load(gauge, 1) <= CAP, `the threads saw ${Atomics.load(gauge, 1)} tasks at once`)
      assert.equal(limit.mostEverRunning, CAP, 'the cap was reached (the test did contend)')
      assert.equal(limit.running, 0, 'every slot came back, none twice')
      assert.equal(limit.queueLength, 0)
      // The releases raced with the main thread's checks this many times; each would have been a
      // lost wake-up had the check and the wait not been one atomic step.
      t.diagnostic(`${limit.wakeRaces} releases landed between a check and a wait`)
    } finally {
      await Promise.all(workers.map((w) => w.terminate()))
    }
  })

  test('releaseHeldSlot gives a slot back exactly once, whoever calls it first', async () => {
    const limit = new CpuLimit(1, 10)
    await limit.acquire()
    const held = new Int32Array(new SharedArrayBuffer(4))
    Atomics.store(held, 0, 1)
    releaseHeldSlot(limit.counter, held) // the worker, when its hash ends
    releaseHeldSlot(limit.counter, held) // the main thread, when that worker dies later: a no-op
    assert.equal(limit.running, 0)
  })
})
