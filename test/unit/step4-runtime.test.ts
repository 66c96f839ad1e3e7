// Step 4's runtime without sockets: the executor's wake rules, the reactor's waker table, the
// timer heap, and the per-task budget. The futures here are tiny hand-written state machines.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Executor, type Task } from '../../examples/04-poller/executor.ts'
import { PENDING, type Context, type Future, type PollResult, type Waker } from '../../examples/04-poller/future.ts'
import { Sleep } from '../../examples/04-poller/io-futures.ts'
import { READABLE } from '../../examples/04-poller/poller.ts'
import { Reactor } from '../../examples/04-poller/reactor.ts'
import { Runtime } from '../../examples/04-poller/runtime.ts'
import { TimerEntry, Timers } from '../../examples/04-poller/timers.ts'
import { FakeSource, runToEnd } from '../helpers/step4.ts'

/** A future driven by a function of how many times it has been polled. */
class Scripted implements Future<string> {
  polls = 0
  dropped = false
  constructor(private readonly step: (poll: number, cx: Context) => PollResult<string>) {}
  poll(cx: Context): PollResult<string> {
    return this.step(++this.polls, cx)
  }
  drop(): void {
    this.dropped = true
  }
}

class CountingWaker implements Waker {
  wakes = 0
  wake(): void {
    this.wakes++
  }
}

describe('step 4 executor', () => {
  test('a wake that arrives while the task is being polled is not lost', async () => {
    const rt = new Runtime()
    const future = new Scripted((poll, cx) => {
      if (poll === 1) {
        cx.waker.wake() // as if the socket became ready while we were still in poll
        return PENDING
      }
      return 'done'
    })
    rt.spawn(future, 'wakes itself')
    await runToEnd(rt) // rejects with "nothing can wake" if the wake had been lost
    assert.equal(future.polls, 2)
  })

  test('two wakes before a poll queue the task once', () => {
    const executor = new Executor()
    let waker: Waker | undefined
    const future = new Scripted((_, cx) => {
      waker = cx.waker
      return PENDING
    })
    executor.spawn(future, 'waits')
    executor.runReadyTasks()
    assert.equal(future.polls, 1)
    assert.equal(executor.readyTasks, 0)
    waker!.wake()
    waker!.wake()
    assert.equal(executor.readyTasks, 1, 'queued once')
    executor.runReadyTasks()
    assert.equal(future.polls, 2, 'polled once')
  })

  test('tasks run in the order they were woken (FIFO), and a pass runs only what was queued when it began', () => {
    const executor = new Executor()
    const order: string[] = []
    const wakers = new Map<string, Waker>()
    for (const name of ['a', 'b', 'c']) {
      executor.spawn(
        new Scripted((poll, cx) => {
          order.push(`${name}${poll}`)
          wakers.set(name, cx.waker)
          if (name === 'a' && poll === 1) cx.waker.wake() // re-queued: runs in the next pass
          return PENDING
        }),
        name,
      )
    }
    executor.runReadyTasks()
    assert.deepEqual(order, ['a1', 'b1', 'c1'])
    wakers.get('c')!.wake()
    wakers.get('b')!.wake()
    executor.runReadyTasks()
    assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2', 'c2', 'b2'])
  })

  test('a pending future that took no waker is reported and dropped, not left to hang', async () => {
    const failures: string[] = []
    const rt = new Runtime({
      onTaskFailed: (task: Task, error: Error) => failures.push(`${task.name}: ${error.message}`),
    })
    const forgetful = new Scripted(() => PENDING) // never touches cx.waker
    rt.spawn(forgetful, 'forgetful')
    await runToEnd(rt)
    assert.equal(failures.length, 1)
    assert.match(failures[0]!, /^forgetful: returned PENDING without taking its waker/)
    assert.ok(forgetful.dropped, 'its drop() ran, so it could release what it held')
  })

  test('tasks that took a waker but that nothing can wake are named when the runtime stops', async () => {
    const rt = new Runtime()
    // Takes the waker, gives it to no one.
    rt.spawn(
      new Scripted((_, cx) => {
        void cx.waker
        return PENDING
      }),
      'lost waker',
    )
    await assert.rejects(runToEnd(rt), /1 task is pending but nothing can wake it .*lost waker/)
  })

  test('a task that throws is reported and dropped; the others go on', async () => {
    const failures: string[] = []
    const rt = new Runtime({ onTaskFailed: (task, error) => failures.push(`${task.name}: ${error.message}`) })
    const bad = new Scripted(() => {
      throw new Error('boom')
    })
    const good = new Scripted((poll, cx) => {
      if (poll >= 3) return 'ok'
      cx.waker.wake()
      return PENDING
    })
    rt.spawn(bad, 'bad')
    rt.spawn(good, 'good')
    await runToEnd(rt)
    assert.deepEqual(failures, ['bad: boom'])
    assert.ok(bad.dropped)
    assert.equal(good.polls, 3)
  })
})

