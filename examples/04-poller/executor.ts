// The executor: tasks, a run queue, and the loop that polls whatever is ready.
//
// A task is a future the executor owns until it finishes, plus one flag: "already queued". The task
// is its own waker: waking it appends it to the FIFO run queue, unless it is queued already (two
// wakes before a poll queue it once). The executor polls queued tasks, oldest first; a task that
// returns PENDING leaves the queue and comes back only when something wakes it.
//
// The executor knows nothing of sockets or time. Wakes come from outside — the reactor when a
// socket is ready, the timers when a deadline passes — and runtime.ts alternates between this
// executor and the poller.
//
// Three decisions worth a look:
// - `queued` is cleared *before* the task is polled, so a wake that arrives while the task runs
//   queues it again instead of being lost;
// - one pass polls only the tasks that were queued when it began. Whatever they wake (themselves
//   included) runs in the next pass, after the runtime has polled for I/O and timers: no task can
//   keep the runtime from polling, and the per-task budget (future.ts) makes a task yield;
// - a task that returns PENDING without taking its waker can never be woken again: instead of
//   hanging silently it is reported and dropped, and so is a task that throws.

import { RuntimeCounters } from './counters.ts'
import { Context, DEFAULT_BUDGET, PENDING, type Future, type Waker } from './future.ts'
import { trace } from './trace.ts'

// #region task
export class Task implements Waker {
  /** On the run queue (or about to be): a second wake changes nothing. */
  queued = false
  done = false
  readonly id: number
  readonly name: string
  readonly future: Future<unknown>
  private readonly executor: Executor

  constructor(id: number, name: string, future: Future<unknown>, executor: Executor) {
    this.id = id
    this.name = name
    this.future = future
    this.executor = executor
  }

  wake(): void {
    if (this.queued || this.done) return
    this.queued = true
    this.executor.schedule(this)
  }

  toString(): string {
    return `task ${this.id} (${this.name})`
  }
}
// #endregion task

export interface ExecutorOptions {
  /** Polls that made progress before a task must yield (default 128). */
  budget?: number
  /** A task threw or broke the waker contract and was dropped. Default: a line on stderr. */
  onTaskFailed?: (task: Task, error: Error) => void
  /** Where passes, polls, yields and wakes are counted (counters.ts). */
  counters?: RuntimeCounters
}

const NO_WAKER: Waker = { wake() {} }

export class Executor {
  private runQueue: Task[] = []
  private spare: Task[] = [] // the previous pass's queue, reused so a pass allocates nothing
  private readonly live = new Set<Task>()
  private readonly cx = new Context(NO_WAKER)
  private readonly budget: number
  private readonly onTaskFailed: (task: Task, error: Error) => void
  private readonly counters: RuntimeCounters
  private nextId = 1

  constructor(options: ExecutorOptions = {}) {
    this.budget = options.budget ?? DEFAULT_BUDGET
    this.counters = options.counters ?? new RuntimeCounters()
    this.onTaskFailed =
      options.onTaskFailed ?? ((task, error) => console.error(`step:4: ${task} dropped: ${error.message}`))
  }

  spawn(future: Future<unknown>, name: string): Task {
    const task = new Task(this.nextId++, name, future, this)
    this.live.add(task)
    task.wake() // a new task is polled once, to get it started
    return task
  }

  /** Called by `Task.wake`. */
  schedule(task: Task): void {
    this.counters.wake()
    this.runQueue.push(task)
  }

  // #region run-ready
  /** Polls every task that was queued when the pass began, once each, in FIFO order. */
  runReadyTasks(): void {
    const batch = this.runQueue
    this.runQueue = this.spare // wakes from now on go to the next pass
    this.counters.passStarted(batch.length) // the queue is at its longest now (counters.ts)
    for (let i = 0; i < batch.length; i++) this.pollTask(batch[i]!)
    batch.length = 0
    this.spare = batch
  }
  // #endregion run-ready

  private pollTask(task: Task): void {
    if (task.done) return
    task.queued = false // before the poll: a wake during the poll queues the task again
    const cx = this.cx
    cx.reset(task, this.budget)
    this.counters.taskPolled()
    if (trace.enabled) trace.line('executor', `poll ${task}`)
    let result: unknown
    try {
      result = task.future.poll(cx)
    } catch (error) {
      return this.fail(task, error instanceof Error ? error : new Error(String(error)))
    }
    if (result !== PENDING) {
      task.done = true
      this.live.delete(task)
      if (trace.enabled) trace.line('executor', `${task} is done`)
    } else if (cx.yielded) {
      this.counters.budgetYield()
      if (trace.enabled) trace.line('executor', `${task} spent its budget of ${this.budget}: it yields`)
    } else if (!cx.wakerTaken) {
      this.fail(task, new Error('returned PENDING without taking its waker (cx.waker): nothing could ever wake it'))
    } else if (trace.enabled) {
      trace.line('executor', `${task} is pending`)
    }
  }

  private fail(task: Task, error: Error): void {
    task.done = true
    this.live.delete(task)
    try {
      task.future.drop?.()
    } finally {
      this.onTaskFailed(task, error)
    }
  }

  get hasReadyTasks(): boolean {
    return this.runQueue.length > 0
  }

  get readyTasks(): number {
    return this.runQueue.length
  }

  get liveTasks(): number {
    return this.live.size
  }

  /** Tasks not yet finished, for the report when nothing can wake them any more. */
  pendingTasks(): Task[] {
    return [...this.live]
  }
}
