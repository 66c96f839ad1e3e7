// The threads that run step 5's CPU tasks: a fixed pool, started once, that replaces a thread
// that dies.
//
// Size: min(2 × CPUs, 40). More threads than the CPU cap, on purpose: a worker gives its slot back
// the moment its hash ends (cpu-slot.mjs), before the main thread has read its answer and marked
// it idle, so the next task admitted may need a thread while the last one is still "busy" posting.
// Spare threads also cover the ~20 ms it takes to start a replacement. The 40 ceiling keeps memory
// bounded on a big machine (each thread is a V8 isolate of several megabytes). `/__stats` counts
// `waitedForThread`: how often an admitted task found no idle thread (it waits in a backlog then).
//
// Every task run here holds a slot of the CPU limit. The slot travels with the task: we set the
// thread's `held` flag before posting the task, the thread gives the slot back when its hash ends.
// A thread that throws or dies fails only the task it had (the caller answers 500); if it died
// before giving its slot back, we give it back for it (`releaseHeldSlot`, exactly once); and a new
// thread takes its place.

import { Worker } from 'node:worker_threads'
import { releaseHeldSlot } from './cpu-slot.mjs'
import { TaskQueue } from './task-queue.ts'

const WORKER_URL = new URL('./pool-worker.mjs', import.meta.url)

interface Task {
  n: number
  resolve: (checksum: string) => void
  reject: (error: Error) => void
}

interface PoolThread {
  worker: Worker
  /** One shared Int32: 1 while the task this thread runs still holds its CPU slot. */
  held: Int32Array
  task: Task | undefined
  online: boolean
  dead: boolean
}

export class WorkerPool {
  private readonly idle: PoolThread[] = []
  private readonly backlog = new TaskQueue<Task>(Infinity)
  /** For /__stats. */
  threadsSpawned = 0
  workersAlive = 0
  tasksDone = 0
  tasksFailed = 0
  waitedForThread = 0

  constructor(
    readonly size: number,
    /** The CPU limit's shared counter (CpuLimit.counter). */
    private readonly counter: Int32Array,
  ) {
    for (let i = 0; i < size; i++) this.idle.push(this.startThread())
  }

  // #region run
  /** Runs `cpuHash(n)` on a thread; the caller already holds a CPU slot, which goes with the task. */
  run(n: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const task: Task = { n, resolve, reject }
      const thread = this.idle.pop()
      if (thread !== undefined) return this.dispatch(thread, task)
      this.waitedForThread++
      this.backlog.push(task)
    })
  }

  private dispatch(thread: PoolThread, task: Task): void {
    thread.task = task
    Atomics.store(thread.held, 0, 1) // the slot now belongs to this thread's task
    thread.worker.postMessage(task.n)
  }
  // #endregion run

  private startThread(): PoolThread {
    const held = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
    // execArgv: [] — the thread runs plain JavaScript, without the TypeScript loader (see ../shared/work.mjs).
    const worker = new Worker(WORKER_URL, { execArgv: [], workerData: { counter: this.counter, held } })
    const thread: PoolThread = { worker, held, task: undefined, online: false, dead: false }
    this.threadsSpawned++
    worker.once('online', () => {
      thread.online = true
      this.workersAlive++
    })
    worker.on('message', (checksum: string) => {
      const task = thread.task!
      thread.task = undefined
      this.tasksDone++
      task.resolve(checksum)
      this.nextTask(thread)
    })
    // 'error' (an uncaught exception) is followed by 'exit'; whichever comes first replaces the thread.
    worker.once('error', (error) => this.replace(thread, error))
    worker.once('exit', (code) => {
      if (thread.online) this.workersAlive--
      this.replace(thread, new Error(`worker thread exited with code ${code}`))
    })
    return thread
  }

  private nextTask(thread: PoolThread): void {
    const task = this.backlog.shift()
    if (task !== undefined) this.dispatch(thread, task)
    else this.idle.push(thread)
  }

  // #region replace
  private replace(thread: PoolThread, error: Error): void {
    if (thread.dead) return
    thread.dead = true
    releaseHeldSlot(this.counter, thread.held) // only if the thread died before giving it back
    const idleAt = this.idle.indexOf(thread)
    if (idleAt !== -1) this.idle.splice(idleAt, 1)
    if (thread.task !== undefined) {
      this.tasksFailed++
      thread.task.reject(error)
    }
    if (thread.online) return this.nextTask(this.startThread())
    // It died before it even started: most likely the worker file is broken. Say so, and retry
    // after a pause rather than respawning in a tight loop.
    console.error(`step:5: a pool thread died while starting: ${error.message}`)
    setTimeout(() => this.nextTask(this.startThread()), 1000)
  }
  // #endregion replace
}