describe('step 4 reactor', () => {
  test('the latest waker registered for a token is the one woken, and only once', async () => {
    const reactor = new Reactor()
    const source = new FakeSource()
    const token = reactor.register(source, READABLE)
    const first = new CountingWaker()
    const second = new CountingWaker()
    reactor.wakeWhenReady(token, first)
    reactor.wakeWhenReady(token, second)
    source.report(READABLE)
    await new Promise<void>((resolve) => reactor.waitForReadiness(1000, resolve))
    reactor.dispatch()
    assert.deepEqual([first.wakes, second.wakes], [0, 1])
    // A waker is used once: readiness with nobody waiting wakes nobody.
    source.report(READABLE)
    await new Promise<void>((resolve) => reactor.waitForReadiness(1000, resolve))
    reactor.dispatch()
    assert.deepEqual([first.wakes, second.wakes], [0, 1])
    reactor.close()
  })

  test('tokens of deregistered sources are reused, and their readiness is not dispatched', async () => {
    const reactor = new Reactor()
    const a = new FakeSource()
    const tokenA = reactor.register(a, READABLE)
    const waker = new CountingWaker()
    reactor.wakeWhenReady(tokenA, waker)
    a.report(READABLE)
    reactor.deregister(a, tokenA)
    const b = new FakeSource()
    assert.equal(reactor.register(b, READABLE), tokenA, 'the token is reused')
    await new Promise<void>((resolve) => reactor.waitForReadiness(50, resolve))
    reactor.dispatch()
    assert.equal(waker.wakes, 0, "the old source's readiness did not reach the token's new owner")
    reactor.close()
  })
})

describe('step 4 timers', () => {
  test('the heap fires the nearest deadline first, whatever the order of scheduling, and never a cancelled one', () => {
    const timers = new Timers()
    const fired: number[] = []
    const entries: TimerEntry[] = []
    // A deterministic shuffle of 500 deadlines, some equal.
    for (let i = 0; i < 500; i++) {
      const deadline = (i * 7919) % 251
      const entry = new TimerEntry()
      entries.push(entry)
      timers.schedule(entry, deadline, { wake: () => fired.push(deadline) })
    }
    for (let i = 0; i < 500; i += 5) timers.cancel(entries[i]!)
    // Moving an entry: the latest schedule (and waker) wins.
    const moved = new CountingWaker()
    timers.schedule(entries[1]!, 1000, moved)
    assert.equal(timers.size, 400)
    timers.fireDue(250)
    assert.equal(fired.length, 399)
    assert.deepEqual(
      fired,
      [...fired].sort((x, y) => x - y),
      'in deadline order',
    )
    assert.equal(moved.wakes, 0)
    assert.equal(timers.nextDeadline(), 1000)
    timers.fireDue(1000)
    assert.equal(moved.wakes, 1)
    assert.equal(timers.size, 0)
  })

  test('a short sleep started after a long one ends first', async () => {
    const rt = new Runtime()
    const done: string[] = []
    const t0 = rt.now()
    for (const [name, ms] of [
      ['long', 300],
      ['short', 30],
    ] as const) {
      const sleep = new Sleep(rt.timers, t0 + ms)
      rt.spawn({ poll: (cx) => (sleep.poll(cx) === PENDING ? PENDING : void done.push(name)) }, name)
    }
    await runToEnd(rt)
    assert.deepEqual(done, ['short', 'long'])
    assert.ok(rt.now() - t0 >= 299)
  })
})

describe('step 4 budget', () => {
  /** A task whose every step is ready at once: it polls an already-expired Sleep for `forMs` ms. */
  class AlwaysReady implements Future<void> {
    steps = 0
    private readonly sleep: Sleep
    constructor(
      private readonly rt: Runtime,
      private readonly until: number,
    ) {
      this.sleep = new Sleep(rt.timers, 0)
    }
    poll(cx: Context): PollResult<void> {
      while (this.rt.now() < this.until) {
        if (this.sleep.poll(cx) === PENDING) return PENDING
        this.steps++
      }
    }
  }

  /** How late a 20 ms timer fires while an always-ready task spins for 300 ms. */
  async function lateness(budget: number): Promise<{ lateMs: number; steps: number; yields: number }> {
    const rt = new Runtime({ budget })
    const t0 = rt.now()
    const spinner = new AlwaysReady(rt, t0 + 300)
    let firedAt = NaN
    const timer = new Sleep(rt.timers, t0 + 20)
    rt.spawn(spinner, 'always ready')
    const watch = {
      poll: (cx: Context) => {
        if (timer.poll(cx) === PENDING) return PENDING
        firedAt = rt.now()
        return undefined
      },
    }
    rt.spawn(watch, 'timer')
    await runToEnd(rt)
    return { lateMs: firedAt - (t0 + 20), steps: spinner.steps, yields: rt.counters.budgetYields }
  }

  test('a task that is always ready cannot hold back a due timer', async () => {
    const withBudget = await lateness(128)
    assert.ok(withBudget.lateMs >= 0)
    assert.ok(withBudget.lateMs < 25, `the timer fired ${withBudget.lateMs.toFixed(1)} ms late`)
    assert.ok(withBudget.yields > 10, `the spinning task yielded ${withBudget.yields} times`)
    // The control: without a budget the spinning task keeps the runtime for all of its 300 ms.
    const without = await lateness(Number.POSITIVE_INFINITY)
    assert.ok(without.lateMs > 200, `without a budget the timer was ${without.lateMs.toFixed(1)} ms late`)
    assert.equal(without.yields, 0)
  })
})
