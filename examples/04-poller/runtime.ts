// The runtime: an executor, a reactor and timers, and the loop that drives all three.
//
//   1. run every task that is ready                       executor.ts
//   2. compute how long we may wait: until the nearest    timers.ts
//      timer, 0 if tasks are still ready, or forever
//   3. poll for readiness for at most that long           poller.ts (via the reactor)
//   4. wake the tasks waiting on each ready source        reactor.ts
//   5. wake the tasks whose timers are due                timers.ts
//   and again.
//
// That is a whole async runtime: a tokio with one thread, without work stealing. The loop runs until
// every task has finished (a server's accept loop never does).
//
// Node's own loop is still underneath: step 3 of each turn is where we give control back to it, and
// the turn after it starts from one of Node's callbacks (see poller.ts). Everything else, the
// scheduling of every request, is ours.

import { RuntimeCounters } from './counters.ts'
import { Executor, type ExecutorOptions, type Task } from './executor.ts'
import type { Future } from './future.ts'
import { Reactor } from './reactor.ts'
import { Timers } from './timers.ts'
import { trace } from './trace.ts'

export type RuntimeOptions = ExecutorOptions

export class Runtime {
  readonly executor: Executor
  readonly reactor: Reactor
  readonly timers: Timers
  /** What /__stats reports (counters.ts); `NO_COUNTERS` to run without them. */
  readonly counters: RuntimeCounters
  private started = false
  private onExit: (error?: Error) => void = () => {}
  private statsReads = 0

  constructor(options: RuntimeOptions = {}) {
    this.counters = options.counters ?? new RuntimeCounters()
    this.executor = new Executor({ ...options, counters: this.counters })
    this.reactor = new Reactor(this.counters)
    this.timers = new Timers(this.counters)
  }

  /** Start a task. From outside the runtime, call it before `run`; tasks may spawn tasks at any time. */
  spawn(future: Future<unknown>, name: string): Task {
    return this.executor.spawn(future, name)
  }

  /** The clock of the timers, in milliseconds. */
  now(): number {
    return this.timers.now()
  }

  /**
   * Runs until every task has finished, then calls `onExit()`. If tasks remain that nothing can
   * ever wake (no timer pending, no source registered), calls `onExit(error)` naming them
   * instead of hanging silently.
   */
  run(onExit?: (error?: Error) => void): void {
    if (this.started) throw new Error('the runtime is already running')
    this.started = true
    if (onExit) this.onExit = onExit
    this.turn()
  }

  // #region loop
  private turn(): void {
    this.executor.runReadyTasks() // 1. run every task that is ready

    if (this.executor.liveTasks === 0) return this.exit()

    // 2. how long may we wait? 0 if a task was woken during the pass (look at I/O, do not wait);
    // else until the nearest timer; null: until something is ready
    let timeout: number | null = null
    if (this.executor.hasReadyTasks) timeout = 0
    else if (this.timers.size > 0) timeout = Math.max(0, this.timers.nextDeadline() - this.timers.now())
    else if (this.reactor.registrations === 0) return this.exit(this.stuck())

    if (trace.enabled) {
      const wait = timeout === null ? 'none' : `${timeout.toFixed(3)} ms`
      trace.line('runtime', `poll(timeout ${wait}): back to Node's loop`)
    }
    this.reactor.waitForReadiness(timeout, this.afterPoll) // 3. wait (Node's loop runs meanwhile)
  }

  private readonly afterPoll = (): void => {
    this.reactor.dispatch() // 4. readiness -> wake the tasks waiting on it
    this.timers.fireDue(this.timers.now()) // 5. due timers -> wake their tasks
    this.turn()
  }
  // #endregion loop

  private stuck(): Error {
    const tasks = this.executor.pendingTasks()
    return new Error(
      `${tasks.length} task${tasks.length === 1 ? ' is' : 's are'} pending but nothing can wake ` +
        `${tasks.length === 1 ? 'it' : 'them'} ` +
        `(no timer pending, no source registered): ${tasks.map(String).join(', ')}`,
    )
  }

  private exit(error?: Error): void {
    this.reactor.close()
    if (trace.enabled) trace.line('runtime', error ? `stopped: ${error.message}` : 'every task is done: stopped')
    this.onExit(error)
  }

  /**
   * The runtime's figures, for /__stats: its state at this moment (looked at now: tasks, the run
   * queue, timers, sources, tasks waiting for readiness) and its counters (counters.ts), whose
   * peaks this read ends and starts again.
   */
  stats(): Record<string, unknown> {
    const runQueue = this.executor.readyTasks
    return {
      counters: this.counters.counting ? 'on' : 'off',
      statsReads: ++this.statsReads,
      tasks: this.executor.liveTasks,
      runQueue,
      timersPending: this.timers.size,
      registrations: this.reactor.registrations,
      waitingForReadiness: this.reactor.waitingTasks(),
      ...this.counters.read(runQueue),
    }
  }
}
